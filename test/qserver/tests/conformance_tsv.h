/*-------------------------------------------------------------------------
 *
 * conformance_tsv.h
 *		Reading the conformance files (the .tsv files in test/qserver/conformance),
 *		shared by the in-process checker (conformance_main.c) and the IPC
 *		checker (conformance_ipc.c), so that both see exactly the same rows.
 *
 * A row is `expression<TAB>expected<TAB>citation`; blank lines and lines
 * starting with # are skipped.
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

/*
 * Call fn for path when it is a file, or for every *.tsv file in it, in
 * name order, when it is a directory.
 */
extern void conf_for_each_file(const char *path, void (*fn) (const char *path));

#endif							/* CONFORMANCE_TSV_H */
