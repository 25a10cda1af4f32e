/*-------------------------------------------------------------------------
 *
 * unittest.c
 *		Main program and helpers of the codec unit tests.
 *
 * Run from test/unit (make unitcheck) or the repository root.  The
 * real-kdb+ vectors are read from test/data/kdb-ipc-vectors.tsv, or from
 * $KIPC_VECTORS; a missing file fails every case that needs it (nothing is
 * skipped).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/unittest.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

int			ut_passed = 0;
int			ut_failed = 0;

static int	ut_cases_passed = 0;
static int	ut_cases_failed = 0;
static bool ut_case_open = false;
static int	ut_case_failed_at;	/* ut_failed when the open case began */
static char ut_case_name[200];

void
ut_case_begin(const char *fmt,...)
{
	va_list		ap;

	ut_case_end();
	va_start(ap, fmt);
	vsnprintf(ut_case_name, sizeof(ut_case_name), fmt, ap);
	va_end(ap);
	ut_case_open = true;
	ut_case_failed_at = ut_failed;
}

void
ut_case_end(void)
{
	if (!ut_case_open)
		return;
	ut_case_open = false;
	if (ut_failed > ut_case_failed_at)
	{
		ut_cases_failed++;
		printf("not ok - %s (%d failed checks)\n", ut_case_name,
			   ut_failed - ut_case_failed_at);
	}
	else
		ut_cases_passed++;
}

bool
ut_check(bool ok, const char *expr, const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	if (ok)
	{
		ut_passed++;
		return true;
	}
	ut_failed++;
	if (!ut_case_open)
		ut_cases_failed++;		/* a failed check outside any case */
	fprintf(stdout, "FAIL %s:%d: %s", file, line, expr);
	if (fmt)
	{
		fputs(" -- ", stdout);
		va_start(ap, fmt);
		vfprintf(stdout, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	return false;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
ut_unhex(const char *hex, uint8_t **out)
{
	size_t		n = strlen(hex);
	size_t		k;
	uint8_t    *b;

	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' '))
		n--;
	if (n % 2)
		return -1;
	b = malloc(n / 2 + 1);
	for (k = 0; k < n / 2; k++)
	{
		int			hi = hexval(hex[2 * k]);
		int			lo = hexval(hex[2 * k + 1]);

		if (hi < 0 || lo < 0)
		{
			free(b);
			return -1;
		}
		b[k] = (uint8_t) (hi * 16 + lo);
	}
	*out = b;
	return (long) (n / 2);
}

KipcMsg *
ut_decode_hex(const char *hex, KipcStatus *st, char *err, size_t errlen)
{
	uint8_t    *b;
	long		n = ut_unhex(hex, &b);
	KipcMsg    *m = NULL;
	KipcStatus	s;

	if (n < 0)
	{
		if (st)
			*st = KIPC_ERR_ARG;
		return NULL;
	}
	s = kipc_decode_message(b, (size_t) n, NULL, &m, err, errlen);
	free(b);
	if (st)
		*st = s;
	return m;
}

bool
ut_check_format(const KipcObject *o, const char *want, const char *file, int line)
{
	char	   *got = kipc_format(o);
	bool		ok = got != NULL && strcmp(got, want) == 0;

	ut_check(ok, "kipc_format", file, line, "want [%s] got [%s]", want, got ? got : "(null)");
	free(got);
	return ok;
}

static uint32_t ut_seed = 2463534242u;

uint32_t
ut_rand(void)
{
	ut_seed ^= ut_seed << 13;
	ut_seed ^= ut_seed >> 17;
	ut_seed ^= ut_seed << 5;
	return ut_seed;
}

/* ----------------------------------------------------------------
 * Vectors file
 * ----------------------------------------------------------------
 */
static FILE *
open_vectors(void)
{
	static const char *const candidates[] = {
		"../data/kdb-ipc-vectors.tsv",	/* cwd test/unit (make unitcheck) */
		"test/data/kdb-ipc-vectors.tsv",	/* cwd = repository root */
	};
	const char *env = getenv("KIPC_VECTORS");
	FILE	   *f;
	size_t		i;

	if (env && *env)
	{
		f = fopen(env, "r");
		if (f == NULL)
			printf("vectors file not found: %s ($KIPC_VECTORS)\n", env);
		return f;
	}
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
	{
		f = fopen(candidates[i], "r");
		if (f)
			return f;
	}
	printf("vectors file not found: test/data/kdb-ipc-vectors.tsv (set KIPC_VECTORS)\n");
	return NULL;
}

int
ut_load_vectors(UtVector **rowsp)
{
	FILE	   *f = open_vectors();
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		got;
	int			n = 0;
	int			alloc = 0;
	int			lineno = 0;
	UtVector   *rows = NULL;

	*rowsp = NULL;
	if (f == NULL)
		return -1;
	while ((got = getline(&line, &cap, f)) >= 0)
	{
		char	   *t1;
		char	   *t2;
		UtVector	v;
		long		len;

		lineno++;
		if (lineno == 1)
			continue;			/* header row */
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2 == NULL)
			continue;
		*t1 = '\0';
		*t2 = '\0';
		len = ut_unhex(t2 + 1, &v.bytes);
		if (len < 0)
		{
			fprintf(stdout, "vectors: line %d has bad hex\n", lineno);
			continue;
		}
		v.len = (size_t) len;
		v.source = strdup(line);
		v.expr = strdup(t1 + 1);
		v.line = lineno;
		if (n == alloc)
		{
			alloc = alloc ? alloc * 2 : 512;
			rows = realloc(rows, sizeof(UtVector) * (size_t) alloc);
		}
		rows[n++] = v;
	}
	free(line);
	fclose(f);
	*rowsp = rows;
	return n;
}

void
ut_free_vectors(UtVector *rows, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		free(rows[i].source);
		free(rows[i].expr);
		free(rows[i].bytes);
	}
	free(rows);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_vectors();
	UT_RUN(test_compress);
	test_objects();
	test_roundtrip();
	test_reader();
	test_malformed();
	test_misc();
	ut_case_end();
	printf("unit: %d checks passed, %d failed\n", ut_passed, ut_failed);
	/* test cases (functions and vector rows), not checks */
	printf("%d passed, %d failed, 0 skipped\n", ut_cases_passed, ut_cases_failed);
	return ut_failed || ut_cases_failed ? 1 : 0;
}
