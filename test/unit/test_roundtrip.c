/*-------------------------------------------------------------------------
 *
 * test_roundtrip.c
 *		encode -> decode round trips of every type, plus hand-built
 *		vectors for what the real-kdb+ file lacks: big-endian input, very
 *		long symbols, deep nesting, empty vectors of every type, keyed and
 *		sorted structures.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_roundtrip.c
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

static const int vector_types[] = {1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
#define NVT ((int) (sizeof(vector_types) / sizeof(vector_types[0])))

/*
 * Encode o, decode it back (optionally compressed on the way), compare.
 * Takes over o.  Returns the decoded message for further checks (or NULL).
 */
static KipcMsg *
roundtrip_keep(KipcObject *o, const char *what, bool compress)
{
	uint8_t    *enc = NULL;
	size_t		enclen = 0;
	KipcMsg    *m = NULL;
	char		err[256] = "";
	KipcStatus	st;

	if (!CHECKF(o != NULL, "%s: constructor failed", what))
		return NULL;
	st = kipc_encode_message(o, KIPC_MSG_RESPONSE, &enc, &enclen);
	if (!CHECKF(st == KIPC_OK, "%s: encode status %d", what, st))
	{
		kipc_unref(o);
		return NULL;
	}
	CHECKF((int64_t) enclen == kipc_encode_size(o) + 8, "%s: size pass", what);
	if (compress)
	{
		uint8_t    *z = malloc(enclen / 2 + 1);
		size_t		zlen = kipc_compress(enc, enclen, z);

		if (CHECKF(zlen > 0, "%s: did not compress", what))
		{
			free(enc);
			enc = z;
			enclen = zlen;
		}
		else
			free(z);
	}
	st = kipc_decode_message(enc, enclen, NULL, &m, err, sizeof(err));
	CHECKF(st == KIPC_OK, "%s: decode: %s", what, err);
	if (m)
	{
		CHECKF(kipc_equal(m->root, o), "%s: round trip differs", what);
		CHECK(m->msgtype == KIPC_MSG_RESPONSE);
		CHECK(m->was_compressed == compress);
	}
	free(enc);
	kipc_unref(o);
	return m;
}

static void
roundtrip(KipcObject *o, const char *what)
{
	kipc_msg_free(roundtrip_keep(o, what, false));
}

/* a vector of type t with n items, repeating every period items (0: never) */
static KipcObject *
make_vector_rep(int t, int64_t n, int64_t period)
{
	KipcObject *o = kipc_new_vector(t, n);
	int64_t		kk;
	char		buf[32];

	for (kk = 0; kk < n; kk++)
	{
		int64_t		k = period ? kk % period : kk;

		switch (t)
		{
			case KIPC_T_BOOLEAN:
			case KIPC_T_BYTE:
			case KIPC_T_CHAR:
				((uint8_t *) o->v.items)[kk] = (uint8_t) (t == KIPC_T_BOOLEAN ? k & 1 : 'a' + k % 26);
				break;
			case KIPC_T_GUID:
				memset((uint8_t *) o->v.items + 16 * kk, (int) k + 1, 16);
				break;
			case KIPC_T_SHORT:
				kipc_set_h(o, kk, (int16_t) (k % 3 == 2 ? KIPC_NULL_SHORT : k * 7));
				break;
			case KIPC_T_INT:
			case KIPC_T_MONTH:
			case KIPC_T_DATE:
			case KIPC_T_MINUTE:
			case KIPC_T_SECOND:
			case KIPC_T_TIME:
				kipc_set_i(o, kk, k % 3 == 2 ? KIPC_NULL_INT : (int32_t) (k * 1000 - 7));
				break;
			case KIPC_T_LONG:
			case KIPC_T_TIMESTAMP:
			case KIPC_T_TIMESPAN:
				kipc_set_j(o, kk, k % 3 == 2 ? KIPC_NULL_LONG : k * INT64_C(1000000007));
				break;
			case KIPC_T_REAL:
				kipc_set_e(o, kk, k % 3 == 2 ? NAN : (float) k / 4);
				break;
			case KIPC_T_FLOAT:
			case KIPC_T_DATETIME:
				kipc_set_f(o, kk, k % 3 == 2 ? NAN : (double) k / 3);
				break;
			case KIPC_T_SYMBOL:
				snprintf(buf, sizeof(buf), "s%lld", (long long) k);
				kipc_set_symbol(o, kk, k % 3 == 2 ? "" : buf);
				break;
		}
	}
	return o;
}

static KipcObject *
make_vector(int t, int64_t n)
{
	return make_vector_rep(t, n, 0);
}

static KipcObject *
make_atom(int t)
{
	KipcObject *o = kipc_new_atom(-t);

	switch (t)
	{
		case KIPC_T_GUID:
			memset(o->a.guid, 0xab, 16);
			break;
		case KIPC_T_SYMBOL:
			kipc_unref(o);
			return kipc_new_symbol("atom");
		case KIPC_T_REAL:
			o->a.e = -1.5f;
			break;
		case KIPC_T_FLOAT:
		case KIPC_T_DATETIME:
			o->a.f = 1234.5678;
			break;
		case KIPC_T_SHORT:
			o->a.h = -234;
			break;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			o->a.j = INT64_C(89421099511627575);
			break;
		default:
			o->a.i = 366;
			if (t == KIPC_T_BOOLEAN || t == KIPC_T_BYTE || t == KIPC_T_CHAR)
				o->a.g = 'x';
			break;
	}
	return o;
}

static KipcObject *
sym1(const char *s)
{
	KipcObject *v = kipc_new_vector(KIPC_T_SYMBOL, 1);

	kipc_set_symbol(v, 0, s);
	return v;
}

static KipcObject *
list2(KipcObject *a, KipcObject *b)
{
	KipcObject *l = kipc_new_list(2);

	l->v.objs[0] = a;
	l->v.objs[1] = b;
	return l;
}

static KipcObject *
table1(const char *col, KipcObject *vals)
{
	KipcObject *cols = kipc_new_list(1);

	cols->v.objs[0] = vals;
	return kipc_new_table(sym1(col), cols);
}

static void
test_every_type(void)
{
	int			i;
	char		what[64];
	KipcObject *all;

	for (i = 0; i < NVT; i++)
	{
		snprintf(what, sizeof(what), "atom %d", vector_types[i]);
		roundtrip(make_atom(vector_types[i]), what);
		snprintf(what, sizeof(what), "vector %d", vector_types[i]);
		roundtrip(make_vector(vector_types[i], 37), what);
		snprintf(what, sizeof(what), "empty vector %d", vector_types[i]);
		{
			KipcMsg    *m = roundtrip_keep(kipc_new_vector(vector_types[i], 0), what, false);

			if (m)
			{
				CHECK(m->root->type == vector_types[i] && m->root->n == 0);
				CHECK(m->len == 14);	/* header + type + attr + count */
			}
			kipc_msg_free(m);
		}
		snprintf(what, sizeof(what), "compressed vector %d", vector_types[i]);
		kipc_msg_free(roundtrip_keep(make_vector_rep(vector_types[i], 3000,
											  vector_types[i] == KIPC_T_BOOLEAN ? 2 : 5), what, true));
	}

	/* one general list holding one of everything, attributes kept */
	all = kipc_new_list(2 * NVT + 12);
	for (i = 0; i < NVT; i++)
	{
		all->v.objs[2 * i] = make_atom(vector_types[i]);
		all->v.objs[2 * i + 1] = make_vector(vector_types[i], i);
		all->v.objs[2 * i + 1]->attr = (uint8_t) (i % 5);
	}
	i = 2 * NVT;
	all->v.objs[i++] = kipc_new_list(0);
	all->v.objs[i++] = kipc_new_error("type");
	all->v.objs[i++] = kipc_new_identity();
	all->v.objs[i++] = kipc_new_lambda("d", "{x+y}");
	all->v.objs[i++] = kipc_new_primitive(KIPC_T_BINARY, 1);
	all->v.objs[i++] = kipc_new_primitive(KIPC_T_TERNARY, 2);
	{
		KipcObject *p = kipc_new_compound(KIPC_T_PROJECTION, 3);

		p->v.objs[0] = kipc_new_lambda("", "{x+y+z}");
		p->v.objs[1] = kipc_new_long(1);
		p->v.objs[2] = kipc_new_primitive(KIPC_T_UNARY, 0xff);
		all->v.objs[i++] = p;
	}
	{
		KipcObject *c = kipc_new_compound(KIPC_T_COMPOSITION, 2);

		c->v.objs[0] = kipc_new_primitive(KIPC_T_UNARY, 28);
		c->v.objs[1] = kipc_new_primitive(KIPC_T_BINARY, 11);
		all->v.objs[i++] = c;
	}
	{
		KipcObject *e = kipc_new_compound(KIPC_T_OVER, 1);

		e->v.objs[0] = kipc_new_primitive(KIPC_T_BINARY, 1);
		all->v.objs[i++] = e;
	}
	all->v.objs[i++] = kipc_new_dict(make_vector(KIPC_T_SYMBOL, 2), make_vector(KIPC_T_LONG, 2));
	all->v.objs[i++] = kipc_new_sorted_dict(make_vector(KIPC_T_INT, 3), make_vector(KIPC_T_INT, 3));
	all->v.objs[i++] = table1("c", make_vector(KIPC_T_FLOAT, 4));
	CHECK(i == 2 * NVT + 12);
	{
		KipcMsg    *m = roundtrip_keep(kipc_copy(all), "everything", false);
		char	   *s;

		if (m)
		{
			KipcObject *r = m->root;

			CHECK(r->v.objs[2 * NVT + 10]->type == KIPC_T_SORTED_DICT);
			CHECK(r->v.objs[3]->attr == 1);
			s = kipc_format(r);
			CHECK(s != NULL);
			free(s);
		}
		kipc_msg_free(m);
	}
	kipc_msg_free(roundtrip_keep(all, "everything compressed", false));

	/* each derived function type */
	for (i = KIPC_T_EACH; i <= KIPC_T_EACHLEFT; i++)
	{
		KipcObject *e = kipc_new_compound(i, 1);

		e->v.objs[0] = kipc_new_primitive(KIPC_T_BINARY, 2);
		snprintf(what, sizeof(what), "derived %d", i);
		roundtrip(e, what);
	}
}

static void
test_tables(void)
{
	KipcObject *kt;
	KipcObject *skt;
	KipcMsg    *m;

	/* keyed table: ([k:1 2 3] v:`a`b`c) */
	kt = kipc_new_dict(table1("k", make_vector(KIPC_T_LONG, 3)),
					   table1("v", make_vector(KIPC_T_SYMBOL, 3)));
	m = roundtrip_keep(kt, "keyed table", false);
	if (m)
	{
		CHECK(kipc_is_keyed_table(m->root));
		CHECK(kipc_table_nrows(kipc_dict_keys(m->root)) == 3);
		CHECK(strcmp(kipc_table_colname(kipc_dict_values(m->root), 0), "v") == 0);
		CHECK_FORMAT(m->root, "([k:0 1000000007 0N] v:`s0`s1`)");
	}
	kipc_msg_free(m);

	/* sorted keyed table: 127 with key table attribute s */
	skt = kipc_new_sorted_dict(table1("k", make_vector(KIPC_T_LONG, 2)),
							   table1("v", make_vector(KIPC_T_FLOAT, 2)));
	skt->v.objs[0]->attr = KIPC_ATTR_SORTED;
	m = roundtrip_keep(skt, "sorted keyed table", false);
	if (m)
	{
		CHECK(m->root->type == KIPC_T_SORTED_DICT);
		CHECK(kipc_is_keyed_table(m->root));
		CHECK(kipc_dict_keys(m->root)->attr == KIPC_ATTR_SORTED);
	}
	kipc_msg_free(m);

	/* table with a string column (general list of char vectors) */
	{
		KipcObject *col = list2(kipc_new_cstring("ab"), kipc_new_cstring(""));
		KipcObject *t = table1("s", col);

		m = roundtrip_keep(t, "string column", false);
		if (m)
		{
			CHECK(kipc_table_nrows(m->root) == 2);
			CHECK_FORMAT(m->root, "([] s:(\"ab\";\"\"))");
		}
		kipc_msg_free(m);
	}

	/* an empty table with untyped columns */
	{
		KipcObject *names = kipc_new_vector(KIPC_T_SYMBOL, 2);
		KipcObject *cols = list2(kipc_new_list(0), kipc_new_list(0));

		kipc_set_symbol(names, 0, "name");
		kipc_set_symbol(names, 1, "iq");
		m = roundtrip_keep(kipc_new_table(names, cols), "empty table", false);
		if (m)
			CHECK(kipc_table_nrows(m->root) == 0);
		kipc_msg_free(m);
	}

	/* a table with zero columns */
	m = roundtrip_keep(kipc_new_table(kipc_new_vector(KIPC_T_SYMBOL, 0), kipc_new_list(0)),
					   "zero-column table", false);
	if (m)
	{
		CHECK(kipc_table_ncols(m->root) == 0 && kipc_table_nrows(m->root) == 0);
	}
	kipc_msg_free(m);

	/* tables need a dict: encoder refuses anything else */
	{
		KipcObject *bad = kipc_new_table(sym1("a"), kipc_new_list(1));

		bad->v.objs[0]->type = KIPC_T_LIST;
		CHECK(kipc_encode_size(bad) == -1);
		bad->v.objs[0]->type = KIPC_T_DICT;
		CHECK(kipc_encode_size(bad) == -1);	/* NULL column */
		kipc_unref(bad);
	}
}

static void
test_long_symbols(void)
{
	size_t		len = 100 * 1024;
	char	   *big = malloc(len + 1);
	KipcObject *v;
	KipcMsg    *m;
	size_t		k;

	for (k = 0; k < len; k++)
		big[k] = (char) ('a' + k % 26);
	big[len] = '\0';
	m = roundtrip_keep(kipc_new_symbol(big), "100 KB symbol atom", false);
	if (m)
		CHECK(strlen(m->root->a.s) == len && memcmp(m->root->a.s, big, len) == 0);
	kipc_msg_free(m);

	v = kipc_new_vector(KIPC_T_SYMBOL, 3);
	kipc_set_symbol(v, 0, big);
	kipc_set_symbol(v, 2, big);
	m = roundtrip_keep(v, "100 KB symbols in a vector", true);
	if (m)
		CHECK(strlen(m->root->v.syms[2]) == len && m->root->v.syms[1][0] == '\0');
	kipc_msg_free(m);

	/* the same, fed one byte at a time: symbols may end anywhere */
	{
		KipcObject *s = kipc_new_symbol(big);
		uint8_t    *enc;
		size_t		enclen;
		KipcReader *r = kipc_reader_new(NULL);
		KipcMsg    *m2 = NULL;

		kipc_encode_message(s, KIPC_MSG_ASYNC, &enc, &enclen);
		for (k = 0; k < enclen; k++)
			kipc_reader_feed(r, enc + k, 1);
		CHECK(kipc_reader_next(r, &m2) == KIPC_OK && m2 && kipc_equal(m2->root, s));
		kipc_msg_free(m2);
		kipc_reader_free(r);
		free(enc);
		kipc_unref(s);
	}
	free(big);
}

static void
test_depth(void)
{
	KipcObject *o = kipc_new_long(1);
	KipcObject *l;
	KipcLimits	lim = {0, 10};
	uint8_t    *enc;
	size_t		enclen;
	KipcMsg    *m = NULL;
	char		err[256];
	int			d;

	/* 9 lists + the atom = depth 10: allowed at max_depth 10 */
	for (d = 0; d < 9; d++)
	{
		l = kipc_new_list(1);
		l->v.objs[0] = o;
		o = l;
	}
	kipc_encode_message(o, KIPC_MSG_SYNC, &enc, &enclen);
	CHECK(kipc_decode_message(enc, enclen, &lim, &m, err, sizeof(err)) == KIPC_OK);
	kipc_msg_free(m);
	free(enc);

	/* one more level is refused */
	l = kipc_new_list(1);
	l->v.objs[0] = o;
	o = l;
	kipc_encode_message(o, KIPC_MSG_SYNC, &enc, &enclen);
	CHECK(kipc_decode_message(enc, enclen, &lim, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	CHECKF(strstr(err, "deeper than 10") != NULL, "%s", err);
	CHECK(m == NULL);
	free(enc);
	kipc_unref(o);

	/* default limit is 64 */
	o = kipc_new_long(1);
	for (d = 0; d < 64; d++)
	{
		l = kipc_new_list(1);
		l->v.objs[0] = o;
		o = l;
	}
	kipc_encode_message(o, KIPC_MSG_SYNC, &enc, &enclen);
	CHECK(kipc_decode_message(enc, enclen, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	free(enc);
	kipc_unref(o);
}

/* ----------------------------------------------------------------
 * Big-endian input, built by hand
 * ----------------------------------------------------------------
 */
typedef struct BeBuf
{
	uint8_t		b[4096];
	size_t		n;
} BeBuf;

static void
be_put(BeBuf *b, uint64_t x, int size)
{
	int			i;

	for (i = size - 1; i >= 0; i--)
		b->b[b->n++] = (uint8_t) (x >> (8 * i));
}

static void
be_bytes(BeBuf *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
test_big_endian(void)
{
	static const uint8_t guid[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	BeBuf		b = {{0}, 0};
	KipcMsg    *m = NULL;
	char		err[256] = "";
	KipcObject *want;
	KipcObject *v;
	float		e = 4.0f;
	double		f = 5.0;
	uint32_t	ebits;
	uint64_t	fbits;
	int			k;

	memcpy(&ebits, &e, 4);
	memcpy(&fbits, &f, 8);
	be_put(&b, 0x00020000, 4);	/* big-endian, response */
	be_put(&b, 0, 4);			/* length, patched below */
	be_put(&b, 0x00, 1);		/* general list */
	be_put(&b, 0x00, 1);
	be_put(&b, 10, 4);
	be_put(&b, 0xfb, 1);
	be_put(&b, 1, 2);			/* 1h */
	be_put(&b, 0xfa, 1);
	be_put(&b, 2, 4);			/* 2i */
	be_put(&b, 0xf9, 1);
	be_put(&b, 3, 8);			/* 3 */
	be_put(&b, 0xf8, 1);
	be_put(&b, ebits, 4);		/* 4e */
	be_put(&b, 0xf7, 1);
	be_put(&b, fbits, 8);		/* 5f */
	be_put(&b, 0xfe, 1);
	be_bytes(&b, guid, 16);		/* guid: never swapped */
	be_put(&b, 0x06, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 3, 4);
	be_put(&b, 1, 4);
	be_put(&b, 0x80000000u, 4);
	be_put(&b, 3, 4);			/* 1 0N 3i */
	be_put(&b, 0x02, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 1, 4);
	be_bytes(&b, guid, 16);		/* enlist guid */
	be_put(&b, 0x63, 1);		/* (enlist `a)!enlist 7h */
	be_put(&b, 0x0b, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 1, 4);
	be_bytes(&b, "a", 2);
	be_put(&b, 0x05, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 1, 4);
	be_put(&b, 7, 2);
	be_put(&b, 0x68, 1);		/* projection {x}[2] */
	be_put(&b, 2, 4);
	be_put(&b, 0x64, 1);
	be_bytes(&b, "", 1);
	be_put(&b, 0x0a, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 3, 4);
	be_bytes(&b, "{x}", 3);
	be_put(&b, 0xf9, 1);
	be_put(&b, 2, 8);
	b.b[4] = (uint8_t) (b.n >> 24);
	b.b[5] = (uint8_t) (b.n >> 16);
	b.b[6] = (uint8_t) (b.n >> 8);
	b.b[7] = (uint8_t) b.n;

	want = kipc_new_list(10);
	want->v.objs[0] = kipc_new_short(1);
	want->v.objs[1] = kipc_new_int(2);
	want->v.objs[2] = kipc_new_long(3);
	want->v.objs[3] = kipc_new_real(4);
	want->v.objs[4] = kipc_new_float(5);
	want->v.objs[5] = kipc_new_guid(guid);
	v = kipc_new_vector(KIPC_T_INT, 3);
	kipc_set_i(v, 0, 1);
	kipc_set_i(v, 1, KIPC_NULL_INT);
	kipc_set_i(v, 2, 3);
	want->v.objs[6] = v;
	v = kipc_new_vector(KIPC_T_GUID, 1);
	memcpy(v->v.items, guid, 16);
	want->v.objs[7] = v;
	v = kipc_new_vector(KIPC_T_SHORT, 1);
	kipc_set_h(v, 0, 7);
	want->v.objs[8] = kipc_new_dict(sym1("a"), v);
	v = kipc_new_compound(KIPC_T_PROJECTION, 2);
	v->v.objs[0] = kipc_new_lambda("", "{x}");
	v->v.objs[1] = kipc_new_long(2);
	want->v.objs[9] = v;

	CHECK(kipc_decode_message(b.b, b.n, NULL, &m, err, sizeof(err)) == KIPC_OK);
	if (CHECKF(m != NULL, "big-endian decode: %s", err))
	{
		CHECK(m->big_endian);
		CHECK(m->msgtype == KIPC_MSG_RESPONSE);
		CHECKF(kipc_equal(m->root, want), "big-endian content");
		CHECK(kipc_is_null(m->root->v.objs[6], 1));
		CHECK(memcmp(m->root->v.objs[5]->a.guid, guid, 16) == 0);
		CHECK(memcmp(kipc_get_guid(m->root->v.objs[7], 0), guid, 16) == 0);
		CHECK_FORMAT(m->root, "(1h;2i;3;4e;5f;00010203-0405-0607-0809-0a0b0c0d0e0f;"
					 "1 0N 3i;,00010203-0405-0607-0809-0a0b0c0d0e0f;(,`a)!(,7h);{x}[2])");
		kipc_msg_free(m);
	}

	/* byte at a time through the reader */
	{
		KipcReader *r = kipc_reader_new(NULL);
		size_t		i;

		m = NULL;
		for (i = 0; i < b.n; i++)
			CHECK(kipc_reader_feed(r, b.b + i, 1) == KIPC_OK);
		CHECK(kipc_reader_next(r, &m) == KIPC_OK && m && kipc_equal(m->root, want));
		kipc_msg_free(m);
		kipc_reader_free(r);
	}
	kipc_unref(want);

	/* a compressed big-endian message: 200 copies of 1 0x01020304i */
	b.n = 0;
	be_put(&b, 0x00010000, 4);
	be_put(&b, 8 + 6 + 800, 4);
	be_put(&b, 0x06, 1);
	be_put(&b, 0x00, 1);
	be_put(&b, 200, 4);
	for (k = 0; k < 200; k++)
		be_put(&b, 0x01020304, 4);
	{
		uint8_t		z[512];
		size_t		zlen = kipc_compress(b.b, b.n, z);

		CHECK(zlen > 0 && zlen < 100);
		CHECK(z[0] == 0 && z[2] == 1);
		CHECK(z[8] == 0 && z[9] == 0 && z[10] == 0x03 && z[11] == 0x2e);	/* 814 BE */
		m = NULL;
		CHECK(kipc_decode_message(z, zlen, NULL, &m, err, sizeof(err)) == KIPC_OK);
		if (CHECKF(m != NULL, "compressed big-endian: %s", err))
		{
			CHECK(m->big_endian && m->was_compressed && m->len == 814);
			CHECK(m->root->type == KIPC_T_INT && m->root->n == 200);
			CHECK(kipc_get_i(m->root, 0) == 0x01020304 && kipc_get_i(m->root, 199) == 0x01020304);
			kipc_msg_free(m);
		}
	}
}

void
test_roundtrip(void)
{
	UT_RUN(test_every_type);
	UT_RUN(test_tables);
	UT_RUN(test_long_symbols);
	UT_RUN(test_depth);
	UT_RUN(test_big_endian);
}
