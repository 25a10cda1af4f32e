/*-------------------------------------------------------------------------
 *
 * kipc_reader.c
 *		The I/O-free incremental message reader.
 *
 * Bytes go in through kipc_reader_feed() (copying) or through
 * kipc_reader_buffer()/kipc_reader_commit() (the caller recv()s straight
 * into our memory); whole decoded messages come out of kipc_reader_next().
 *
 * The reader assembles one message at a time.  The 8 header bytes collect
 * in hdr[]; once they are in and valid, a buffer of exactly the message's
 * wire length is allocated and the body is copied (or received) into it.
 * That buffer later becomes KipcMsg.buf, so an uncompressed message is
 * never copied after it arrives.  Bytes that arrive beyond the current
 * message (several messages in one recv) wait in the staging buffer "pend",
 * which is also where small zero-copy reads land.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_reader.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>

#include "kipc_int.h"

struct KipcReader
{
	KipcLimits	limits;
	KipcStatus	status;			/* KIPC_OK, or the error that broke it */
	char		errbuf[256];

	/* the message being assembled */
	uint8_t		hdr[KIPC_HEADER_SIZE];
	size_t		hdr_have;
	uint8_t    *cur;			/* wire buffer once the header is valid */
	size_t		cur_len;		/* its wire length */
	size_t		cur_have;
	bool		ulen_checked;	/* compressed: uncompressed length checked */
	int			lent;			/* region handed out by kipc_reader_buffer():
								 * 0 none, 1 cur, 2 pend */

	/* staging: bytes not yet moved into the message being assembled */
	uint8_t    *pend;
	size_t		pend_off;		/* first unconsumed byte */
	size_t		pend_len;		/* end of valid bytes */
	size_t		pend_cap;
};

KipcReader *
kipc_reader_new(const KipcLimits *limits)
{
	KipcReader *r = kipc_malloc(sizeof(KipcReader));

	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(KipcReader));
	if (limits)
		r->limits = *limits;
	r->status = KIPC_OK;
	return r;
}

void
kipc_reader_free(KipcReader *r)
{
	if (r == NULL)
		return;
	kipc_free(r->cur);
	kipc_free(r->pend);
	kipc_free(r);
}

const char *
kipc_reader_error(const KipcReader *r)
{
	if (r == NULL)
		return "no reader";
	return r->status == KIPC_OK ? NULL : r->errbuf;
}

size_t
kipc_reader_buffered(const KipcReader *r)
{
	if (r == NULL)
		return 0;
	return r->hdr_have + (r->cur ? r->cur_have : 0) + (r->pend_len - r->pend_off);
}

static KipcStatus
reader_fail(KipcReader *r, KipcStatus st)
{
	r->status = st;
	kipc_free(r->cur);
	r->cur = NULL;
	r->cur_len = r->cur_have = 0;
	r->hdr_have = 0;
	return st;
}

/* is a complete message waiting for kipc_reader_next()? */
static bool
message_complete(const KipcReader *r)
{
	return r->cur != NULL && r->cur_have == r->cur_len;
}

/*
 * Move up to len bytes from data into the message being assembled.
 * Returns the number of bytes taken (stops when a message is complete) or
 * sets r->status on a header/limit error.
 */
static size_t
reader_absorb(KipcReader *r, const uint8_t *data, size_t len)
{
	size_t		taken = 0;
	size_t		n;
	size_t		wire_len;

	while (taken < len && r->status == KIPC_OK && !message_complete(r))
	{
		if (r->cur == NULL)
		{
			n = KIPC_HEADER_SIZE - r->hdr_have;
			if (n > len - taken)
				n = len - taken;
			memcpy(r->hdr + r->hdr_have, data + taken, n);
			r->hdr_have += n;
			taken += n;
			if (r->hdr_have < KIPC_HEADER_SIZE)
				break;

			/* validate before committing any memory to the body */
			if (kipc_header_check(r->hdr, &r->limits, &wire_len,
								  r->errbuf, sizeof(r->errbuf)) != KIPC_OK)
			{
				reader_fail(r, KIPC_ERR_PROTOCOL);
				break;
			}
			r->cur = kipc_malloc(wire_len);
			if (r->cur == NULL)
			{
				snprintf(r->errbuf, sizeof(r->errbuf),
						 "out of memory for a message of %zu bytes", wire_len);
				reader_fail(r, KIPC_ERR_NOMEM);
				break;
			}
			memcpy(r->cur, r->hdr, KIPC_HEADER_SIZE);
			r->cur_len = wire_len;
			r->cur_have = KIPC_HEADER_SIZE;
			r->ulen_checked = r->hdr[2] == 0;
			r->hdr_have = 0;
			continue;
		}

		n = r->cur_len - r->cur_have;
		if (n > len - taken)
			n = len - taken;
		memcpy(r->cur + r->cur_have, data + taken, n);
		r->cur_have += n;
		taken += n;
	}
	return taken;
}

/*
 * After bytes landed in cur (absorb or commit): check the uncompressed
 * length of a compressed message as soon as its field is in, so a
 * decompression bomb is refused before its body is even read.
 */
static void
reader_check_progress(KipcReader *r)
{
	size_t		ulen;

	if (r->status != KIPC_OK || r->cur == NULL || r->ulen_checked ||
		r->cur_have < 12)
		return;
	if (kipc_compressed_check(r->cur, r->cur_len, &r->limits, &ulen,
							  r->errbuf, sizeof(r->errbuf)) != KIPC_OK)
	{
		reader_fail(r, KIPC_ERR_PROTOCOL);
		return;
	}
	r->ulen_checked = true;
}

/* move staged bytes into the message being assembled */
static void
reader_drain(KipcReader *r)
{
	size_t		n;

	while (r->status == KIPC_OK && r->pend_off < r->pend_len && !message_complete(r))
	{
		n = reader_absorb(r, r->pend + r->pend_off, r->pend_len - r->pend_off);
		r->pend_off += n;
		reader_check_progress(r);
	}
	if (r->pend_off == r->pend_len)
		r->pend_off = r->pend_len = 0;
}

/* make room for at least want more bytes at the end of pend */
static KipcStatus
pend_reserve(KipcReader *r, size_t want)
{
	size_t		used = r->pend_len - r->pend_off;
	size_t		cap;
	uint8_t    *p;

	if (r->pend_off > 0 && r->pend_cap - r->pend_len < want)
	{
		/* slide unconsumed bytes to the front first */
		memmove(r->pend, r->pend + r->pend_off, used);
		r->pend_off = 0;
		r->pend_len = used;
	}
	if (r->pend_cap - r->pend_len >= want)
		return KIPC_OK;
	if (want > SIZE_MAX / 2 - used)
		return KIPC_ERR_NOMEM;
	cap = r->pend_cap ? r->pend_cap : 4096;
	while (cap < used + want)
		cap *= 2;
	p = kipc_realloc(r->pend, cap);
	if (p == NULL)
		return KIPC_ERR_NOMEM;
	r->pend = p;
	r->pend_cap = cap;
	return KIPC_OK;
}

KipcStatus
kipc_reader_feed(KipcReader *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t		n;

	if (r == NULL || (data == NULL && len > 0))
		return KIPC_ERR_ARG;
	if (r->status != KIPC_OK)
		return r->status;
	r->lent = 0;

	/* earlier bytes first */
	reader_drain(r);
	if (r->status != KIPC_OK)
		return r->status;

	if (r->pend_off == r->pend_len)
	{
		n = reader_absorb(r, p, len);
		reader_check_progress(r);
		if (r->status != KIPC_OK)
			return r->status;
		p += n;
		len -= n;
	}
	if (len > 0)
	{
		/* a message is complete: keep the rest for the next one */
		if (pend_reserve(r, len) != KIPC_OK)
		{
			snprintf(r->errbuf, sizeof(r->errbuf), "out of memory buffering %zu bytes", len);
			return reader_fail(r, KIPC_ERR_NOMEM);
		}
		memcpy(r->pend + r->pend_len, p, len);
		r->pend_len += len;
	}
	return KIPC_OK;
}

KipcStatus
kipc_reader_buffer(KipcReader *r, uint8_t **ptr, size_t *avail)
{
	size_t		want;

	if (r == NULL || ptr == NULL || avail == NULL)
		return KIPC_ERR_ARG;
	*ptr = NULL;
	if (r->status != KIPC_OK)
		return r->status;
	want = *avail ? *avail : 4096;

	/*
	 * Straight into the message buffer when nothing is staged ahead of it and
	 * the message still needs at least what the caller wants to read: then
	 * the recv cannot run into the next message.
	 */
	if (r->cur != NULL && !message_complete(r) && r->pend_off == r->pend_len &&
		r->cur_len - r->cur_have >= want)
	{
		*ptr = r->cur + r->cur_have;
		*avail = r->cur_len - r->cur_have;
		r->lent = 1;
		return KIPC_OK;
	}
	if (pend_reserve(r, want) != KIPC_OK)
	{
		snprintf(r->errbuf, sizeof(r->errbuf), "out of memory buffering %zu bytes", want);
		return reader_fail(r, KIPC_ERR_NOMEM);
	}
	*ptr = r->pend + r->pend_len;
	*avail = r->pend_cap - r->pend_len;
	r->lent = 2;
	return KIPC_OK;
}

KipcStatus
kipc_reader_commit(KipcReader *r, size_t len)
{
	int			lent;

	if (r == NULL)
		return KIPC_ERR_ARG;
	if (r->status != KIPC_OK)
		return r->status;
	lent = r->lent;
	r->lent = 0;
	if (len == 0)
		return KIPC_OK;

	if (lent == 1 && r->cur != NULL && r->cur_len - r->cur_have >= len)
		r->cur_have += len;
	else if (lent == 2 && r->pend_cap - r->pend_len >= len)
		r->pend_len += len;
	else
	{
		snprintf(r->errbuf, sizeof(r->errbuf),
				 "commit of %zu bytes exceeds the buffer handed out", len);
		return reader_fail(r, KIPC_ERR_ARG);
	}
	reader_check_progress(r);
	reader_drain(r);
	return r->status;
}

KipcStatus
kipc_reader_next(KipcReader *r, KipcMsg **msg)
{
	KipcStatus	st;
	uint8_t    *wire;
	size_t		wire_len;

	if (r == NULL || msg == NULL)
		return KIPC_ERR_ARG;
	*msg = NULL;
	if (r->status != KIPC_OK)
		return r->status;
	reader_drain(r);
	if (r->status != KIPC_OK)
		return r->status;
	if (!message_complete(r))
		return KIPC_INCOMPLETE;

	wire = r->cur;
	wire_len = r->cur_len;
	r->cur = NULL;
	r->cur_len = r->cur_have = 0;
	st = kipc_msg_from_wire(wire, wire_len, &r->limits, msg, r->errbuf, sizeof(r->errbuf));
	if (st != KIPC_OK)
		return reader_fail(r, st);

	/* start on the next message so its header is checked early */
	reader_drain(r);
	return KIPC_OK;
}
