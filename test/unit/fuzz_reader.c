/*-------------------------------------------------------------------------
 *
 * fuzz_reader.c
 *		libFuzzer harness for the incremental reader and everything a
 *		decoded message can be handed to.
 *
 * Input layout: byte 0 chooses how the rest is delivered (split pattern,
 * copying feed or zero-copy buffer/commit, limits); bytes 1.. are the byte
 * stream.  Split sizes come from a PRNG seeded with byte 0 and the length,
 * so every input replays identically.  Each decoded message is formatted,
 * copied, compared with its copy, re-encoded, decoded again and compared,
 * and its encoding is compressed and decompressed; any disagreement aborts.
 *
 * Build: make fuzz.  Seed corpus: test/unit/fuzz_seed.sh corpus/.
 * Run:   cd test/unit && ./fuzz_reader -max_total_time=600 corpus/
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/fuzz_reader.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kipc.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* everything we can do with a decoded message must agree with itself */
static void
exercise(KipcMsg *m)
{
	char	   *text;
	KipcObject *copy;
	uint8_t    *enc = NULL;
	size_t		enclen = 0;
	KipcStatus	st;

	text = kipc_format(m->root);
	FUZZ_ASSERT(text != NULL);
	free(text);

	copy = kipc_copy(m->root);
	FUZZ_ASSERT(copy != NULL);
	FUZZ_ASSERT(kipc_equal(copy, m->root));

	st = kipc_encode_message(m->root, m->msgtype, &enc, &enclen);
	FUZZ_ASSERT(st == KIPC_OK);
	/* little-endian input re-encodes to exactly the decoded bytes */
	if (!m->big_endian)
		FUZZ_ASSERT(enclen == m->len && memcmp(enc, m->buf, enclen) == 0);

	{
		KipcMsg    *m2 = NULL;
		uint8_t    *z = malloc(enclen / 2 + 1);
		size_t		zlen;

		st = kipc_decode_message(enc, enclen, NULL, &m2, NULL, 0);
		FUZZ_ASSERT(st == KIPC_OK);
		FUZZ_ASSERT(kipc_equal(m2->root, m->root));
		FUZZ_ASSERT(kipc_equal(m2->root, copy));
		kipc_msg_free(m2);

		zlen = kipc_compress(enc, enclen, z);
		if (zlen > 0)
		{
			uint8_t    *back = malloc(enclen);
			const char *err = NULL;

			FUZZ_ASSERT(zlen <= enclen / 2);
			st = kipc_decompress(z, zlen, back, enclen, &err);
			FUZZ_ASSERT(st == KIPC_OK);
			FUZZ_ASSERT(memcmp(back, enc, enclen) == 0);
			free(back);
		}
		free(z);
	}

	/* the heap copy encodes identically too */
	{
		uint8_t    *enc2 = NULL;
		size_t		enc2len = 0;

		st = kipc_encode_message(copy, m->msgtype, &enc2, &enc2len);
		FUZZ_ASSERT(st == KIPC_OK);
		FUZZ_ASSERT(enc2len == enclen && memcmp(enc2, enc, enclen) == 0);
		free(enc2);
	}
	kipc_unref(copy);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	KipcLimits	limits;
	KipcReader *r;
	uint32_t	seed;
	uint8_t		mode;
	size_t		off = 1;
	int			msgs = 0;

	if (size < 1)
		return 0;
	mode = data[0];
	seed = 0x9e3779b9u ^ ((uint32_t) mode << 16) ^ (uint32_t) size;
	if (seed == 0)
		seed = 1;

	memset(&limits, 0, sizeof(limits));
	limits.max_message_size = (mode & 0x40) ? 4096 : (1 << 20);
	limits.max_depth = (mode & 0x20) ? 8 : 0;
	r = kipc_reader_new(&limits);
	FUZZ_ASSERT(r != NULL);

	while (off < size)
	{
		size_t		n;
		KipcStatus	st;
		KipcMsg    *m = NULL;

		switch (mode & 3)
		{
			case 0:
				n = 1;
				break;
			case 1:
				n = 1 + next_rand(&seed) % 16;
				break;
			case 2:
				n = 1 + next_rand(&seed) % 4096;
				break;
			default:
				n = size - off;
				break;
		}
		if (n > size - off)
			n = size - off;

		if (mode & 0x80)
		{
			uint8_t    *p;
			size_t		avail = n;

			st = kipc_reader_buffer(r, &p, &avail);
			if (st != KIPC_OK)
				break;
			FUZZ_ASSERT(avail >= n);
			memcpy(p, data + off, n);
			st = kipc_reader_commit(r, n);
		}
		else
			st = kipc_reader_feed(r, data + off, n);
		off += n;
		if (st != KIPC_OK)
		{
			FUZZ_ASSERT(st < 0 && kipc_reader_error(r) != NULL);
			break;
		}
		for (;;)
		{
			st = kipc_reader_next(r, &m);
			if (st != KIPC_OK)
				break;
			FUZZ_ASSERT(m != NULL && m->root != NULL);
			exercise(m);
			kipc_msg_free(m);
			msgs++;
		}
		if (st != KIPC_INCOMPLETE)
		{
			FUZZ_ASSERT(st < 0 && kipc_reader_error(r) != NULL);
			break;
		}
	}
	kipc_reader_free(r);

	/* the handshake parser gets the same bytes */
	{
		char	   *user;
		char	   *password;
		uint8_t		cap;

		if (kipc_handshake_parse(data + 1, size - 1, &user, &password, &cap) == KIPC_OK)
		{
			free(user);
			free(password);
		}
	}
	return 0;
}
