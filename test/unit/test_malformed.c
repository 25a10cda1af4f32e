/*-------------------------------------------------------------------------
 *
 * test_malformed.c
 *		Hostile input: truncation at every length, lying lengths, absurd
 *		counts, depth bombs, decompression bombs, unknown types, trailing
 *		bytes, bad headers.  Each must give a protocol error; ASan and
 *		LeakSanitizer prove there is no out-of-bounds access or leak.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_malformed.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

/* decode bytes given with a correct length field; expect a protocol error */
static bool
expect_error(const uint8_t *payload, size_t plen, const char *want, const char *what)
{
	uint8_t    *msg = malloc(plen + 8);
	KipcMsg    *m = NULL;
	char		err[256] = "";
	KipcStatus	st;
	bool		ok;

	msg[0] = 1;
	msg[1] = 2;
	msg[2] = 0;
	msg[3] = 0;
	msg[4] = (uint8_t) (plen + 8);
	msg[5] = (uint8_t) ((plen + 8) >> 8);
	msg[6] = (uint8_t) ((plen + 8) >> 16);
	msg[7] = (uint8_t) ((plen + 8) >> 24);
	memcpy(msg + 8, payload, plen);
	st = kipc_decode_message(msg, plen + 8, NULL, &m, err, sizeof(err));
	ok = CHECKF(st == KIPC_ERR_PROTOCOL && m == NULL, "%s: status %d", what, st);
	if (want)
		ok &= CHECKF(strstr(err, want) != NULL, "%s: error [%s] lacks [%s]", what, err, want);
	kipc_msg_free(m);
	free(msg);
	return ok;
}

#define EXPECT_ERROR(bytes, want) \
	expect_error((const uint8_t *) (bytes), sizeof(bytes) - 1, (want), #bytes)

static void
test_truncation(void)
{
	UtVector   *rows;
	int			n = ut_load_vectors(&rows);
	int			i;
	long		cases = 0;
	long		bad = 0;

	if (!CHECKF(n > 0, "truncation tests need the vectors file"))
		return;
	for (i = 0; i < n; i++)
	{
		UtVector   *v = &rows[i];
		uint8_t    *copy = malloc(v->len);
		size_t		cut;
		KipcMsg    *m = NULL;
		KipcReader *r;

		for (cut = 0; cut < v->len; cut++)
		{
			KipcStatus	st;

			/* header still claims the full length: mismatch */
			st = kipc_decode_message(v->bytes, cut, NULL, &m, NULL, 0);
			if (st != KIPC_ERR_PROTOCOL || m != NULL)
				bad++;
			kipc_msg_free(m);
			m = NULL;

			/* header patched to the cut length: the object must not fit */
			if (cut >= 8)
			{
				memcpy(copy, v->bytes, cut);
				copy[4] = (uint8_t) cut;
				copy[5] = (uint8_t) (cut >> 8);
				copy[6] = (uint8_t) (cut >> 16);
				copy[7] = (uint8_t) (cut >> 24);
				st = kipc_decode_message(copy, cut, NULL, &m, NULL, 0);
				if (st != KIPC_ERR_PROTOCOL || m != NULL)
				{
					bad++;
					printf("truncated line %d at %zu decoded\n", v->line, cut);
				}
				kipc_msg_free(m);
				m = NULL;
			}
			cases++;
		}

		/* the reader just waits for the rest */
		r = kipc_reader_new(NULL);
		if (kipc_reader_feed(r, v->bytes, v->len - 1) != KIPC_OK ||
			kipc_reader_next(r, &m) != KIPC_INCOMPLETE ||
			kipc_reader_buffered(r) != v->len - 1)
			bad++;
		kipc_reader_free(r);
		free(copy);
	}
	CHECKF(bad == 0, "%ld of %ld truncations misbehaved", bad, cases);
	printf("malformed: %ld truncations of the vectors rejected\n", cases);
	ut_free_vectors(rows, n);
}

static void
test_lying_lengths(void)
{
	static const uint8_t good[] = {1, 2, 0, 0, 13, 0, 0, 0, 0xfa, 1, 0, 0, 0};
	uint8_t		b[sizeof(good) + 4];
	KipcMsg    *m = NULL;
	char		err[256];
	KipcReader *r;

	CHECK(kipc_decode_message(good, sizeof(good), NULL, &m, err, sizeof(err)) == KIPC_OK);
	kipc_msg_free(m);
	m = NULL;

	/* length field says more than there is */
	memcpy(b, good, sizeof(good));
	b[4] = 17;
	CHECK(kipc_decode_message(b, sizeof(good), NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	/* says less: then the int does not fit */
	b[4] = 12;
	CHECK(kipc_decode_message(b, 12, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	CHECKF(strstr(err, "truncated") != NULL, "%s", err);
	/* says more and more bytes follow: trailing bytes after the object */
	memcpy(b, good, sizeof(good));
	memset(b + sizeof(good), 0, 4);
	b[4] = 17;
	CHECK(kipc_decode_message(b, 17, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	CHECKF(strstr(err, "trailing") != NULL, "%s", err);

	/* through the reader, a short length cuts the object */
	r = kipc_reader_new(NULL);
	b[4] = 12;
	CHECK(kipc_reader_feed(r, b, 13) == KIPC_OK);
	CHECK(kipc_reader_next(r, &m) == KIPC_ERR_PROTOCOL && m == NULL);
	kipc_reader_free(r);

	/* tiny or absurd lengths in the header */
	memcpy(b, good, sizeof(good));
	b[4] = 8;
	CHECK(kipc_decode_message(b, 8, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	b[4] = 0;
	CHECK(kipc_decode_message(b, 8, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	b[4] = 0xff;
	b[5] = 0xff;
	b[6] = 0xff;
	b[7] = 0xff;
	CHECK(kipc_decode_message(b, 13, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	CHECK(kipc_decode_message(b, 3, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
	CHECK(kipc_decode_message(NULL, 0, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL);
}

static void
test_bad_headers(void)
{
	static const uint8_t good[] = {1, 2, 0, 0, 13, 0, 0, 0, 0xfa, 1, 0, 0, 0};
	uint8_t		b[sizeof(good)];
	KipcMsg    *m = NULL;
	char		err[256];
	int			i;
	int			v;

	for (i = 0; i < 4; i++)
	{
		for (v = 0; v < 256; v++)
		{
			KipcStatus	st;
			bool		valid;

			memcpy(b, good, sizeof(good));
			b[i] = (uint8_t) v;
			valid = (i == 0 && v == 1) || (i == 1 && v <= 2) || (i == 2 && v == 0) ||
				(i == 3 && v == 0);
			if (i == 0 && v == 0)
			{
				/* big-endian: the length must then be read big-endian */
				b[4] = 0;
				b[7] = 13;
				b[9] = 0;
				b[12] = 1;
				valid = true;
			}
			st = kipc_decode_message(b, sizeof(b), NULL, &m, err, sizeof(err));
			CHECKF((st == KIPC_OK) == valid, "header byte %d = %d: status %d (%s)",
				   i, v, st, err);
			if (st == KIPC_OK)
				CHECK(m->root->a.i == 1);
			kipc_msg_free(m);
			m = NULL;
		}
	}
}

static void
test_counts(void)
{
	/* count far larger than the bytes left, for each kind of count */
	EXPECT_ERROR("\x07\x00\xff\xff\xff\x7f", "count");
	EXPECT_ERROR("\x07\x00\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00", "count");
	EXPECT_ERROR("\x0b\x00\xff\xff\xff\x7f" "a", "count");
	EXPECT_ERROR("\x00\x00\xff\xff\xff\x7f", "count");
	EXPECT_ERROR("\x02\x00\x01\x00\x00\x00\x01", "count");
	EXPECT_ERROR("\x68\xff\xff\xff\x7f", "count");
	/* negative counts */
	EXPECT_ERROR("\x07\x00\xff\xff\xff\xff", "negative");
	EXPECT_ERROR("\x00\x00\x00\x00\x00\x80", "negative");
	EXPECT_ERROR("\x0b\x00\xfe\xff\xff\xff", "negative");
	EXPECT_ERROR("\x69\xff\xff\xff\xff", "negative");
	/* symbols without their NUL */
	EXPECT_ERROR("\x0b\x00\x02\x00\x00\x00" "a\0b", "NUL");
	EXPECT_ERROR("\xf5" "abc", "NUL");
	EXPECT_ERROR("\x80" "type", "NUL");
	EXPECT_ERROR("\x64" "ctx", "NUL");
	/* truncated pieces */
	EXPECT_ERROR("\x07\x00\x01\x00", "truncated");
	EXPECT_ERROR("\x07", "truncated");
	EXPECT_ERROR("\xf9\x01\x02", "truncated");
	EXPECT_ERROR("\x63\x0b\x00\x00\x00\x00\x00", "truncated");
	EXPECT_ERROR("\x65", "truncated");
	EXPECT_ERROR("\x62", "truncated");
	/* attribute bytes that no q version sends */
	EXPECT_ERROR("\x07\x05\x00\x00\x00\x00", "attribute");
	EXPECT_ERROR("\x07\x80\x00\x00\x00\x00", "attribute");
	EXPECT_ERROR("\x62\x09\x63\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "attribute");
	/* structural rules */
	EXPECT_ERROR("\x62\x00\x07\x00\x00\x00\x00\x00", "not followed by a dictionary");
	EXPECT_ERROR("\x62\x00\x63\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "not symbols");
	EXPECT_ERROR("\x64\x00\x07\x00\x00\x00\x00\x00", "not a char vector");
	/* trailing bytes after a complete object */
	EXPECT_ERROR("\xf9\x01\x00\x00\x00\x00\x00\x00\x00\x00", "trailing");
	EXPECT_ERROR("\x65\x00\x65\x00", "trailing");
	EXPECT_ERROR("\x0a\x00\x01\x00\x00\x00" "ab", "trailing");
}

static void
test_unknown_types(void)
{
	uint8_t		p[32];
	int			t;
	int			bad = 0;

	for (t = -127; t <= 127; t++)
	{
		KipcMsg    *m = NULL;
		char		err[256] = "";
		uint8_t		msg[40];
		bool		known = (t >= -19 && t <= 19 && t != 3 && t != -3) ||
			(t >= 98 && t <= 111) || t == 127;

		if (known)
			continue;
		/* the type byte followed by plenty of plausible-looking bytes */
		memset(p, 0, sizeof(p));
		p[0] = (uint8_t) t;
		memcpy(msg, "\x01\x02\x00\x00\x28\x00\x00\x00", 8);
		memcpy(msg + 8, p, 32);
		if (kipc_decode_message(msg, 40, NULL, &m, err, sizeof(err)) != KIPC_ERR_PROTOCOL ||
			strstr(err, "unsupported q type") == NULL)
		{
			bad++;
			printf("type %d: [%s]\n", t, err);
		}
		kipc_msg_free(m);
	}
	CHECKF(bad == 0, "%d unknown types were not refused", bad);
	EXPECT_ERROR("\x14\x00\x01\x00\x00\x00\x00\x00\x00\x00", "enumeration");
	EXPECT_ERROR("\x70\x00", "dynamic-load");
	EXPECT_ERROR("\x4d\x00", "mapped list");
	/* nested: a bad type deep inside a list */
	EXPECT_ERROR("\x00\x00\x02\x00\x00\x00\xf9\x01\x00\x00\x00\x00\x00\x00\x00\x15\x00",
				 "unsupported q type 21");
}

static void
test_depth_bombs(void)
{
	static const struct
	{
		const char *unit;
		size_t		len;
		const char *what;
	}			bombs[] = {
		{"\x00\x00\x01\x00\x00\x00", 6, "nested general lists"},
		{"\x68\x01\x00\x00\x00", 5, "nested projections"},
		{"\x6a", 1, "nested each"},
		{"\x63\x65\x00", 3, "nested dict values"},
		{"\x62\x00\x63\x0b\x00\x01\x00\x00\x00\x61\x00\x00\x00\x01\x00\x00\x00", 17,
		"nested tables"},
	};
	size_t		i;

	for (i = 0; i < sizeof(bombs) / sizeof(bombs[0]); i++)
	{
		size_t		reps = 100000;
		size_t		plen = reps * bombs[i].len + 2;
		uint8_t    *p = malloc(plen);
		size_t		k;

		for (k = 0; k < reps; k++)
			memcpy(p + k * bombs[i].len, bombs[i].unit, bombs[i].len);
		p[plen - 2] = 0x65;
		p[plen - 1] = 0x00;
		expect_error(p, plen, "deeper than 64", bombs[i].what);
		free(p);
	}
}

/* build a compressed message from a raw stream (header + U + stream) */
static void
expect_zerror(const uint8_t *stream, size_t slen, uint32_t ulen, const char *want)
{
	uint8_t    *msg = malloc(slen + 12);
	KipcMsg    *m = NULL;
	char		err[256] = "";
	uint32_t	total = (uint32_t) (slen + 12);
	uint8_t    *out;
	const char *zerr = NULL;

	memcpy(msg, "\x01\x02\x01\x00", 4);
	memcpy(msg + 4, &total, 4);
	memcpy(msg + 8, &ulen, 4);
	memcpy(msg + 12, stream, slen);
	CHECKF(kipc_decode_message(msg, slen + 12, NULL, &m, err, sizeof(err)) == KIPC_ERR_PROTOCOL,
		   "compressed stream accepted (%s)", want);
	CHECKF(strstr(err, want) != NULL, "error [%s] lacks [%s]", err, want);
	/* and straight through kipc_decompress with an exact-size buffer */
	if (ulen < (1u << 20))
	{
		out = malloc(ulen > 12 ? ulen : 12);
		CHECK(kipc_decompress(msg, slen + 12, out, ulen, &zerr) == KIPC_ERR_PROTOCOL);
		CHECK(zerr != NULL);
		free(out);
	}
	kipc_msg_free(m);
	free(msg);
}

static void
test_decompression_bombs(void)
{
	/* the header claims 2 GB from 16 bytes */
	expect_zerror((const uint8_t *) "\x00\x01\x02\x03", 4, 0x7fffffff, "uncompressed length");
	/* an impossible expansion ratio, under the size limit */
	expect_zerror((const uint8_t *) "\x00\x01\x02\x03", 4, 100000, "impossible");
	/* too small */
	expect_zerror((const uint8_t *) "\x00\x01", 2, 8, "too small");
	/* back-reference to a slot never filled */
	expect_zerror((const uint8_t *) "\x04\xf9\x01\x05\x00", 5, 8 + 9, "empty table slot");
	/* back-reference whose run passes the end: 00 00 00 then ref to 00 00 + 200 */
	expect_zerror((const uint8_t *) "\x08\xf9\x00\x00\x00\xc8\x00", 7, 8 + 9, "past the uncompressed");
	/* input ends early: literal, control byte, back-reference */
	expect_zerror((const uint8_t *) "\x00\xf9\x01", 3, 8 + 9, "ends early");
	expect_zerror((const uint8_t *) "\x00\xf9\x01\x00\x00\x00\x00\x00\x00", 9, 8 + 9, "ends early");
	expect_zerror((const uint8_t *) "\x10\xf9\x00\x00\x00\x00", 6, 8 + 9, "ends early");
	/* bytes left over after U is reached */
	expect_zerror((const uint8_t *) "\x00\xfa\x01\x00\x00\x00\xaa", 7, 8 + 5, "trailing");

	/* decompress into a buffer smaller than U is refused */
	{
		uint8_t		out[16];
		const char *zerr;
		static const uint8_t in[] = {1, 2, 1, 0, 18, 0, 0, 0, 30, 0, 0, 0, 0, 1, 2};

		CHECK(kipc_decompress(in, sizeof(in), out, sizeof(out), &zerr) == KIPC_ERR_PROTOCOL);
		CHECK(kipc_decompress(in, 11, out, sizeof(out), &zerr) == KIPC_ERR_PROTOCOL);
		CHECK(kipc_decompress(in, 11, out, sizeof(out), NULL) == KIPC_ERR_PROTOCOL);
	}

	/* a valid compressed message cut at every length never reads past it */
	{
		KipcObject *v = kipc_new_vector(KIPC_T_INT, 2000);
		uint8_t    *enc;
		size_t		len;
		uint8_t    *z;
		size_t		zlen;
		size_t		cut;
		int			bad = 0;

		kipc_encode_message(v, KIPC_MSG_RESPONSE, &enc, &len);
		z = malloc(len / 2);
		zlen = kipc_compress(enc, len, z);
		CHECK(zlen > 0);
		for (cut = 0; cut < zlen; cut++)
		{
			uint8_t    *piece = malloc(cut ? cut : 1);
			uint8_t    *out = malloc(len);
			const char *zerr;

			memcpy(piece, z, cut);
			if (kipc_decompress(piece, cut, out, len, &zerr) != KIPC_ERR_PROTOCOL)
				bad++;
			free(out);
			free(piece);
		}
		CHECKF(bad == 0, "%d truncated compressed streams accepted", bad);
		free(z);
		free(enc);
		kipc_unref(v);
	}
}

void
test_malformed(void)
{
	UT_RUN(test_truncation);
	UT_RUN(test_lying_lengths);
	UT_RUN(test_bad_headers);
	UT_RUN(test_counts);
	UT_RUN(test_unknown_types);
	UT_RUN(test_depth_bombs);
	UT_RUN(test_decompression_bombs);
}
