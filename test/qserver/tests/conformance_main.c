/*-------------------------------------------------------------------------
 *
 * conformance_main.c
 *		Checks the q test server's interpreter against real kdb+ results.
 *
 * Every .tsv file in test/qserver/conformance holds rows of
 *		expression TAB expected TAB citation
 * where expected is what real kdb+ gives, in q's one-line display form
 * (-3!x), and citation names the KX reference page the row comes from.
 * An expected value that starts with ' is an error: the row passes when
 * evaluation signals that error.  Lines that are empty or start with #
 * are skipped.  Rows of one file run in order in one interpreter, so a row
 * may define globals for later rows (its expected column is then "-": a
 * setup row, which must not signal an error and is not counted as a test).
 * The fourth column says where a row's kdb+ behaviour comes from (see
 * conformance_tsv.h); the counts per kind are printed before the last line.
 *
 * The program links the interpreter (test/qserver/q_*.c) and libkipc but
 * not the network layer.  It prints every mismatch and ends with one line
 * "N passed, M failed, 0 skipped" (rows, setup rows not counted); the exit
 * status is non-zero on any failure.
 *
 * Usage: conformance [dir-or-file ...]  (default test/qserver/conformance)
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/tests/conformance_main.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q_int.h"
#include "conformance_tsv.h"

static int	npass,
			nfail;
static ConfTally tally;

/* run the rows of one file */
static void
run_file(const char *path)
{
	FILE	   *fp = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	int			lineno = 0;
	int			rc;
	char	   *expr;
	char	   *want;
	QInterp    *q;

	if (!fp)
	{
		fprintf(stderr, "%s: cannot open\n", path);
		nfail++;
		return;
	}
	q = q_interp_new(NULL);
	while ((rc = conf_read_row(fp, path, &line, &cap, &lineno, &expr, &want)) != 0)
	{
		K		   *r;
		char	   *got;
		bool		ok;
		int			kind;

		if (rc < 0 || (kind = conf_row_kind(path, lineno)) < 0)
		{
			nfail++;
			continue;
		}
		r = q_eval_text(q, expr, strlen(expr));
		if (r->type == KIPC_T_ERROR)
		{
			size_t		n = strlen(r->a.s) + 2;

			got = malloc(n);
			snprintf(got, n, "'%s", r->a.s);
		}
		else
		{
			QInterp    *saved = q_cur;

			q_cur = q;
			got = q_show(r);
			q_cur = saved;
		}
		ok = strcmp(want, "-") == 0 ? r->type != KIPC_T_ERROR : strcmp(got, want) == 0;
		conf_tally(&tally, kind, ok);
		if (ok)
		{
			if (kind != CONF_SETUP)
				npass++;
		}
		else
		{
			nfail++;
			printf("%s:%d: %s\n    expected: %s\n    got:      %s\n", path, lineno, expr, want, got);
		}
		free(got);
		kipc_unref(r);
	}
	free(line);
	fclose(fp);
	q_interp_free(q);
}

int
main(int argc, char **argv)
{
	int			i;

	if (argc < 2)
		conf_for_each_file("test/qserver/conformance", run_file);
	for (i = 1; i < argc; i++)
		conf_for_each_file(argv[i], run_file);
	conf_print_tally(&tally, "conformance: ");
	printf("%d passed, %d failed, 0 skipped\n", npass, nfail);
	return nfail ? 1 : 0;
}
