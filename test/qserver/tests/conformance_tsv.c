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
		tab = strchr(*want, '\t');
		if (tab)
			*tab = 0;
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
