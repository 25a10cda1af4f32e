/*-------------------------------------------------------------------------
 *
 * test_vectors.c
 *		The 319 real kdb+ vectors: decode, re-encode, incremental reading,
 *		decompression and byte-identical recompression.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/unit/test_vectors.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "unittest.h"

/*
 * Hand-built compressed rows (mgkdb): accepted by kdb+, but kdb+ itself
 * would never have produced them (they are below the size where the
 * compressor gives up), so recompression must give up too.
 */
static bool
is_handbuilt(const UtVector *v)
{
	return strstr(v->source, "HAND-BUILT") != NULL;
}

/* feed msg to a reader in the given chunk sizes; returns the message */
static KipcMsg *
read_in_chunks(const uint8_t *buf, size_t len, const size_t *chunks, int nchunks,
			   bool zero_copy, KipcStatus *stp)
{
	KipcReader *r = kipc_reader_new(NULL);
	KipcMsg    *m = NULL;
	KipcStatus	st = KIPC_OK;
	size_t		off = 0;
	int			c = 0;

	while (off < len && st == KIPC_OK)
	{
		size_t		n = chunks[c % nchunks];

		c++;
		if (n > len - off)
			n = len - off;
		if (zero_copy)
		{
			uint8_t    *p;
			size_t		avail = n;

			st = kipc_reader_buffer(r, &p, &avail);
			if (st != KIPC_OK)
				break;
			if (avail < n)
			{
				st = KIPC_ERR_ARG;
				break;
			}
			memcpy(p, buf + off, n);
			st = kipc_reader_commit(r, n);
		}
		else
			st = kipc_reader_feed(r, buf + off, n);
		off += n;
		if (st == KIPC_OK && off < len)
		{
			/* not complete yet: next must say so */
			KipcStatus	s2 = kipc_reader_next(r, &m);

			if (s2 != KIPC_INCOMPLETE)
			{
				st = s2 == KIPC_OK ? KIPC_ERR_ARG : s2;
				kipc_msg_free(m);
				m = NULL;
			}
		}
	}
	if (st == KIPC_OK)
		st = kipc_reader_next(r, &m);
	if (st == KIPC_OK && kipc_reader_buffered(r) != 0)
		st = KIPC_ERR_ARG;
	kipc_reader_free(r);
	*stp = st;
	return m;
}

void
test_vectors(void)
{
	UtVector   *rows;
	int			n = ut_load_vectors(&rows);
	int			i;
	int			decoded = 0;
	int			uncompressed = 0;
	int			reencoded = 0;
	int			compressed = 0;
	int			recompressed = 0;
	int			handbuilt = 0;
	int			split_ok = 0;
	char		err[256];

	ut_case_begin("vectors file: 319 rows");
	if (!CHECKF(n == 319, "rows %d", n))
	{
		ut_case_end();
		if (n > 0)
			ut_free_vectors(rows, n);
		return;
	}

	for (i = 0; i < n; i++)
	{
		UtVector   *v = &rows[i];
		KipcMsg    *m = NULL;
		KipcStatus	st;
		bool		ok = true;
		int			trial;

		ut_case_begin("vector line %d [%.60s]", v->line, v->expr);
		err[0] = '\0';
		st = kipc_decode_message(v->bytes, v->len, NULL, &m, err, sizeof(err));
		if (!CHECKF(st == KIPC_OK && m != NULL, "line %d [%s]: %s", v->line, v->expr, err))
			continue;
		decoded++;
		CHECK(m->wire_len == v->len);

		/* format must never fail on a real message */
		{
			char	   *s = kipc_format(m->root);

			CHECKF(s != NULL, "line %d", v->line);
			if (getenv("KIPC_SHOW_FORMAT"))
				printf("%-40.40s | %s\n", v->expr, s ? s : "(null)");
			free(s);
		}

		/* copy to the heap and compare */
		{
			KipcObject *c = kipc_copy(m->root);

			CHECKF(c != NULL && kipc_equal(c, m->root), "copy line %d", v->line);
			kipc_unref(c);
		}

		if (!m->was_compressed)
		{
			uint8_t    *enc;
			size_t		enclen;

			uncompressed++;
			st = kipc_encode_message(m->root, m->msgtype, &enc, &enclen);
			if (CHECKF(st == KIPC_OK, "encode line %d", v->line))
			{
				if (CHECKF(enclen == v->len && memcmp(enc, v->bytes, enclen) == 0,
						   "re-encode line %d [%s] differs (len %zu vs %zu)",
						   v->line, v->expr, enclen, v->len))
					reencoded++;
				free(enc);
			}
		}
		else
		{
			uint8_t    *out = malloc(m->len / 2 + 1);
			size_t		clen = kipc_compress(m->buf, m->len, out);

			compressed++;
			if (is_handbuilt(v))
			{
				handbuilt++;
				CHECKF(clen == 0, "hand-built line %d: compressor should give up", v->line);
			}
			else if (CHECKF(clen == v->len && memcmp(out, v->bytes, clen) == 0,
							"recompress line %d [%s]: %zu bytes vs %zu", v->line, v->expr,
							clen, v->len))
				recompressed++;
			free(out);
		}

		/* one byte at a time, copying and zero-copy */
		{
			size_t		one = 1;
			KipcMsg    *m2;

			m2 = read_in_chunks(v->bytes, v->len, &one, 1, false, &st);
			ok &= CHECKF(st == KIPC_OK && m2 && kipc_equal(m2->root, m->root),
						 "byte-at-a-time line %d", v->line);
			kipc_msg_free(m2);
			m2 = read_in_chunks(v->bytes, v->len, &one, 1, true, &st);
			ok &= CHECKF(st == KIPC_OK && m2 && kipc_equal(m2->root, m->root),
						 "zero-copy byte-at-a-time line %d", v->line);
			kipc_msg_free(m2);
		}
		/* random splits */
		for (trial = 0; trial < 6; trial++)
		{
			size_t		chunks[8];
			int			c;
			KipcMsg    *m2;

			for (c = 0; c < 8; c++)
				chunks[c] = 1 + ut_rand() % (trial < 3 ? 16 : v->len);
			m2 = read_in_chunks(v->bytes, v->len, chunks, 8, trial % 2 == 1, &st);
			ok &= CHECKF(st == KIPC_OK && m2 && kipc_equal(m2->root, m->root),
						 "random split line %d trial %d", v->line, trial);
			kipc_msg_free(m2);
		}
		if (ok)
			split_ok++;
		kipc_msg_free(m);
	}
	/* all rows back to back, as one stream, in random pieces */
	ut_case_begin("all vectors as one stream");
	{
		size_t		total = 0;
		size_t		off = 0;
		uint8_t    *all;
		int			trial;

		for (i = 0; i < n; i++)
			total += rows[i].len;
		all = malloc(total);
		for (i = 0; i < n; i++)
		{
			memcpy(all + off, rows[i].bytes, rows[i].len);
			off += rows[i].len;
		}
		for (trial = 0; trial < 4; trial++)
		{
			KipcReader *r = kipc_reader_new(NULL);
			int			got = 0;
			int			same = 0;
			KipcStatus	st = KIPC_OK;

			off = 0;
			while (off < total && st == KIPC_OK)
			{
				size_t		piece = trial == 0 ? total : 1 + ut_rand() % (trial * 700);
				KipcMsg    *m = NULL;

				if (piece > total - off)
					piece = total - off;
				if (trial == 3)
				{
					uint8_t    *p;
					size_t		avail = piece;

					st = kipc_reader_buffer(r, &p, &avail);
					if (st == KIPC_OK)
					{
						memcpy(p, all + off, piece);
						st = kipc_reader_commit(r, piece);
					}
				}
				else
					st = kipc_reader_feed(r, all + off, piece);
				off += piece;
				while (st == KIPC_OK && (st = kipc_reader_next(r, &m)) == KIPC_OK)
				{
					KipcMsg    *want = NULL;

					if (got < n &&
						kipc_decode_message(rows[got].bytes, rows[got].len, NULL, &want,
											NULL, 0) == KIPC_OK &&
						kipc_equal(want->root, m->root))
						same++;
					kipc_msg_free(want);
					kipc_msg_free(m);
					got++;
				}
				if (st == KIPC_INCOMPLETE)
					st = KIPC_OK;
			}
			CHECKF(st == KIPC_OK && got == n && same == n && kipc_reader_buffered(r) == 0,
				   "stream of all vectors, trial %d: status %d, %d messages, %d equal",
				   trial, st, got, same);
			kipc_reader_free(r);
		}
		free(all);
	}
	ut_case_end();

	printf("vectors: %d/%d decoded\n", decoded, n);
	printf("vectors: %d/%d uncompressed rows re-encoded byte-identically\n",
		   reencoded, uncompressed);
	printf("vectors: %d/%d real compressed rows recompressed byte-identically"
		   " (+%d hand-built rows decompressed; compressor correctly gives up on them)\n",
		   recompressed, compressed - handbuilt, handbuilt);
	printf("vectors: %d/%d decode identically when split (1 byte, random, zero-copy)\n",
		   split_ok, decoded);
	ut_free_vectors(rows, n);
}
