/*-------------------------------------------------------------------------
 *
 * test_reader.c
 *		The incremental reader: several messages per feed, zero-copy
 *		buffers, early header validation, error stickiness.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_reader.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

static uint8_t *
encode(KipcObject *o, int msgtype, size_t *len)
{
	uint8_t    *buf = NULL;

	CHECK(kipc_encode_message(o, msgtype, &buf, len) == KIPC_OK);
	return buf;
}

static KipcObject *
long_vector(int64_t n, int64_t base)
{
	KipcObject *v = kipc_new_vector(KIPC_T_LONG, n);
	int64_t		k;

	for (k = 0; k < n; k++)
		kipc_set_j(v, k, base + k);
	return v;
}

static void
test_many_in_one_feed(void)
{
	KipcObject *objs[20];
	uint8_t    *all = NULL;
	size_t		total = 0;
	size_t		lens[20];
	int			i;
	KipcReader *r;
	KipcMsg    *m;
	int			got = 0;

	for (i = 0; i < 20; i++)
	{
		uint8_t    *e;

		objs[i] = i % 3 == 0 ? kipc_new_long(i) : long_vector(i * 10, i);
		e = encode(objs[i], i % 3, &lens[i]);
		all = realloc(all, total + lens[i]);
		memcpy(all + total, e, lens[i]);
		total += lens[i];
		free(e);
	}

	/* everything at once */
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, all, total) == KIPC_OK);
	CHECK(kipc_reader_buffered(r) == total);
	while (kipc_reader_next(r, &m) == KIPC_OK)
	{
		CHECK(got < 20 && kipc_equal(m->root, objs[got]));
		CHECK(m->msgtype == got % 3);
		kipc_msg_free(m);
		got++;
	}
	CHECK(got == 20);
	CHECK(kipc_reader_next(r, &m) == KIPC_INCOMPLETE && m == NULL);
	CHECK(kipc_reader_buffered(r) == 0);
	CHECK(kipc_reader_error(r) == NULL);
	kipc_reader_free(r);

	/* two and a half messages, then the rest, interleaving next() */
	r = kipc_reader_new(NULL);
	{
		size_t		cut = lens[0] + lens[1] + lens[2] / 2;

		CHECK(kipc_reader_feed(r, all, cut) == KIPC_OK);
		got = 0;
		while (kipc_reader_next(r, &m) == KIPC_OK)
		{
			CHECK(kipc_equal(m->root, objs[got]));
			kipc_msg_free(m);
			got++;
		}
		CHECK(got == 2);
		CHECK(kipc_reader_buffered(r) == lens[2] / 2);
		CHECK(kipc_reader_feed(r, all + cut, total - cut) == KIPC_OK);
		while (kipc_reader_next(r, &m) == KIPC_OK)
		{
			CHECK(kipc_equal(m->root, objs[got]));
			kipc_msg_free(m);
			got++;
		}
		CHECK(got == 20);
	}
	kipc_reader_free(r);

	/* feed messages without pulling them: they queue up */
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, all, 0) == KIPC_OK);	/* empty feed is fine */
	{
		size_t		off = 0;

		for (i = 0; i < 20; i++)
		{
			CHECK(kipc_reader_feed(r, all + off, lens[i]) == KIPC_OK);
			off += lens[i];
		}
	}
	got = 0;
	while (kipc_reader_next(r, &m) == KIPC_OK)
	{
		CHECK(kipc_equal(m->root, objs[got]));
		kipc_msg_free(m);
		got++;
	}
	CHECK(got == 20);
	kipc_reader_free(r);

	for (i = 0; i < 20; i++)
		kipc_unref(objs[i]);
	free(all);
}

static void
test_zero_copy(void)
{
	KipcObject *big = long_vector(200000, 7);	/* 1.6 MB */
	size_t		len;
	uint8_t    *enc = encode(big, KIPC_MSG_RESPONSE, &len);
	KipcReader *r = kipc_reader_new(NULL);
	uint8_t    *p;
	size_t		avail;
	size_t		off = 0;
	uint8_t    *direct = NULL;
	size_t		direct_off = 0;
	KipcMsg    *m = NULL;

	/* first read: the header is not known yet, so a staging area */
	avail = 100;
	CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK && avail >= 100);
	memcpy(p, enc, 100);
	CHECK(kipc_reader_commit(r, 100) == KIPC_OK);
	off = 100;

	/* now the message buffer itself, with everything still missing */
	avail = 65536;
	CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK);
	CHECKF(avail == len - off, "avail %zu, expected %zu", avail, len - off);
	direct = p;
	direct_off = off;
	while (off < len)
	{
		size_t		n = len - off < 65536 ? len - off : 65536;

		avail = n;
		CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK && avail >= n);
		CHECK(p == direct + (off - direct_off));	/* still in place */
		memcpy(p, enc + off, n);
		CHECK(kipc_reader_commit(r, n) == KIPC_OK);
		off += n;
		if (off < len)
			CHECK(kipc_reader_next(r, &m) == KIPC_INCOMPLETE);
	}
	CHECK(kipc_reader_next(r, &m) == KIPC_OK);
	if (CHECK(m != NULL))
	{
		/* the bytes were never copied: the message owns the recv buffer */
		CHECK(m->buf + direct_off == direct);
		CHECK(kipc_equal(m->root, big));
		CHECK((uint8_t *) m->root->v.items == m->buf + 14);
	}
	kipc_msg_free(m);

	/* a commit larger than what was handed out is refused */
	avail = 16;
	CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK);
	CHECK(kipc_reader_commit(r, avail + 1) == KIPC_ERR_ARG);
	CHECK(kipc_reader_error(r) != NULL);
	kipc_reader_free(r);

	/* commit without buffer is refused */
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_commit(r, 1) == KIPC_ERR_ARG);
	kipc_reader_free(r);

	/* commit of 0 is a no-op */
	r = kipc_reader_new(NULL);
	avail = 0;
	CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK && avail > 0);
	CHECK(kipc_reader_commit(r, 0) == KIPC_OK);
	CHECK(kipc_reader_buffered(r) == 0);
	kipc_reader_free(r);

	free(enc);
	kipc_unref(big);
}

static void
test_early_header_checks(void)
{
	KipcLimits	lim = {1024 * 1024, 0};
	KipcReader *r;
	KipcMsg    *m = NULL;
	static const uint8_t huge[8] = {1, 2, 0, 0, 0, 0, 0, 0x40};	/* 1 GB */
	static const uint8_t bad_order[8] = {2, 2, 0, 0, 20, 0, 0, 0};
	static const uint8_t bad_type[8] = {1, 3, 0, 0, 20, 0, 0, 0};
	static const uint8_t bad_comp[8] = {1, 2, 2, 0, 20, 0, 0, 0};
	static const uint8_t short_len[8] = {1, 2, 0, 0, 8, 0, 0, 0};
	static const uint8_t bomb[12] = {1, 2, 1, 0, 100, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f};

	/* a 1 GB header is refused on its 8th byte, nothing else needed */
	r = kipc_reader_new(&lim);
	CHECK(kipc_reader_feed(r, huge, 7) == KIPC_OK);
	CHECK(kipc_reader_feed(r, huge + 7, 1) == KIPC_ERR_PROTOCOL);
	CHECKF(strstr(kipc_reader_error(r), "limit") != NULL, "%s", kipc_reader_error(r));
	CHECK(kipc_reader_next(r, &m) == KIPC_ERR_PROTOCOL && m == NULL);
	CHECK(kipc_reader_feed(r, huge, 1) == KIPC_ERR_PROTOCOL);	/* stays broken */
	kipc_reader_free(r);

	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, bad_order, 8) == KIPC_ERR_PROTOCOL);
	kipc_reader_free(r);
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, bad_type, 8) == KIPC_ERR_PROTOCOL);
	kipc_reader_free(r);
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, bad_comp, 8) == KIPC_ERR_PROTOCOL);
	kipc_reader_free(r);
	r = kipc_reader_new(NULL);
	CHECK(kipc_reader_feed(r, short_len, 8) == KIPC_ERR_PROTOCOL);
	kipc_reader_free(r);

	/* decompression bomb: refused when the 12th byte arrives */
	r = kipc_reader_new(&lim);
	CHECK(kipc_reader_feed(r, bomb, 11) == KIPC_OK);
	CHECK(kipc_reader_feed(r, bomb + 11, 1) == KIPC_ERR_PROTOCOL);
	CHECKF(strstr(kipc_reader_error(r), "uncompressed length") != NULL, "%s",
		   kipc_reader_error(r));
	kipc_reader_free(r);

	/* also through the zero-copy path */
	r = kipc_reader_new(&lim);
	{
		uint8_t    *p;
		size_t		avail = 12;

		CHECK(kipc_reader_buffer(r, &p, &avail) == KIPC_OK);
		memcpy(p, bomb, 12);
		CHECK(kipc_reader_commit(r, 12) == KIPC_ERR_PROTOCOL);
	}
	kipc_reader_free(r);

	/* a good message, then a bad header: the good one still comes out */
	{
		KipcObject *o = kipc_new_long(5);
		size_t		len;
		uint8_t    *enc = encode(o, KIPC_MSG_RESPONSE, &len);
		uint8_t    *two = malloc(len + 8);

		memcpy(two, enc, len);
		memcpy(two + len, bad_type, 8);
		r = kipc_reader_new(NULL);
		CHECK(kipc_reader_feed(r, two, len + 8) == KIPC_OK);
		CHECK(kipc_reader_next(r, &m) == KIPC_OK && m && kipc_equal(m->root, o));
		kipc_msg_free(m);
		CHECK(kipc_reader_next(r, &m) == KIPC_ERR_PROTOCOL && m == NULL);
		kipc_reader_free(r);
		free(two);
		free(enc);
		kipc_unref(o);
	}

	/* max_message_size applies to the decompressed size too */
	{
		KipcObject *v = kipc_new_vector(KIPC_T_LONG, 5000);
		size_t		len;
		uint8_t    *enc = encode(v, KIPC_MSG_RESPONSE, &len);
		uint8_t    *z = malloc(len / 2);
		size_t		zlen = kipc_compress(enc, len, z);
		KipcLimits	small = {4096, 0};
		char		err[256];

		CHECK(zlen > 0 && zlen < 4096);
		CHECK(kipc_decode_message(z, zlen, &small, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
		CHECKF(strstr(err, "uncompressed length") != NULL, "%s", err);
		CHECK(kipc_decode_message(z, zlen, NULL, &m, err, sizeof(err)) == KIPC_OK);
		kipc_msg_free(m);
		free(z);
		free(enc);
		kipc_unref(v);
	}

	/* argument checks */
	CHECK(kipc_reader_feed(NULL, "", 0) == KIPC_ERR_ARG);
	CHECK(kipc_reader_next(NULL, &m) == KIPC_ERR_ARG);
	kipc_reader_free(NULL);
	kipc_msg_free(NULL);
}

void
test_reader(void)
{
	UT_RUN(test_many_in_one_feed);
	UT_RUN(test_zero_copy);
	UT_RUN(test_early_header_checks);
}
