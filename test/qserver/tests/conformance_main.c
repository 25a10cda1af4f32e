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
 * may define globals for later rows (its expected column is then ignored
 * when it is "-").
 *
 * The program links the interpreter (test/qserver/q_*.c) and libkipc but
 * not the network layer.  It prints every mismatch and ends with one line
 * "N passed, M failed"; the exit status is non-zero on any failure.
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
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q_int.h"

static int	npass,
			nfail;

/* run the rows of one file */
static void
run_file(const char *path)
{
	FILE	   *fp = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		len;
	int			lineno = 0;
	QInterp    *q;

	if (!fp)
	{
		fprintf(stderr, "%s: cannot open\n", path);
		nfail++;
		return;
	}
	q = q_interp_new(NULL);
	while ((len = getline(&line, &cap, fp)) >= 0)
	{
		char	   *expr,
				   *want,
				   *tab;
		K		   *r;
		char	   *got;
		bool		ok;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len == 0 || line[0] == '#')
			continue;
		expr = line;
		tab = strchr(expr, '\t');
		if (!tab)
		{
			printf("%s:%d: malformed row (no tab)\n", path, lineno);
			nfail++;
			continue;
		}
		*tab = 0;
		want = tab + 1;
		tab = strchr(want, '\t');
		if (tab)
			*tab = 0;
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
		if (ok)
			npass++;
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

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
run_path(const char *path)
{
	DIR		   *d = opendir(path);
	struct dirent *e;
	char	  **names = NULL;
	int			n = 0,
				i;

	if (!d)
	{
		run_file(path);
		return;
	}
	while ((e = readdir(d)) != NULL)
	{
		size_t		l = strlen(e->d_name);

		if (l > 4 && strcmp(e->d_name + l - 4, ".tsv") == 0)
		{
			names = realloc(names, sizeof(char *) * (n + 1));
			names[n] = malloc(strlen(path) + l + 2);
			sprintf(names[n], "%s/%s", path, e->d_name);
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmpstr);
	for (i = 0; i < n; i++)
	{
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	int			i;

	if (argc < 2)
		run_path("test/qserver/conformance");
	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
