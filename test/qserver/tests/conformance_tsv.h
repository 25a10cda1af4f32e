/*-------------------------------------------------------------------------
 *
 * conformance_tsv.h
 *		Reading the conformance files (the .tsv files in test/qserver/conformance),
 *		shared by the in-process checker (conformance_main.c) and the IPC
 *		checker (conformance_ipc.c), so that both see exactly the same rows.
 *
 * A row is `expression<TAB>expected<TAB>citation<TAB>source`; blank lines
 * and lines starting with # are skipped.  expected "-" marks a setup row
 * (it must not signal an error; it is not counted as a test).  source says
 * why the row is kdb+'s behaviour:
 *	example          the expression and its result appear on the cited page
 *	derived: RULE    follows from RULE, documented on the cited page
 *	unsourced        not found on a KX page (checked against the test server
 *	                 only; counted apart)
 *	qserver: WHAT    behaviour of the q test server itself (its .qserver
 *	                 hooks), not of kdb+; the citation column is "-"
 * (setup rows say "setup"; their source is not read).  A row without a
 * source column counts as unsourced.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/tests/conformance_tsv.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CONFORMANCE_TSV_H
#define CONFORMANCE_TSV_H

#include <stdio.h>

/*
 * Read the next row of fp into *line (getline buffer, *cap its size),
 * advancing *lineno.  Returns 1 with *expr and *want pointing into *line,
 * 0 at end of file, -1 for a malformed row (no tab; already reported on
 * stdout with path and line number).
 */
extern int	conf_read_row(FILE *fp, const char *path, char **line, size_t *cap,
						  int *lineno, char **expr, char **want);

/* what a row is (from its expected and source columns), for the tallies */
typedef enum
{
	CONF_SETUP,					/* expected "-": not a test */
	CONF_EXAMPLE,				/* kdb+, an example on the cited page */
	CONF_DERIVED,				/* kdb+, derived from a documented rule */
	CONF_UNSOURCED,				/* claims kdb+ behaviour without a source */
	CONF_QSERVER,				/* the test server's own hooks */
	CONF_NKINDS
} ConfKind;

/*
 * The kind of the row conf_read_row last returned (call it right after;
 * a malformed source column is reported on stdout and gives -1).
 */
extern int	conf_row_kind(const char *path, int lineno);

/* per-kind counts of passed and failed rows, and their summary lines */
typedef struct ConfTally
{
	int			passed[CONF_NKINDS];
	int			failed[CONF_NKINDS];
} ConfTally;

extern void conf_tally(ConfTally *t, int kind, int ok);
extern void conf_print_tally(const ConfTally *t, const char *prefix);

/*
 * Call fn for path when it is a file, or for every *.tsv file in it, in
 * name order, when it is a directory.
 */
extern void conf_for_each_file(const char *path, void (*fn) (const char *path));

#endif							/* CONFORMANCE_TSV_H */
