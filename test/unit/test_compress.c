/*-------------------------------------------------------------------------
 *
 * test_compress.c
 *		Compression beyond the real vectors: round trips of generated
 *		data, the give-up rule and output bounds.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_compress.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

/* a message of len bytes (a byte vector) whose content comes from fill */
static uint8_t *
make_message(size_t len, int kind)
{
	uint8_t    *m = malloc(len);
	size_t		k;
	uint32_t	n = (uint32_t) (len - 14);

	memcpy(m, "\x01\x00\x00\x00", 4);
	memcpy(m + 4, &len, 4);
	m[8] = KIPC_T_BYTE;
	m[9] = 0;
	memcpy(m + 10, &n, 4);
	for (k = 14; k < len; k++)
	{
		switch (kind)
		{
			case 0:				/* random: incompressible */
				m[k] = (uint8_t) ut_rand();
				break;
			case 1:				/* constant run */
				m[k] = 7;
				break;
			case 2:				/* few symbols, random order: rarely halves */
				m[k] = (uint8_t) ("abcd"[ut_rand() % 4]);
				break;
			case 3:				/* text-like with repeats */
				m[k] = (uint8_t) ("the quick brown fox "[k % 20]);
				break;
			default:			/* runs of 16 */
				m[k] = (uint8_t) ((k / 16) & 3);
				break;
		}
	}
	return m;
}

void
test_compress(void)
{
	static const size_t sizes[] = {9, 20, 57, 58, 59, 60, 100, 257, 258, 1000, 2001, 65536, 300000};
	size_t		si;
	int			kind;
	int			compressed = 0;
	int			gave_up = 0;
	int			bad = 0;

	for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
	{
		for (kind = 0; kind < 5; kind++)
		{
			size_t		len = sizes[si] < 14 ? 14 : sizes[si];
			uint8_t    *msg = make_message(len, kind);
			uint8_t    *z = malloc(len / 2 + 1);
			size_t		zlen;

			/* guard byte: the compressor must stay within len/2 */
			z[len / 2] = 0xa5;
			zlen = kipc_compress(msg, len, z);
			if (z[len / 2] != 0xa5)
				bad++;
			if (zlen == 0)
				gave_up++;
			else
			{
				uint8_t    *back = malloc(len);
				const char *err;
				KipcMsg    *m = NULL;

				compressed++;
				if (zlen > len / 2 || z[2] != 1)
					bad++;
				if (kipc_decompress(z, zlen, back, len, &err) != KIPC_OK ||
					memcmp(back, msg, len) != 0)
				{
					bad++;
					printf("round trip size %zu kind %d failed: %s\n", len, kind, err);
				}
				if (kipc_decode_message(z, zlen, NULL, &m, NULL, 0) != KIPC_OK ||
					m->root->n != (int64_t) len - 14)
					bad++;
				kipc_msg_free(m);
				free(back);
			}
			if (kind == 0 && zlen != 0)
				bad++;			/* random bytes never halve */
			if (len < 58 && zlen != 0)
				bad++;			/* out of room before the first group */
			free(z);
			free(msg);
		}
	}
	CHECKF(bad == 0, "%d compression round trips misbehaved", bad);
	CHECK(compressed >= 15 && gave_up >= 30);
	printf("compress: %d generated messages compressed and restored, %d given up\n",
		   compressed, gave_up);

	/* invalid arguments give up rather than crash */
	CHECK(kipc_compress(NULL, 100, NULL) == 0);
	{
		uint8_t		m[8] = {1, 0, 0, 0, 8, 0, 0, 0};
		uint8_t		out[8];

		CHECK(kipc_compress(m, 8, out) == 0);
	}

	/* a run of 257 identical bytes needs exactly one overlapping reference */
	{
		size_t		len = 14 + 300;
		uint8_t    *msg = make_message(len, 1);
		uint8_t    *z = malloc(len / 2);
		uint8_t    *back = malloc(len);
		size_t		zlen = kipc_compress(msg, len, z);
		const char *err;

		CHECK(zlen > 0 && zlen < 40);
		CHECK(kipc_decompress(z, zlen, back, len, &err) == KIPC_OK);
		CHECK(memcmp(back, msg, len) == 0);
		free(back);
		free(z);
		free(msg);
	}
}
