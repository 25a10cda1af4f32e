/*-------------------------------------------------------------------------
 *
 * kipc_compress.c
 *		kdb+ IPC compression and decompression.
 *
 * The algorithm is kdb+'s (kdb-ipc-protocol.md sections 4.3-4.5, as in
 * javakdb's c.java compress()/uncompress()): an LZ77 variant whose 256-slot
 * table of earlier positions, keyed by the XOR of two adjacent bytes, is
 * rebuilt identically by both sides and never transmitted.  The compressor
 * must stay byte-identical to kdb+'s output, so its odd details (the
 * literal's table entry is made only after the next lookup; positions inside
 * a copied run are never entered) are deliberate, not accidents.
 *
 * The decompressor treats its input as hostile: kdb+'s own message
 * validator does not look inside compressed data, so every input read and
 * every back-reference is checked here.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_compress.c
 *
 *-------------------------------------------------------------------------
 */
#include "kipc_int.h"

size_t
kipc_compress(const uint8_t *x, size_t len, uint8_t *y)
{
	uint32_t	table[256];
	int64_t		cap;
	size_t		s = KIPC_HEADER_SIZE;
	size_t		d = 12;
	size_t		cpos = 12;
	size_t		pend = 0;
	size_t		a;
	size_t		start;
	size_t		limit;
	unsigned	ctrl = 0;
	unsigned	mask = 0;
	unsigned	slot = 0;
	unsigned	pendslot = 0;
	uint32_t	cand;
	bool		literal;

	if (x == NULL || y == NULL || len <= KIPC_HEADER_SIZE || len > INT32_MAX)
		return 0;
	cap = (int64_t) (len / 2);

	/*
	 * The first group start checks d (12) > cap - 17; doing it before any
	 * write keeps us inside out's len/2 bytes for tiny messages.
	 */
	if (12 > cap - 17)
		return 0;

	memset(table, 0, sizeof(table));
	memcpy(y, x, 4);
	y[2] = 1;
	kipc_write_u32(y + 8, (uint32_t) len, x[0] == 0);

	while (s < len)
	{
		if (mask == 0)
		{
			/* a group adds at most 17 bytes: give up before passing len/2 */
			if ((int64_t) d > cap - 17)
				return 0;
			y[cpos] = (uint8_t) ctrl;
			cpos = d++;
			ctrl = 0;
			mask = 1;
		}

		if (s > len - 3)
		{
			/* too close to the end for a 2-byte match; slot keeps its value */
			literal = true;
			cand = 0;
		}
		else
		{
			slot = x[s] ^ x[s + 1];
			cand = table[slot];
			literal = cand == 0 || x[cand] != x[s];
		}

		/* the previous literal is entered only after this lookup */
		if (pend > 0)
		{
			table[pendslot] = (uint32_t) pend;
			pend = 0;
		}

		if (literal)
		{
			pendslot = slot;
			pend = s;
			y[d++] = x[s++];
		}
		else
		{
			table[slot] = (uint32_t) s;
			ctrl |= mask;
			a = (size_t) cand + 2;
			s += 2;
			start = s;
			limit = s + 255 < len ? s + 255 : len;
			/* s < len here: s was at most len - 3 before the += 2 */
			while (x[a] == x[s])
			{
				s++;
				if (s < limit)
					a++;
				else
					break;
			}
			y[d++] = (uint8_t) slot;
			y[d++] = (uint8_t) (s - start);
		}
		mask = (mask << 1) & 0xff;
	}
	y[cpos] = (uint8_t) ctrl;
	kipc_write_u32(y + 4, (uint32_t) d, x[0] == 0);
	return d;
}

KipcStatus
kipc_decompress(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
				const char **errmsg)
{
	uint32_t	table[256];
	size_t		ulen;
	size_t		o = KIPC_HEADER_SIZE;
	size_t		i = 12;
	size_t		h = KIPC_HEADER_SIZE;
	size_t		src;
	size_t		extra;
	size_t		k;
	unsigned	ctrl = 0;
	unsigned	mask = 0;
	bool		backref;
	const char *dummy;

	if (errmsg == NULL)
		errmsg = &dummy;
	*errmsg = NULL;
	if (in == NULL || out == NULL || inlen < 12)
	{
		*errmsg = "compressed message shorter than 12 bytes";
		return KIPC_ERR_PROTOCOL;
	}
	ulen = kipc_read_u32(in + 8, in[0] == 0);
	if (ulen < KIPC_HEADER_SIZE + 1)
	{
		*errmsg = "uncompressed length too small";
		return KIPC_ERR_PROTOCOL;
	}
	if (ulen > outlen)
	{
		*errmsg = "uncompressed length larger than the output buffer";
		return KIPC_ERR_PROTOCOL;
	}

	/* the uncompressed header is not transmitted: rebuild it */
	memcpy(out, in, 4);
	out[2] = 0;
	kipc_write_u32(out + 4, (uint32_t) ulen, in[0] == 0);

	memset(table, 0, sizeof(table));
	while (o < ulen)
	{
		if (mask == 0)
		{
			if (i >= inlen)
			{
				*errmsg = "compressed stream ends early (control byte)";
				return KIPC_ERR_PROTOCOL;
			}
			ctrl = in[i++];
			mask = 1;
		}
		backref = (ctrl & mask) != 0;
		extra = 0;
		if (backref)
		{
			if (inlen - i < 2)
			{
				*errmsg = "compressed stream ends early (back-reference)";
				return KIPC_ERR_PROTOCOL;
			}
			src = table[in[i++]];
			extra = in[i++];

			/*
			 * Slot 0 means "never filled" (positions start at 8).  Filled
			 * slots always hold positions below o - 1, so the source is
			 * already written; overlap with the destination is how runs are
			 * encoded and the forward byte loop below handles it.
			 */
			if (src == 0)
			{
				*errmsg = "back-reference to an empty table slot";
				return KIPC_ERR_PROTOCOL;
			}
			if (src + 1 >= o)
			{
				/* cannot happen with the table rule; kept as a safety net */
				*errmsg = "back-reference ahead of the output";
				return KIPC_ERR_PROTOCOL;
			}
			if (ulen - o < 2 + extra)
			{
				*errmsg = "back-reference runs past the uncompressed length";
				return KIPC_ERR_PROTOCOL;
			}
			out[o] = out[src];
			out[o + 1] = out[src + 1];
			o += 2;
			src += 2;
			for (k = 0; k < extra; k++)
				out[o + k] = out[src + k];
		}
		else
		{
			if (i >= inlen)
			{
				*errmsg = "compressed stream ends early (literal)";
				return KIPC_ERR_PROTOCOL;
			}
			out[o++] = in[i++];
		}

		while (h + 1 < o)
		{
			table[out[h] ^ out[h + 1]] = (uint32_t) h;
			h++;
		}
		if (backref)
		{
			/* positions inside the copied run are never entered */
			o += extra;
			h = o;
		}
		mask = (mask << 1) & 0xff;
	}
	if (i != inlen)
	{
		*errmsg = "trailing bytes after the compressed stream";
		return KIPC_ERR_PROTOCOL;
	}
	return KIPC_OK;
}
