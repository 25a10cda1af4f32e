/*-------------------------------------------------------------------------
 *
 * unittest.h
 *		Tiny check framework and shared helpers of the codec unit tests.
 *
 * No framework dependency: CHECK() records one check, prints the failing
 * expression with its location, and never aborts, so one run reports every
 * failure.  Checks belong to test cases: a case is a test function (run
 * with UT_RUN) or one row of the vectors file (ut_case_begin/ut_case_end);
 * a case passes when none of its checks fails.  The main program counts
 * cases, not checks, and prints "N passed, M failed, 0 skipped" last.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/unittest.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef UNITTEST_H
#define UNITTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kipc.h"

extern int	ut_passed;			/* checks */
extern int	ut_failed;

/*
 * Test cases.  ut_case_begin ends the open case, if any.  A check that
 * fails while no case is open counts as a failed case of its own.
 */
extern void ut_case_begin(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void ut_case_end(void);

#define UT_RUN(fn) do { ut_case_begin("%s", #fn); fn(); ut_case_end(); } while (0)

/* record one check; prints the failure with an optional printf detail */
extern bool ut_check(bool ok, const char *expr, const char *file, int line,
					 const char *fmt,...) __attribute__((format(printf, 5, 6)));

#define CHECK(cond) ut_check((cond), #cond, __FILE__, __LINE__, NULL)
#define CHECKF(cond, ...) ut_check((cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

/* one row of kdb-ipc-vectors.tsv */
typedef struct UtVector
{
	char	   *source;
	char	   *expr;
	uint8_t    *bytes;
	size_t		len;
	int			line;			/* line number in the file */
} UtVector;

/*
 * Load the vectors file ($KIPC_VECTORS, default test/data/kdb-ipc-vectors.tsv
 * of this repository); returns the row count, or -1 (after printing the
 * path tried) if it cannot be read.
 */
extern int	ut_load_vectors(UtVector **rows);
extern void ut_free_vectors(UtVector *rows, int n);

/* hex string -> allocated bytes; returns length or -1 */
extern long ut_unhex(const char *hex, uint8_t **out);

/* decode a message given as hex (test helper); NULL on failure */
extern KipcMsg *ut_decode_hex(const char *hex, KipcStatus *st, char *err, size_t errlen);

/* format o and compare with want; counts one check */
extern bool ut_check_format(const KipcObject *o, const char *want, const char *file, int line);
#define CHECK_FORMAT(o, want) ut_check_format((o), (want), __FILE__, __LINE__)

/* small deterministic PRNG (xorshift) so failures reproduce */
extern uint32_t ut_rand(void);

/* test suites */
extern void test_vectors(void);
extern void test_objects(void);
extern void test_roundtrip(void);
extern void test_reader(void);
extern void test_malformed(void);
extern void test_compress(void);
extern void test_misc(void);

#endif							/* UNITTEST_H */
