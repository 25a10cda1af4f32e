/*-------------------------------------------------------------------------
 *
 * conformance_tsv.c
 *		Reading the conformance files: see conformance_tsv.h.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/tests/conformance_tsv.c
 *
 *-------------------------------------------------------------------------
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "conformance_tsv.h"

/* the expected and source columns of the row last read */
static const char *last_want;
static const char *last_source;

int
conf_read_row(FILE *fp, const char *path, char **line, size_t *cap,
			  int *lineno, char **expr, char **want)
{
	ssize_t		len;

	while ((len = getline(line, cap, fp)) >= 0)
	{
		char	   *l = *line;
		char	   *tab;

		(*lineno)++;
		while (len > 0 && (l[len - 1] == '\n' || l[len - 1] == '\r'))
			l[--len] = 0;
		if (len == 0 || l[0] == '#')
			continue;
		tab = strchr(l, '\t');
		if (!tab)
		{
			printf("%s:%d: malformed row (no tab)\n", path, *lineno);
			return -1;
		}
		*tab = 0;
		*expr = l;
		*want = tab + 1;
		last_want = *want;
		last_source = NULL;
		tab = strchr(*want, '\t');
		if (tab)
		{
			*tab = 0;
			tab = strchr(tab + 1, '\t');	/* after the citation */
			if (tab)
			{
				*tab = 0;
				last_source = tab + 1;
			}
		}
		return 1;
	}
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

void
conf_for_each_file(const char *path, void (*fn) (const char *path))
{
	DIR		   *d = opendir(path);
	struct dirent *e;
	char	  **names = NULL;
	int			n = 0,
				i;

	if (!d)
	{
		fn(path);
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
		fn(names[i]);
		free(names[i]);
	}
	free(names);
}

int
conf_row_kind(const char *path, int lineno)
{
	const char *s = last_source;

	if (last_want && strcmp(last_want, "-") == 0)
		return CONF_SETUP;
	if (s == NULL || *s == '\0' || strcmp(s, "unsourced") == 0)
		return CONF_UNSOURCED;
	if (strcmp(s, "example") == 0)
		return CONF_EXAMPLE;
	if (strncmp(s, "derived: ", 9) == 0 && s[9] != '\0')
		return CONF_DERIVED;
	if (strncmp(s, "qserver: ", 9) == 0 && s[9] != '\0')
		return CONF_QSERVER;
	printf("%s:%d: malformed source column [%s] (example, derived: RULE, unsourced or qserver: WHAT)\n",
		   path, lineno, s);
	return -1;
}

void
conf_tally(ConfTally *t, int kind, int ok)
{
	if (kind < 0 || kind >= CONF_NKINDS)
		kind = CONF_UNSOURCED;
	if (ok)
		t->passed[kind]++;
	else
		t->failed[kind]++;
}

/*
 * Setup rows are not tests: a failed one counts as a failure (the rows
 * after it are meaningless), a passing one is not counted.
 */
void
conf_print_tally(const ConfTally *t, const char *prefix)
{
	static const char *const what[CONF_NKINDS] = {
		"setup rows (not counted as tests)",
		"kdb+ rows shown as examples on their cited KX page",
		"kdb+ rows derived from a rule documented on their cited page",
		"rows claiming kdb+ behaviour without a source (unsourced)",
		"rows testing the q test server's own hooks, not kdb+",
	};
	int			k;

	for (k = 0; k < CONF_NKINDS; k++)
		printf("%s%d passed, %d failed: %s\n", prefix, t->passed[k], t->failed[k], what[k]);
}
