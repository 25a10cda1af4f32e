/*-------------------------------------------------------------------------
 *
 * test_misc.c
 *		Null and infinity constants against real kdb+ bytes, handshake
 *		helpers and the text rendering.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_misc.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

/* find a vector row by expression (ignoring bracketed notes) */
static const UtVector *
find_row(const UtVector *rows, int n, const char *expr, int nth)
{
	int			i;
	size_t		len = strlen(expr);

	for (i = 0; i < n; i++)
	{
		const char *e = rows[i].expr;

		if (strncmp(e, expr, len) == 0 && (e[len] == '\0' || e[len] == ' '))
		{
			if (nth-- == 0)
				return &rows[i];
		}
	}
	return NULL;
}

typedef enum
{
	NULLCHK_H, NULLCHK_I, NULLCHK_J, NULLCHK_E, NULLCHK_F
} NullKind;

static void
check_constant(const UtVector *rows, int n, const char *expr, int nth, int type,
			   NullKind kind, int64_t want, int fsign)
{
	const UtVector *v = find_row(rows, n, expr, nth);
	KipcMsg    *m = NULL;
	bool		ok = false;
	bool		want_null;

	if (!CHECKF(v != NULL, "no vector row for %s", expr))
		return;
	if (!CHECKF(kipc_decode_message(v->bytes, v->len, NULL, &m, NULL, 0) == KIPC_OK,
				"%s decodes", expr))
		return;
	if (m->root->type != type)
		ok = false;
	else
	{
		switch (kind)
		{
			case NULLCHK_H:
				ok = m->root->a.h == want;
				break;
			case NULLCHK_I:
				ok = m->root->a.i == want;
				break;
			case NULLCHK_J:
				ok = m->root->a.j == want;
				break;
			case NULLCHK_E:
				ok = fsign == 0 ? isnan(m->root->a.e) :
					isinf(m->root->a.e) && (m->root->a.e > 0) == (fsign > 0);
				break;
			case NULLCHK_F:
				ok = fsign == 0 ? isnan(m->root->a.f) :
					isinf(m->root->a.f) && (m->root->a.f > 0) == (fsign > 0);
				break;
		}
	}
	CHECKF(ok, "constant %s (line %d)", expr, v->line);
	/* nulls (0N.., 0n) are nulls, infinities (0W.., -0W.., 0w, -0w) are not */
	want_null = expr[0] == '0' && (expr[1] == 'N' || expr[1] == 'n');
	CHECKF(kipc_is_null(m->root, -1) == want_null, "kipc_is_null %s: want %d", expr,
		   (int) want_null);
	kipc_msg_free(m);
}

static void
test_constants(void)
{
	UtVector   *rows;
	int			n = ut_load_vectors(&rows);

	if (!CHECKF(n > 0, "null constants need the vectors file"))
		return;
	check_constant(rows, n, "0Nh", 0, -5, NULLCHK_H, KIPC_NULL_SHORT, 0);
	check_constant(rows, n, "0Wh", 0, -5, NULLCHK_H, KIPC_INF_SHORT, 0);
	check_constant(rows, n, "-0Wh", 0, -5, NULLCHK_H, KIPC_NINF_SHORT, 0);
	check_constant(rows, n, "0Ni", 0, -6, NULLCHK_I, KIPC_NULL_INT, 0);
	check_constant(rows, n, "0Wi", 0, -6, NULLCHK_I, KIPC_INF_INT, 0);
	check_constant(rows, n, "-0Wi", 0, -6, NULLCHK_I, KIPC_NINF_INT, 0);
	check_constant(rows, n, "0N", 0, -7, NULLCHK_J, KIPC_NULL_LONG, 0);
	check_constant(rows, n, "0Nj", 0, -7, NULLCHK_J, KIPC_NULL_LONG, 0);
	check_constant(rows, n, "0W", 0, -7, NULLCHK_J, KIPC_INF_LONG, 0);
	check_constant(rows, n, "-0W", 0, -7, NULLCHK_J, KIPC_NINF_LONG, 0);
	check_constant(rows, n, "0Ne", 0, -8, NULLCHK_E, 0, 0);	/* 0x7fc00000 */
	check_constant(rows, n, "0Ne", 1, -8, NULLCHK_E, 0, 0);	/* 0xffc00000 */
	check_constant(rows, n, "0We", 0, -8, NULLCHK_E, 0, 1);
	check_constant(rows, n, "-0We", 0, -8, NULLCHK_E, 0, -1);
	check_constant(rows, n, "0n", 0, -9, NULLCHK_F, 0, 0);
	check_constant(rows, n, "0n", 1, -9, NULLCHK_F, 0, 0);
	check_constant(rows, n, "0w", 0, -9, NULLCHK_F, 0, 1);
	check_constant(rows, n, "-0w", 0, -9, NULLCHK_F, 0, -1);
	check_constant(rows, n, "0Np", 0, -12, NULLCHK_J, KIPC_NULL_LONG, 0);
	check_constant(rows, n, "0Nm", 0, -13, NULLCHK_I, KIPC_NULL_INT, 0);
	check_constant(rows, n, "0Nd", 0, -14, NULLCHK_I, KIPC_NULL_INT, 0);
	check_constant(rows, n, "0Nz", 0, -15, NULLCHK_F, 0, 0);
	check_constant(rows, n, "0Nz", 1, -15, NULLCHK_F, 0, 0);
	check_constant(rows, n, "0Nn", 0, -16, NULLCHK_J, KIPC_NULL_LONG, 0);
	check_constant(rows, n, "0Nu", 0, -17, NULLCHK_I, KIPC_NULL_INT, 0);
	check_constant(rows, n, "0Nv", 0, -18, NULLCHK_I, KIPC_NULL_INT, 0);
	check_constant(rows, n, "0Nt", 0, -19, NULLCHK_I, KIPC_NULL_INT, 0);

	/* the bit patterns we emit for nulls are NaNs, and the ones kdb+ sends */
	{
		float		e;
		double		f;
		uint32_t	eb = KIPC_NULL_REAL_BITS;
		uint64_t	fb = KIPC_NULL_FLOAT_BITS;
		const UtVector *v = find_row(rows, n, "0Ne", 1);
		const UtVector *w = find_row(rows, n, "0n", 1);

		memcpy(&e, &eb, 4);
		memcpy(&f, &fb, 8);
		CHECK(isnan(e) && isnan(f));
		CHECK(v && memcmp(v->bytes + 9, &eb, 4) == 0);	/* node-q: 0000c0ff */
		CHECK(w && memcmp(w->bytes + 9, &fb, 8) == 0);
	}

	/* kipc_new_null encodes exactly as current kdb+ (node-q / mgkdb rows) */
	{
		static const struct
		{
			int			type;
			const char *expr;
			int			nth;
		}			nulls[] = {
			{-5, "0Nh", 0}, {-6, "0Ni", 0}, {-7, "0N", 0}, {-8, "0Ne", 1},
			{-9, "0n", 1}, {-12, "0Np", 0}, {-13, "0Nm", 0}, {-14, "0Nd", 0},
			{-15, "0Nz", 1}, {-16, "0Nn", 0}, {-17, "0Nu", 0}, {-18, "0Nv", 0},
			{-19, "0Nt", 0}, {-2, "0Ng", 0}, {-11, "`", 0}, {-10, "\" \"", 0},
		};
		size_t		i;

		for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		{
			KipcObject *o = kipc_new_null(nulls[i].type);
			const UtVector *v = find_row(rows, n, nulls[i].expr, nulls[i].nth);
			uint8_t    *enc = NULL;
			size_t		len = 0;

			if (!CHECKF(o && v, "null %d / row %s", nulls[i].type, nulls[i].expr))
			{
				kipc_unref(o);
				continue;
			}
			CHECK(kipc_is_null(o, -1));
			CHECK(kipc_encode_message(o, KIPC_MSG_ASYNC, &enc, &len) == KIPC_OK);
			CHECKF(len == v->len && memcmp(enc, v->bytes, len) == 0,
				   "kipc_new_null(%d) bytes differ from row %d", nulls[i].type, v->line);
			free(enc);
			kipc_unref(o);
		}
		CHECK(kipc_new_null(-1) == NULL && kipc_new_null(-4) == NULL);
		CHECK(kipc_new_null(7) == NULL && kipc_new_null(-20) == NULL);
		CHECK(isnan(kipc_null_real()) && isnan(kipc_null_float()));
	}

	/* vector items: 1 0N 3 and friends */
	{
		const UtVector *v = find_row(rows, n, "1 0N 3", 0);
		KipcMsg    *m = NULL;

		if (CHECK(v && kipc_decode_message(v->bytes, v->len, NULL, &m, NULL, 0) == KIPC_OK))
		{
			CHECK(!kipc_is_null(m->root, 0) && kipc_is_null(m->root, 1));
			kipc_msg_free(m);
		}
		v = find_row(rows, n, "3.23 0n", 0);
		if (CHECK(v && kipc_decode_message(v->bytes, v->len, NULL, &m, NULL, 0) == KIPC_OK))
		{
			CHECK(!kipc_is_null(m->root, 0) && kipc_is_null(m->root, 1));
			kipc_msg_free(m);
		}
		v = find_row(rows, n, "``quick``fox", 0);
		if (CHECK(v && kipc_decode_message(v->bytes, v->len, NULL, &m, NULL, 0) == KIPC_OK))
		{
			CHECK(kipc_is_null(m->root, 0) && !kipc_is_null(m->root, 1));
			kipc_msg_free(m);
		}
	}
	ut_free_vectors(rows, n);
}

static void
test_handshake(void)
{
	uint8_t    *b;
	size_t		len;
	char	   *user;
	char	   *pass;
	uint8_t		cap;

	CHECK(kipc_handshake_build("user", "pass", 3, &b, &len) == KIPC_OK);
	CHECK(len == 11 && memcmp(b, "user:pass\3\0", 11) == 0);
	CHECK(kipc_handshake_parse(b, len, &user, &pass, &cap) == KIPC_OK);
	CHECK(strcmp(user, "user") == 0 && strcmp(pass, "pass") == 0 && cap == 3);
	free(user);
	free(pass);
	/* the string may arrive in pieces: no NUL yet */
	CHECK(kipc_handshake_parse(b, len - 1, &user, &pass, &cap) == KIPC_INCOMPLETE);
	CHECK(kipc_handshake_parse(b, 0, &user, &pass, &cap) == KIPC_INCOMPLETE);
	free(b);

	CHECK(kipc_handshake_build(NULL, NULL, 3, &b, &len) == KIPC_OK);
	CHECK(len == 3 && memcmp(b, ":\3\0", 3) == 0);
	free(b);
	CHECK(kipc_handshake_build("a:b", "c", 3, &b, &len) == KIPC_ERR_ARG);
	CHECK(kipc_handshake_build("a", "c", 7, &b, &len) == KIPC_ERR_ARG);

	/* password with ':' splits at the first one */
	CHECK(kipc_handshake_build("u", "p:q", 6, &b, &len) == KIPC_OK);
	CHECK(kipc_handshake_parse(b, len, &user, &pass, &cap) == KIPC_OK);
	CHECK(strcmp(user, "u") == 0 && strcmp(pass, "p:q") == 0 && cap == 6);
	free(user);
	free(pass);
	free(b);

	/* legacy client without a capability byte */
	CHECK(kipc_handshake_parse((const uint8_t *) "bob:secret", 11, &user, &pass, &cap) == KIPC_OK);
	CHECK(strcmp(user, "bob") == 0 && strcmp(pass, "secret") == 0 && cap == 0);
	free(user);
	free(pass);
	/* only the capability byte (qorm) */
	CHECK(kipc_handshake_parse((const uint8_t *) "\3", 2, &user, &pass, &cap) == KIPC_OK);
	CHECK(user[0] == '\0' && pass[0] == '\0' && cap == 3);
	free(user);
	free(pass);
	/* no colon: everything is the user */
	CHECK(kipc_handshake_parse((const uint8_t *) "anonymous\3", 11, &user, &pass, &cap) == KIPC_OK);
	CHECK(strcmp(user, "anonymous") == 0 && pass[0] == '\0' && cap == 3);
	free(user);
	free(pass);
	/* bytes after the NUL are not ours */
	CHECK(kipc_handshake_parse((const uint8_t *) "a:b\3\0\1\2\3", 8, &user, &pass, &cap) == KIPC_OK);
	CHECK(strcmp(user, "a") == 0 && strcmp(pass, "b") == 0 && cap == 3);
	free(user);
	free(pass);
}

static KipcObject *
vec_j(int n, const int64_t *x)
{
	KipcObject *v = kipc_new_vector(KIPC_T_LONG, n);
	int			k;

	for (k = 0; k < n; k++)
		kipc_set_j(v, k, x[k]);
	return v;
}

static void
test_format(void)
{
	static const int64_t j3[] = {1, KIPC_NULL_LONG, 3};
	KipcObject *o;
	KipcObject *l;

	o = vec_j(3, j3);
	CHECK_FORMAT(o, "1 0N 3");
	o->attr = KIPC_ATTR_SORTED;
	CHECK_FORMAT(o, "`s#1 0N 3");
	kipc_unref(o);
	o = kipc_new_long(KIPC_INF_LONG);
	CHECK_FORMAT(o, "0W");
	kipc_unref(o);
	o = kipc_new_long(KIPC_NINF_LONG);
	CHECK_FORMAT(o, "-0W");
	kipc_unref(o);
	o = kipc_new_int(KIPC_NULL_INT);
	CHECK_FORMAT(o, "0Ni");
	kipc_unref(o);
	o = kipc_new_float(1.5);
	CHECK_FORMAT(o, "1.5");
	kipc_unref(o);
	o = kipc_new_float(2);
	CHECK_FORMAT(o, "2f");
	kipc_unref(o);
	o = kipc_new_float(0.1);
	CHECK_FORMAT(o, "0.1");
	kipc_unref(o);
	o = kipc_new_float(NAN);
	CHECK_FORMAT(o, "0n");
	kipc_unref(o);
	o = kipc_new_float(-INFINITY);
	CHECK_FORMAT(o, "-0w");
	kipc_unref(o);
	o = kipc_new_real(100);
	CHECK_FORMAT(o, "100e");
	kipc_unref(o);
	o = kipc_new_cstring("a\"b\\c\n\001");
	CHECK_FORMAT(o, "\"a\\\"b\\\\c\\n\\001\"");
	kipc_unref(o);
	o = kipc_new_cstring("x");
	CHECK_FORMAT(o, ",\"x\"");
	kipc_unref(o);
	o = kipc_new_char('q');
	CHECK_FORMAT(o, "\"q\"");
	kipc_unref(o);
	o = kipc_new_symbol("a b");
	CHECK_FORMAT(o, "`$\"a b\"");
	kipc_unref(o);
	o = kipc_new_symbol("");
	CHECK_FORMAT(o, "`");
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_SYMBOL, 0);
	CHECK_FORMAT(o, "`symbol$()");
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_FLOAT, 0);
	CHECK_FORMAT(o, "`float$()");
	kipc_unref(o);
	o = kipc_new_list(0);
	CHECK_FORMAT(o, "()");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_DATE, 8825);
	CHECK_FORMAT(o, "2024.02.29");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_DATE, -10957);
	CHECK_FORMAT(o, "1970.01.01");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_DATE, -1);
	CHECK_FORMAT(o, "1999.12.31");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_MONTH, -60);
	CHECK_FORMAT(o, "1995.01m");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_MONTH, -1);
	CHECK_FORMAT(o, "1999.12m");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIMESTAMP, INT64_C(279417600000000));
	CHECK_FORMAT(o, "2000.01.04D05:36:57.600000000");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIMESTAMP, -1);
	CHECK_FORMAT(o, "1999.12.31D23:59:59.999999999");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIMESPAN, -INT64_C(20217600000000));
	CHECK_FORMAT(o, "-0D05:36:57.600000000");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIME, 43499123);
	CHECK_FORMAT(o, "12:04:59.123");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIME, -83554567);
	CHECK_FORMAT(o, "-23:12:34.567");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_MINUTE, 721);
	CHECK_FORMAT(o, "12:01");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_SECOND, 43500);
	CHECK_FORMAT(o, "12:05:00");
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_SECOND, KIPC_INF_INT);
	CHECK_FORMAT(o, "0Wv");
	kipc_unref(o);
	o = kipc_new_datetime(3.234);
	CHECK_FORMAT(o, "2000.01.04T05:36:57.600");
	kipc_unref(o);
	o = kipc_new_datetime(1e300);
	CHECK_FORMAT(o, "1e+300z");
	kipc_unref(o);
	o = kipc_new_datetime(-0.5);
	CHECK_FORMAT(o, "1999.12.31T12:00:00.000");
	kipc_unref(o);
	o = kipc_new_error("length");
	CHECK_FORMAT(o, "'length");
	kipc_unref(o);
	o = kipc_new_bool(true);
	CHECK_FORMAT(o, "1b");
	kipc_unref(o);
	o = kipc_new_byte(0xab);
	CHECK_FORMAT(o, "0xab");
	kipc_unref(o);

	l = kipc_new_list(3);
	l->v.objs[0] = kipc_new_long(42);
	l->v.objs[1] = kipc_new_identity();
	l->v.objs[2] = kipc_new_symbol("foo");
	CHECK_FORMAT(l, "(42;::;`foo)");
	kipc_unref(l);
	l = kipc_new_list(1);
	l->v.objs[0] = vec_j(3, j3);
	CHECK_FORMAT(l, "enlist 1 0N 3");
	kipc_unref(l);

	/* dict with a dict value, and a NULL child never crashes */
	o = kipc_new_dict(kipc_new_vector(KIPC_T_SYMBOL, 1), NULL);
	{
		char	   *s = kipc_format(o);

		CHECK(s != NULL);
		free(s);
	}
	kipc_unref(o);
	{
		char	   *s = kipc_format(NULL);

		CHECK(s != NULL);
		free(s);
	}
}

void
test_misc(void)
{
	UT_RUN(test_constants);
	UT_RUN(test_handshake);
	UT_RUN(test_format);
}
