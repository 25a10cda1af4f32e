/*-------------------------------------------------------------------------
 *
 * test_objects.c
 *		Heap object API: constructors, refcounting, copy, match, null
 *		tests, resize, symbols, table helpers and the allocator hook.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_objects.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

/* counting allocator: proves every allocation goes through the hook */
static long alloc_calls;
static long free_calls;
static long fail_after = -1;	/* fail the n-th allocation from now */

static void *
count_malloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	alloc_calls++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	if (p == NULL)
		alloc_calls++;
	return realloc(p, n);
}

static void
count_free(void *p)
{
	if (p)
		free_calls++;
	free(p);
}

static const KipcAllocator counting = {count_malloc, count_realloc, count_free};

static KipcObject *
sample_table(void)
{
	KipcObject *names = kipc_new_vector(KIPC_T_SYMBOL, 2);
	KipcObject *cols = kipc_new_list(2);
	KipcObject *a = kipc_new_vector(KIPC_T_LONG, 3);
	KipcObject *b = kipc_new_vector(KIPC_T_SYMBOL, 3);
	int			k;

	kipc_set_symbol(names, 0, "a");
	kipc_set_symbol(names, 1, "b");
	for (k = 0; k < 3; k++)
		kipc_set_j(a, k, k + 1);
	kipc_set_symbol(b, 0, "x");
	kipc_set_symbol(b, 1, "y");
	cols->v.objs[0] = a;
	cols->v.objs[1] = b;
	return kipc_new_table(names, cols);
}

static void
test_type_info(void)
{
	CHECK(kipc_type_size(KIPC_T_BOOLEAN) == 1);
	CHECK(kipc_type_size(KIPC_T_GUID) == 16);
	CHECK(kipc_type_size(3) == 0);
	CHECK(kipc_type_size(KIPC_T_SHORT) == 2);
	CHECK(kipc_type_size(KIPC_T_INT) == 4);
	CHECK(kipc_type_size(KIPC_T_LONG) == 8);
	CHECK(kipc_type_size(KIPC_T_REAL) == 4);
	CHECK(kipc_type_size(KIPC_T_FLOAT) == 8);
	CHECK(kipc_type_size(KIPC_T_SYMBOL) == 0);
	CHECK(kipc_type_size(KIPC_T_TIMESTAMP) == 8);
	CHECK(kipc_type_size(KIPC_T_DATETIME) == 8);
	CHECK(kipc_type_size(KIPC_T_TIME) == 4);
	CHECK(kipc_type_size(KIPC_T_TABLE) == 0);
	CHECK(kipc_type_char(KIPC_T_LONG) == 'j');
	CHECK(kipc_type_char(-KIPC_T_SYMBOL) == 's');
	CHECK(kipc_type_char(KIPC_T_TIME) == 't');
	CHECK(kipc_type_char(KIPC_T_LIST) == ' ');
	CHECK(kipc_type_char(KIPC_T_TABLE) == ' ');
	CHECK(strcmp(kipc_type_name(KIPC_T_TABLE), "table") == 0);
	CHECK(strcmp(kipc_type_name(-KIPC_T_LONG), "long") == 0);
	CHECK(strcmp(kipc_type_name(20), "enumeration") == 0);
	CHECK(strcmp(kipc_type_name(KIPC_T_ERROR), "error") == 0);
	CHECK(strcmp(kipc_type_name(KIPC_T_SORTED_DICT), "sorted dictionary") == 0);
}

static void
test_constructors(void)
{
	static const uint8_t g[16] = {0x8c, 0x68, 0x0a, 0x01, 0x5a, 0x49, 0x5a, 0xab,
	0x5a, 0x65, 0xd4, 0xbf, 0xdd, 0xb6, 0xa6, 0x61};
	KipcObject *o;

	o = kipc_new_long(42);
	CHECK(o->type == -KIPC_T_LONG && o->a.j == 42 && o->refcount == 1);
	CHECK(kipc_ref(o) == o && o->refcount == 2);
	kipc_unref(o);
	CHECK(o->refcount == 1);
	kipc_unref(o);
	kipc_unref(NULL);

	o = kipc_new_symbol("abc");
	CHECK(o->type == -KIPC_T_SYMBOL && strcmp(o->a.s, "abc") == 0);
	kipc_unref(o);
	o = kipc_new_symbol_len("abcdef", 3);
	CHECK(strcmp(o->a.s, "abc") == 0);
	kipc_unref(o);
	o = kipc_new_guid(g);
	CHECK(o->type == -KIPC_T_GUID && memcmp(o->a.guid, g, 16) == 0);
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_DATE, 366);
	CHECK(o && o->type == -KIPC_T_DATE && o->a.i == 366);
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIMESTAMP, INT64_C(279417600000000));
	CHECK(o && o->a.j == INT64_C(279417600000000));
	kipc_unref(o);
	CHECK(kipc_new_temporal(-KIPC_T_DATETIME, 1) == NULL);
	CHECK(kipc_new_temporal(-KIPC_T_LONG, 1) == NULL);
	o = kipc_new_datetime(3.234);
	CHECK(o->type == -KIPC_T_DATETIME && o->a.f == 3.234);
	kipc_unref(o);
	o = kipc_new_atom(-KIPC_T_SYMBOL);
	CHECK(o && o->a.s && o->a.s[0] == '\0');
	kipc_unref(o);
	CHECK(kipc_new_atom(5) == NULL);
	CHECK(kipc_new_atom(-20) == NULL);
	o = kipc_new_string("hello", 5);
	CHECK(o->type == KIPC_T_CHAR && o->n == 5 && memcmp(o->v.items, "hello", 5) == 0);
	kipc_unref(o);
	o = kipc_new_cstring("");
	CHECK(o->type == KIPC_T_CHAR && o->n == 0);
	kipc_unref(o);
	CHECK(kipc_new_vector(3, 1) == NULL);
	CHECK(kipc_new_vector(KIPC_T_LONG, -1) == NULL);
	CHECK(kipc_new_vector(KIPC_T_LIST, 1) == NULL);
	o = kipc_new_vector(KIPC_T_SYMBOL, 3);
	CHECK(o->n == 3 && strcmp(o->v.syms[2], "") == 0);
	CHECK(kipc_set_symbol(o, 1, "mid") == KIPC_OK);
	CHECK(kipc_set_symbol(o, 1, "again") == KIPC_OK);
	CHECK(strcmp(o->v.syms[1], "again") == 0);
	CHECK(kipc_set_symbol(o, 3, "x") == KIPC_ERR_ARG);
	CHECK(kipc_set_symbol(o, -1, "x") == KIPC_ERR_ARG);
	kipc_unref(o);
	o = kipc_new_error("type");
	CHECK(o->type == KIPC_T_ERROR && strcmp(o->a.s, "type") == 0);
	kipc_unref(o);
	o = kipc_new_identity();
	CHECK(o->type == KIPC_T_UNARY && o->a.g == 0);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_lambda("d", "{x+y}");
	CHECK(o->type == KIPC_T_LAMBDA && strcmp(o->a.s, "d") == 0 &&
		  o->v.objs[0]->type == KIPC_T_CHAR && o->v.objs[0]->n == 5);
	kipc_unref(o);
	CHECK(kipc_new_primitive(KIPC_T_LAMBDA, 0) == NULL);
	CHECK(kipc_new_compound(KIPC_T_LIST, 1) == NULL);
	o = kipc_new_compound(KIPC_T_PROJECTION, 2);
	CHECK(o && o->n == 2 && o->v.objs[0] == NULL);
	CHECK(kipc_encode_size(o) == -1);	/* NULL parts cannot be encoded */
	kipc_unref(o);
}

static void
test_nulls(void)
{
	KipcObject *o;
	uint8_t		zero[16] = {0};
	double		nan = NAN;

	o = kipc_new_short(KIPC_NULL_SHORT);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_short(KIPC_INF_SHORT);
	CHECK(!kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_int(KIPC_NULL_INT);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_long(KIPC_NULL_LONG);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_long(0);
	CHECK(!kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_real(NAN);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_float(-nan);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_float(INFINITY);
	CHECK(!kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_datetime(NAN);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_char(' ');
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_char('a');
	CHECK(!kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_symbol("");
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_guid(zero);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_bool(false);
	CHECK(!kipc_is_null(o, -1));	/* booleans have no null */
	kipc_unref(o);
	o = kipc_new_byte(0);
	CHECK(!kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_DATE, KIPC_NULL_INT);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);
	o = kipc_new_temporal(-KIPC_T_TIMESPAN, KIPC_NULL_LONG);
	CHECK(kipc_is_null(o, -1));
	kipc_unref(o);

	o = kipc_new_vector(KIPC_T_INT, 3);
	kipc_set_i(o, 1, KIPC_NULL_INT);
	CHECK(!kipc_is_null(o, 0) && kipc_is_null(o, 1) && !kipc_is_null(o, 2));
	CHECK(!kipc_is_null(o, 3));	/* out of range is not null */
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_FLOAT, 2);
	kipc_set_f(o, 1, NAN);
	CHECK(!kipc_is_null(o, 0) && kipc_is_null(o, 1));
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_REAL, 2);
	kipc_set_e(o, 0, NAN);
	CHECK(kipc_is_null(o, 0) && !kipc_is_null(o, 1));
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_SYMBOL, 2);
	kipc_set_symbol(o, 0, "a");
	CHECK(!kipc_is_null(o, 0) && kipc_is_null(o, 1));
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_GUID, 2);
	((uint8_t *) o->v.items)[3] = 1;
	CHECK(kipc_is_null(o, 1) && !kipc_is_null(o, 0));
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_SHORT, 1);
	kipc_set_h(o, 0, KIPC_NULL_SHORT);
	CHECK(kipc_is_null(o, 0));
	kipc_unref(o);
	o = kipc_new_vector(KIPC_T_TIMESTAMP, 1);
	kipc_set_j(o, 0, KIPC_NULL_LONG);
	CHECK(kipc_is_null(o, 0));
	kipc_unref(o);
	o = kipc_new_string("a b", 3);
	CHECK(!kipc_is_null(o, 0) && kipc_is_null(o, 1));
	kipc_unref(o);
}

static void
test_equal_copy(void)
{
	KipcObject *a;
	KipcObject *b;
	KipcObject *t;
	KipcObject *c;

	/* NaN matches NaN, as q nulls do */
	a = kipc_new_float(NAN);
	b = kipc_new_float(-NAN);
	CHECK(kipc_equal(a, b));
	kipc_unref(b);
	b = kipc_new_float(1);
	CHECK(!kipc_equal(a, b));
	kipc_unref(a);
	kipc_unref(b);

	/* type matters: 1 is not 1i */
	a = kipc_new_long(1);
	b = kipc_new_int(1);
	CHECK(!kipc_equal(a, b));
	kipc_unref(a);
	kipc_unref(b);

	/* attributes are ignored by match */
	a = kipc_new_vector(KIPC_T_LONG, 2);
	b = kipc_new_vector(KIPC_T_LONG, 2);
	b->attr = KIPC_ATTR_SORTED;
	CHECK(kipc_equal(a, b));
	kipc_set_j(b, 1, 5);
	CHECK(!kipc_equal(a, b));
	kipc_unref(a);
	kipc_unref(b);

	a = kipc_new_vector(KIPC_T_REAL, 2);
	b = kipc_new_vector(KIPC_T_REAL, 2);
	kipc_set_e(a, 0, NAN);
	kipc_set_e(b, 0, NAN);
	CHECK(kipc_equal(a, b));
	kipc_unref(a);
	kipc_unref(b);

	CHECK(kipc_equal(NULL, NULL));
	a = kipc_new_long(1);
	CHECK(!kipc_equal(a, NULL));
	kipc_unref(a);

	t = sample_table();
	CHECK(kipc_table_ncols(t) == 2);
	CHECK(kipc_table_nrows(t) == 3);
	CHECK(strcmp(kipc_table_colname(t, 1), "b") == 0);
	CHECK(kipc_table_colname(t, 2) == NULL);
	CHECK(kipc_table_column(t, 0)->type == KIPC_T_LONG);
	CHECK(kipc_table_column(t, -1) == NULL);
	CHECK(!kipc_is_keyed_table(t));
	c = kipc_copy(t);
	CHECK(c != t && kipc_equal(c, t));
	CHECK(c->v.objs[0] != t->v.objs[0]);
	kipc_set_symbol(kipc_table_column(c, 1), 2, "z");
	CHECK(!kipc_equal(c, t));
	CHECK_FORMAT(t, "([] a:1 2 3; b:`x`y`)");
	CHECK_FORMAT(c, "([] a:1 2 3; b:`x`y`z)");

	/* keyed table: dict of two tables; helpers reject non-tables */
	{
		KipcObject *kt = kipc_new_dict(t, c);

		CHECK(kipc_is_keyed_table(kt));
		CHECK(kipc_table_ncols(kt) == -1);
		CHECK(kipc_table_nrows(kt) == -1);
		CHECK(kipc_table_column(kt, 0) == NULL);
		CHECK(kipc_table_colname(NULL, 0) == NULL);
		CHECK_FORMAT(kt, "([a:1 2 3; b:`x`y`] a:1 2 3; b:`x`y`z)");
		kipc_unref(kt);
	}

	/* shared children survive their first owner */
	a = kipc_new_long(7);
	b = kipc_new_list(2);
	b->v.objs[0] = kipc_ref(a);
	b->v.objs[1] = a;
	CHECK(a->refcount == 2);
	c = kipc_copy(b);
	kipc_unref(b);
	CHECK(kipc_equal(c->v.objs[0], c->v.objs[1]));
	kipc_unref(c);

	/* lambdas and primitives */
	a = kipc_new_lambda("", "{x}");
	b = kipc_new_lambda("", "{x}");
	CHECK(kipc_equal(a, b));
	kipc_unref(b);
	b = kipc_new_lambda("d", "{x}");
	CHECK(!kipc_equal(a, b));
	c = kipc_copy(b);
	CHECK(kipc_equal(b, c));
	kipc_unref(a);
	kipc_unref(b);
	kipc_unref(c);
	a = kipc_new_primitive(KIPC_T_BINARY, 1);
	b = kipc_copy(a);
	CHECK(kipc_equal(a, b));
	kipc_unref(a);
	kipc_unref(b);
}

static void
test_resize(void)
{
	KipcObject *o = kipc_new_vector(KIPC_T_LONG, 2);
	KipcObject *l;
	KipcObject *s;
	int64_t		k;

	kipc_set_j(o, 0, 10);
	kipc_set_j(o, 1, 20);
	CHECK(kipc_resize(o, 1000) == KIPC_OK && o->n == 1000);
	CHECK(kipc_get_j(o, 0) == 10 && kipc_get_j(o, 1) == 20 && kipc_get_j(o, 999) == 0);
	CHECK(kipc_resize(o, 1) == KIPC_OK && o->n == 1 && kipc_get_j(o, 0) == 10);
	CHECK(kipc_resize(o, 0) == KIPC_OK && o->n == 0);
	CHECK(kipc_resize(o, 3) == KIPC_OK && o->n == 3 && kipc_get_j(o, 2) == 0);
	CHECK(kipc_resize(o, -1) == KIPC_ERR_ARG);
	kipc_unref(o);

	l = kipc_new_list(1);
	l->v.objs[0] = kipc_new_cstring("a");
	CHECK(kipc_resize(l, 4) == KIPC_OK && l->n == 4 && l->v.objs[3] == NULL);
	l->v.objs[3] = kipc_new_long(3);
	CHECK(kipc_resize(l, 2) == KIPC_OK);	/* drops and frees item 3 */
	CHECK(kipc_resize(l, 0) == KIPC_OK);
	kipc_unref(l);

	s = kipc_new_vector(KIPC_T_SYMBOL, 1);
	kipc_set_symbol(s, 0, "first");
	CHECK(kipc_resize(s, 100) == KIPC_OK);
	for (k = 1; k < 100; k++)
		CHECK(kipc_set_symbol(s, k, "sym") == KIPC_OK);
	CHECK(kipc_resize(s, 50) == KIPC_OK && strcmp(s->v.syms[0], "first") == 0);
	kipc_unref(s);

	o = kipc_new_dict(kipc_new_vector(KIPC_T_SYMBOL, 0), kipc_new_list(0));
	CHECK(kipc_resize(o, 3) == KIPC_ERR_ARG);
	kipc_unref(o);
}

static void
test_allocator(void)
{
	KipcObject *t;
	KipcMsg    *m = NULL;
	uint8_t    *enc;
	size_t		enclen;
	char	   *s;
	int			n;
	int			failures = 0;

	kipc_set_allocator(&counting);
	alloc_calls = free_calls = 0;
	t = sample_table();
	CHECK(kipc_encode_message(t, KIPC_MSG_SYNC, &enc, &enclen) == KIPC_OK);
	CHECK(kipc_decode_message(enc, enclen, NULL, &m, NULL, 0) == KIPC_OK);
	s = kipc_format(m->root);
	count_free(s);
	kipc_msg_free(m);
	count_free(enc);
	kipc_unref(t);
	CHECKF(alloc_calls > 0 && alloc_calls == free_calls,
		   "allocs %ld frees %ld", alloc_calls, free_calls);

	/* every allocation failure is reported, never crashes or leaks */
	for (n = 0; n < 60; n++)
	{
		KipcObject *t2;
		uint8_t    *e2 = NULL;
		size_t		e2len;
		KipcMsg    *m2 = NULL;
		KipcReader *r;

		fail_after = -1;
		t2 = sample_table();
		CHECK(kipc_encode_message(t2, KIPC_MSG_SYNC, &e2, &e2len) == KIPC_OK);
		alloc_calls = free_calls = 0;
		fail_after = n;
		r = kipc_reader_new(NULL);
		if (r)
		{
			KipcStatus	st = kipc_reader_feed(r, e2, e2len);

			if (st == KIPC_OK)
				st = kipc_reader_next(r, &m2);
			if (st == KIPC_OK)
			{
				KipcObject *cp = kipc_copy(m2->root);
				char	   *txt = kipc_format(m2->root);

				if (cp)
					CHECK(kipc_equal(cp, m2->root));
				kipc_unref(cp);
				count_free(txt);
				kipc_msg_free(m2);
			}
			else
			{
				failures++;
				CHECK(st == KIPC_ERR_NOMEM);
			}
			kipc_reader_free(r);
		}
		fail_after = -1;
		CHECKF(alloc_calls == free_calls, "fail_after %d: allocs %ld frees %ld",
			   n, alloc_calls, free_calls);
		count_free(e2);
		kipc_unref(t2);
	}
	CHECK(failures > 0);
	kipc_set_allocator(NULL);
}

/*
 * A tiny symbol table for test_interner: one lasting copy per distinct
 * string (malloc'd here, never through libkipc's allocator), freed by the
 * test at its end; a string freed by libkipc would be a double free.
 */
static char *itab[16];
static int	nitab;
static int	intern_calls;

static const char *
test_intern(const char *s, size_t len)
{
	int			k;

	intern_calls++;
	for (k = 0; k < nitab; k++)
		if (strlen(itab[k]) == len && memcmp(itab[k], s, len) == 0)
			return itab[k];
	if (nitab == 16)
		return NULL;
	itab[nitab] = malloc(len + 1);
	memcpy(itab[nitab], s, len);
	itab[nitab][len] = '\0';
	return itab[nitab++];
}

static void
test_interner(void)
{
	KipcObject *a,
			   *b,
			   *v,
			   *c,
			   *plain;
	KipcMsg    *m = NULL;
	uint8_t    *enc;
	size_t		enclen;
	int			k;

	/* without an interner every symbol owns its copy */
	a = kipc_new_symbol("ab");
	b = kipc_new_symbol("ab");
	CHECK(a->a.s != b->a.s && !(a->flags & KIPC_F_INTERNED));
	kipc_unref(a);
	kipc_unref(b);
	plain = kipc_new_vector(KIPC_T_SYMBOL, 2);
	CHECK(kipc_set_symbol(plain, 0, "ab") == KIPC_OK && !(plain->flags & KIPC_F_INTERNED));

	kipc_set_symbol_interner(test_intern);
	intern_calls = 0;
	a = kipc_new_symbol("ab");
	b = kipc_new_symbol_len("abc", 2);
	CHECK((a->flags & KIPC_F_INTERNED) && (b->flags & KIPC_F_INTERNED));
	CHECK(a->a.s == b->a.s && a->a.s == itab[0] && strcmp(a->a.s, "ab") == 0);
	v = kipc_new_vector(KIPC_T_SYMBOL, 4);
	CHECK(v->flags & KIPC_F_INTERNED);
	CHECK(kipc_set_symbol(v, 0, "ab") == KIPC_OK && v->v.syms[0] == a->a.s);
	CHECK(kipc_set_symbol(v, 1, "cd") == KIPC_OK && kipc_set_symbol(v, 2, "cd") == KIPC_OK);
	CHECK(v->v.syms[1] == v->v.syms[2] && strcmp(v->v.syms[1], "cd") == 0);
	/* the empty symbol is never interned: every `` is one pointer */
	CHECK(kipc_set_symbol(v, 2, "") == KIPC_OK && v->v.syms[2] == v->v.syms[3]);
	CHECK(v->v.syms[3][0] == '\0' && nitab == 2 && intern_calls == 5);
	/* overwriting, shrinking and growing free no interned string */
	CHECK(kipc_set_symbol(v, 0, "cd") == KIPC_OK && v->v.syms[0] == itab[1]);
	CHECK(kipc_resize(v, 1) == KIPC_OK && kipc_resize(v, 3) == KIPC_OK);
	CHECK(v->v.syms[0] == itab[1] && v->v.syms[2][0] == '\0');
	CHECK(kipc_set_symbol(v, 1, "ab") == KIPC_OK);

	/* a copy shares the strings without asking the interner again */
	intern_calls = 0;
	c = kipc_copy(v);
	CHECK(c && (c->flags & KIPC_F_INTERNED) && intern_calls == 0);
	for (k = 0; k < 3; k++)
		CHECK(c->v.syms[k] == v->v.syms[k]);
	kipc_unref(c);
	c = kipc_copy(a);
	CHECK(c && c->a.s == a->a.s && intern_calls == 0);
	kipc_unref(c);

	/* decoded symbols point into the message; their copy is interned */
	CHECK(kipc_encode_message(v, KIPC_MSG_SYNC, &enc, &enclen) == KIPC_OK);
	CHECK(kipc_decode_message(enc, enclen, NULL, &m, NULL, 0) == KIPC_OK);
	CHECK(m->root->type == KIPC_T_SYMBOL && !(m->root->flags & KIPC_F_INTERNED));
	CHECK(m->root->v.syms[0] != itab[1] && strcmp(m->root->v.syms[0], "cd") == 0);
	c = kipc_copy(m->root);
	CHECK(c && (c->flags & KIPC_F_INTERNED) && c->v.syms[0] == itab[1] &&
		  c->v.syms[1] == itab[0] && c->v.syms[2][0] == '\0');
	CHECK(kipc_equal(c, v) && kipc_equal(c, m->root));
	kipc_unref(c);
	kipc_msg_free(m);
	free(enc);

	/* a vector made before keeps its own copies, one made after too */
	CHECK(kipc_set_symbol(plain, 1, "cd") == KIPC_OK && plain->v.syms[1] != itab[1]);
	c = kipc_copy(v);
	kipc_set_symbol_interner(NULL);
	CHECK(kipc_set_symbol(v, 0, "ef") == KIPC_ERR_ARG && v->v.syms[0] == itab[1]);
	kipc_unref(a);
	kipc_unref(b);
	kipc_unref(v);
	kipc_unref(c);
	kipc_unref(plain);
	a = kipc_new_symbol("ab");
	CHECK(!(a->flags & KIPC_F_INTERNED) && a->a.s != itab[0]);
	kipc_unref(a);
	CHECK(nitab == 2);
	for (k = 0; k < nitab; k++)
		free(itab[k]);
	nitab = 0;
}

void
test_objects(void)
{
	UT_RUN(test_type_info);
	UT_RUN(test_constructors);
	UT_RUN(test_nulls);
	UT_RUN(test_equal_copy);
	UT_RUN(test_resize);
	UT_RUN(test_allocator);
	UT_RUN(test_interner);
}
