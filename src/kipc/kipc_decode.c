/*-------------------------------------------------------------------------
 *
 * kipc_decode.c
 *		Bytes -> objects: header checks, decompression hand-off and the
 *		bounds-checked, depth-limited object decoder.
 *
 * Decoding is zero copy: vector items and symbol strings stay in the
 * message buffer and the object structs are bump-allocated in the message's
 * arena.  Big-endian messages are byte-swapped in place so that every item
 * is in host order afterwards (GUIDs excepted: they are byte strings).
 *
 * Every count read from the wire is checked against the bytes that remain
 * before anything is allocated for it, so a lying length costs at most a
 * few bytes of work; every object takes at least two bytes on the wire,
 * which bounds the size of pointer arrays by the message size.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_decode.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>

#include "kipc_int.h"

typedef struct KipcDecoder
{
	uint8_t    *buf;			/* whole message, header included */
	size_t		pos;			/* next byte to read */
	size_t		end;			/* message length */
	bool		swap;			/* message byte order differs from the host */
	int			max_depth;
	KipcArena  *arena;
	KipcStatus	status;			/* first failure */
	char	   *errbuf;
	size_t		errlen;
} KipcDecoder;

static void decode_error(KipcDecoder *d, KipcStatus status, const char *fmt,...)
			kipc_attribute_printf(3, 4);
static void set_error(char *errbuf, size_t errlen, const char *fmt,...)
			kipc_attribute_printf(3, 4);

/*
 * set_error: printf into a caller's buffer.  snprintf with a NULL/0 buffer
 * is valid C, so callers may pass no buffer at all.
 */
static void
set_error(char *errbuf, size_t errlen, const char *fmt,...)
{
	va_list		ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

static void
decode_error(KipcDecoder *d, KipcStatus status, const char *fmt,...)
{
	va_list		ap;

	/* keep the first error: later ones are consequences of it */
	if (d->status != KIPC_OK)
		return;
	d->status = status;
	if (d->errbuf == NULL || d->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(d->errbuf, d->errlen, fmt, ap);
	va_end(ap);
}

static void *
decode_alloc(KipcDecoder *d, size_t size)
{
	void	   *p = kipc_arena_alloc(d->arena, size);

	if (p == NULL)
		decode_error(d, KIPC_ERR_NOMEM, "out of memory while decoding a message of %zu bytes",
					 d->end);
	return p;
}

static KipcObject *
decode_new(KipcDecoder *d, int type)
{
	KipcObject *o = decode_alloc(d, sizeof(KipcObject));

	if (o == NULL)
		return NULL;
	memset(o, 0, sizeof(KipcObject));
	o->type = (int8_t) type;
	o->flags = KIPC_F_ARENA;
	return o;
}

static size_t
remaining(const KipcDecoder *d)
{
	return d->end - d->pos;
}

/* make sure n more bytes are there; report what was being read if not */
static bool
need(KipcDecoder *d, size_t n, const char *what)
{
	if (remaining(d) < n)
	{
		decode_error(d, KIPC_ERR_PROTOCOL,
					 "message truncated: %s needs %zu bytes at offset %zu, %zu left",
					 what, n, d->pos, remaining(d));
		return false;
	}
	return true;
}

static uint32_t
read_u32(KipcDecoder *d)
{
	uint32_t	x;

	memcpy(&x, d->buf + d->pos, 4);
	d->pos += 4;
	return d->swap ? kipc_bswap32(x) : x;
}

/*
 * A NUL-terminated string at the cursor (symbol, error text, lambda
 * context): returns it in place and steps over the NUL.
 */
static const char *
read_cstring(KipcDecoder *d, const char *what)
{
	const uint8_t *start = d->buf + d->pos;
	const uint8_t *nul = memchr(start, 0, remaining(d));

	if (nul == NULL)
	{
		decode_error(d, KIPC_ERR_PROTOCOL,
					 "message truncated: %s at offset %zu has no terminating NUL",
					 what, d->pos);
		return NULL;
	}
	d->pos += (size_t) (nul - start) + 1;
	return (const char *) start;
}

/* read a count and check it is non-negative and that items fit */
static bool
read_count(KipcDecoder *d, size_t min_item_bytes, int type, int64_t *n)
{
	int32_t		count;

	if (!need(d, 4, "count"))
		return false;
	count = (int32_t) read_u32(d);
	if (count < 0)
	{
		decode_error(d, KIPC_ERR_PROTOCOL, "negative count %d for %s at offset %zu",
					 (int) count, kipc_type_name(type), d->pos - 4);
		return false;
	}
	if ((uint64_t) count * min_item_bytes > remaining(d))
	{
		decode_error(d, KIPC_ERR_PROTOCOL,
					 "count %d of %s at offset %zu needs at least %llu bytes, only %zu left",
					 (int) count, kipc_type_name(type), d->pos - 4,
					 (unsigned long long) ((uint64_t) count * min_item_bytes),
					 remaining(d));
		return false;
	}
	*n = count;
	return true;
}

/* swap n items of the given size in place (message byte order -> host) */
static void
swap_items(uint8_t *p, int64_t n, int size)
{
	int64_t		k;

	switch (size)
	{
		case 2:
			for (k = 0; k < n; k++, p += 2)
			{
				uint16_t	x;

				memcpy(&x, p, 2);
				x = kipc_bswap16(x);
				memcpy(p, &x, 2);
			}
			break;
		case 4:
			for (k = 0; k < n; k++, p += 4)
			{
				uint32_t	x;

				memcpy(&x, p, 4);
				x = kipc_bswap32(x);
				memcpy(p, &x, 4);
			}
			break;
		case 8:
			for (k = 0; k < n; k++, p += 8)
			{
				uint64_t	x;

				memcpy(&x, p, 8);
				x = kipc_bswap64(x);
				memcpy(p, &x, 8);
			}
			break;
		default:
			/* bytes and GUIDs have no byte order */
			break;
	}
}

static KipcObject *decode_object(KipcDecoder *d, int depth);

static KipcObject *
decode_atom(KipcDecoder *d, int type)
{
	KipcObject *o;
	int			size;
	uint8_t		raw[8];

	if (type == KIPC_T_ERROR)
	{
		const char *s = read_cstring(d, "error text");

		if (s == NULL)
			return NULL;
		o = decode_new(d, type);
		if (o)
			o->a.s = s;
		return o;
	}
	if (type == -KIPC_T_SYMBOL)
	{
		const char *s = read_cstring(d, "symbol");

		if (s == NULL)
			return NULL;
		o = decode_new(d, type);
		if (o)
			o->a.s = s;
		return o;
	}
	if (type < -19 || type == -3)
	{
		decode_error(d, KIPC_ERR_PROTOCOL,
					 "unsupported q type %d at offset %zu: not a valid atom type",
					 type, d->pos - 1);
		return NULL;
	}

	size = kipc_type_size(-type);
	if (!need(d, (size_t) size, kipc_type_name(type)))
		return NULL;
	o = decode_new(d, type);
	if (o == NULL)
		return NULL;
	if (type == -KIPC_T_GUID)
	{
		memcpy(o->a.guid, d->buf + d->pos, 16);
		d->pos += 16;
		return o;
	}
	memcpy(raw, d->buf + d->pos, (size_t) size);
	d->pos += (size_t) size;
	if (d->swap)
		swap_items(raw, 1, size);
	switch (size)
	{
		case 1:
			o->a.g = raw[0];
			break;
		case 2:
			memcpy(&o->a.h, raw, 2);
			break;
		case 4:
			/* int-like and real share the 4 bytes of the union */
			memcpy(&o->a.i, raw, 4);
			break;
		case 8:
			memcpy(&o->a.j, raw, 8);
			break;
	}
	return o;
}

static KipcObject *
decode_vector(KipcDecoder *d, int type)
{
	KipcObject *o;
	uint8_t		attr;
	int64_t		n;
	int64_t		k;

	if (!need(d, 1, "attribute"))
		return NULL;
	attr = d->buf[d->pos++];
	if (attr > KIPC_ATTR_GROUPED)
	{
		/*
		 * 0x80 would announce a 64-bit count (capability 6), which we never
		 * negotiate; anything else is not a q attribute.  Guessing would
		 * desynchronise the rest of the message.
		 */
		decode_error(d, KIPC_ERR_PROTOCOL, "invalid attribute byte 0x%02x at offset %zu",
					 attr, d->pos - 1);
		return NULL;
	}

	if (type == KIPC_T_SYMBOL)
	{
		/* each symbol takes at least its NUL */
		if (!read_count(d, 1, type, &n))
			return NULL;
		o = decode_new(d, type);
		if (o == NULL)
			return NULL;
		o->attr = attr;
		o->n = n;
		if (n > 0)
		{
			o->v.syms = decode_alloc(d, (size_t) n * sizeof(char *));
			if (o->v.syms == NULL)
				return NULL;
			for (k = 0; k < n; k++)
			{
				o->v.syms[k] = read_cstring(d, "symbol");
				if (o->v.syms[k] == NULL)
					return NULL;
			}
		}
		return o;
	}

	if (type == KIPC_T_LIST)
	{
		/* every object takes at least two bytes (type + one) */
		if (!read_count(d, 2, type, &n))
			return NULL;
		o = decode_new(d, type);
		if (o == NULL)
			return NULL;
		o->attr = attr;
		o->n = n;
		return o;				/* caller fills the items */
	}

	if (!read_count(d, (size_t) kipc_type_size(type), type, &n))
		return NULL;
	o = decode_new(d, type);
	if (o == NULL)
		return NULL;
	o->attr = attr;
	o->n = n;
	o->v.items = d->buf + d->pos;
	if (d->swap)
		swap_items(d->buf + d->pos, n, kipc_type_size(type));
	d->pos += (size_t) n * (size_t) kipc_type_size(type);
	return o;
}

/* decode n child objects into o->v.objs */
static bool
decode_children(KipcDecoder *d, KipcObject *o, int64_t n, int depth)
{
	int64_t		k;

	o->n = n;
	if (n == 0)
		return true;
	o->v.objs = decode_alloc(d, (size_t) n * sizeof(KipcObject *));
	if (o->v.objs == NULL)
		return false;
	for (k = 0; k < n; k++)
	{
		o->v.objs[k] = decode_object(d, depth + 1);
		if (o->v.objs[k] == NULL)
			return false;
	}
	return true;
}

static KipcObject *
decode_object(KipcDecoder *d, int depth)
{
	KipcObject *o;
	int			type;
	int64_t		n;

	if (depth > d->max_depth)
	{
		decode_error(d, KIPC_ERR_PROTOCOL,
					 "message nested deeper than %d levels at offset %zu",
					 d->max_depth, d->pos);
		return NULL;
	}
	if (!need(d, 1, "type byte"))
		return NULL;
	type = (int8_t) d->buf[d->pos++];

	if (type < 0)
		return decode_atom(d, type);

	if (type == KIPC_T_LIST)
	{
		o = decode_vector(d, type);
		if (o == NULL || !decode_children(d, o, o->n, depth))
			return NULL;
		return o;
	}
	if (kipc_type_is_vector(type))
		return decode_vector(d, type);

	switch (type)
	{
		case KIPC_T_TABLE:
			{
				uint8_t		attr;
				KipcObject *dict;

				if (!need(d, 1, "attribute"))
					return NULL;
				attr = d->buf[d->pos++];
				if (attr > KIPC_ATTR_GROUPED)
				{
					decode_error(d, KIPC_ERR_PROTOCOL,
								 "invalid table attribute byte 0x%02x at offset %zu",
								 attr, d->pos - 1);
					return NULL;
				}
				if (!need(d, 1, "table dictionary") ||
					(d->buf[d->pos] != KIPC_T_DICT &&
					 d->buf[d->pos] != KIPC_T_SORTED_DICT))
				{
					if (d->status == KIPC_OK)
						decode_error(d, KIPC_ERR_PROTOCOL,
									 "table at offset %zu is not followed by a dictionary (type %d)",
									 d->pos - 2, (int) (int8_t) d->buf[d->pos]);
					return NULL;
				}
				dict = decode_object(d, depth + 1);
				if (dict == NULL)
					return NULL;
				if (dict->v.objs[0]->type != KIPC_T_SYMBOL)
				{
					decode_error(d, KIPC_ERR_PROTOCOL,
								 "table column names are %s, not symbols",
								 kipc_type_name(dict->v.objs[0]->type));
					return NULL;
				}
				o = decode_new(d, type);
				if (o == NULL)
					return NULL;
				o->attr = attr;
				o->n = 1;
				o->v.objs = decode_alloc(d, sizeof(KipcObject *));
				if (o->v.objs == NULL)
					return NULL;
				o->v.objs[0] = dict;
				return o;
			}
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			o = decode_new(d, type);
			if (o == NULL || !decode_children(d, o, 2, depth))
				return NULL;
			return o;
		case KIPC_T_LAMBDA:
			{
				const char *ctx = read_cstring(d, "lambda context");

				if (ctx == NULL)
					return NULL;
				if (!need(d, 1, "lambda source") || d->buf[d->pos] != KIPC_T_CHAR)
				{
					if (d->status == KIPC_OK)
						decode_error(d, KIPC_ERR_PROTOCOL,
									 "lambda source at offset %zu is type %d, not a char vector",
									 d->pos, (int) (int8_t) d->buf[d->pos]);
					return NULL;
				}
				o = decode_new(d, type);
				if (o == NULL)
					return NULL;
				o->a.s = ctx;
				if (!decode_children(d, o, 1, depth))
					return NULL;
				return o;
			}
		case KIPC_T_UNARY:
		case KIPC_T_BINARY:
		case KIPC_T_TERNARY:
			if (!need(d, 1, "primitive index"))
				return NULL;
			o = decode_new(d, type);
			if (o == NULL)
				return NULL;
			o->a.g = d->buf[d->pos++];
			return o;
		case KIPC_T_PROJECTION:
		case KIPC_T_COMPOSITION:
			if (!read_count(d, 2, type, &n))
				return NULL;
			o = decode_new(d, type);
			if (o == NULL || !decode_children(d, o, n, depth))
				return NULL;
			return o;
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			o = decode_new(d, type);
			if (o == NULL || !decode_children(d, o, 1, depth))
				return NULL;
			return o;
		default:
			break;
	}

	decode_error(d, KIPC_ERR_PROTOCOL,
				 "unsupported q type %d (%s) at offset %zu: cannot be decoded",
				 type, kipc_type_name(type), d->pos - 1);
	return NULL;
}

/* ----------------------------------------------------------------
 * Header checks
 * ----------------------------------------------------------------
 */
static size_t
effective_max(const KipcLimits *limits)
{
	if (limits == NULL || limits->max_message_size == 0)
		return KIPC_DEFAULT_MAX_MESSAGE;
	return limits->max_message_size;
}

KipcStatus
kipc_header_check(const uint8_t *hdr, const KipcLimits *limits,
				  size_t *wire_len, char *errbuf, size_t errlen)
{
	size_t		len;
	size_t		max = effective_max(limits);

	if (hdr[0] > 1)
	{
		set_error(errbuf, errlen, "invalid message header: byte order 0x%02x (expected 0 or 1)",
				  hdr[0]);
		return KIPC_ERR_PROTOCOL;
	}
	if (hdr[1] > KIPC_MSG_RESPONSE)
	{
		set_error(errbuf, errlen, "invalid message header: message type %d (expected 0..2)",
				  hdr[1]);
		return KIPC_ERR_PROTOCOL;
	}
	if (hdr[2] > 1)
	{
		/* 2 is the >4 GB compressed framing of capability 5/6 */
		set_error(errbuf, errlen, "invalid message header: compression flag %d (expected 0 or 1)",
				  hdr[2]);
		return KIPC_ERR_PROTOCOL;
	}
	if (hdr[3] != 0)
	{
		/* bits 32..39 of the length: only sent with capability 5/6 */
		set_error(errbuf, errlen, "invalid message header: byte 3 is 0x%02x (messages over 4 GB are not supported)",
				  hdr[3]);
		return KIPC_ERR_PROTOCOL;
	}
	len = kipc_read_u32(hdr + 4, hdr[0] == 0);
	if (len < KIPC_HEADER_SIZE + 1 || (hdr[2] == 1 && len < KIPC_HEADER_SIZE + 4 + 1))
	{
		set_error(errbuf, errlen, "invalid message header: length %zu is too small", len);
		return KIPC_ERR_PROTOCOL;
	}
	if (len > max)
	{
		set_error(errbuf, errlen, "message length %zu exceeds the limit of %zu bytes", len, max);
		return KIPC_ERR_PROTOCOL;
	}
	*wire_len = len;
	return KIPC_OK;
}

KipcStatus
kipc_compressed_check(const uint8_t *wire, size_t wire_len,
					  const KipcLimits *limits, size_t *ulen,
					  char *errbuf, size_t errlen)
{
	size_t		max = effective_max(limits);
	size_t		u = kipc_read_u32(wire + 8, wire[0] == 0);

	if (u < KIPC_HEADER_SIZE + 1)
	{
		set_error(errbuf, errlen, "compressed message: uncompressed length %zu is too small", u);
		return KIPC_ERR_PROTOCOL;
	}
	if (u > max)
	{
		set_error(errbuf, errlen,
				  "compressed message: uncompressed length %zu exceeds the limit of %zu bytes",
				  u, max);
		return KIPC_ERR_PROTOCOL;
	}

	/*
	 * A group of 17 input bytes yields at most 8 * 257 output bytes, so the
	 * stream can expand at most ~121 times.  Refusing anything claiming more
	 * keeps a tiny message from making us allocate a huge buffer.
	 */
	if ((uint64_t) (u - KIPC_HEADER_SIZE) > (uint64_t) (wire_len - 12) * 121 + 257)
	{
		set_error(errbuf, errlen,
				  "compressed message: uncompressed length %zu is impossible for %zu compressed bytes",
				  u, wire_len);
		return KIPC_ERR_PROTOCOL;
	}
	*ulen = u;
	return KIPC_OK;
}

/* ----------------------------------------------------------------
 * Messages
 * ----------------------------------------------------------------
 */
void
kipc_msg_free(KipcMsg *msg)
{
	if (msg == NULL)
		return;
	kipc_arena_free((KipcArena *) msg->arena);
	kipc_free(msg->buf);
	kipc_free(msg);
}

KipcStatus
kipc_msg_from_wire(uint8_t *wire, size_t wire_len, const KipcLimits *limits,
				   KipcMsg **msgp, char *errbuf, size_t errlen)
{
	KipcMsg    *msg;
	KipcDecoder d;
	KipcStatus	st;
	size_t		hdr_len;
	size_t		ulen;
	const char *zerr = NULL;

	*msgp = NULL;
	st = kipc_header_check(wire, limits, &hdr_len, errbuf, errlen);
	if (st != KIPC_OK)
	{
		kipc_free(wire);
		return st;
	}
	if (hdr_len != wire_len)
	{
		set_error(errbuf, errlen, "message length field %zu does not match the %zu bytes given",
				  hdr_len, wire_len);
		kipc_free(wire);
		return KIPC_ERR_PROTOCOL;
	}

	msg = kipc_malloc(sizeof(KipcMsg));
	if (msg == NULL)
	{
		kipc_free(wire);
		set_error(errbuf, errlen, "out of memory");
		return KIPC_ERR_NOMEM;
	}
	memset(msg, 0, sizeof(KipcMsg));
	msg->msgtype = wire[1];
	msg->big_endian = wire[0] == 0;
	msg->was_compressed = wire[2] == 1;
	msg->wire_len = wire_len;

	if (msg->was_compressed)
	{
		st = kipc_compressed_check(wire, wire_len, limits, &ulen, errbuf, errlen);
		if (st != KIPC_OK)
		{
			kipc_free(wire);
			kipc_free(msg);
			return st;
		}
		msg->buf = kipc_malloc(ulen);
		if (msg->buf == NULL)
		{
			kipc_free(wire);
			kipc_free(msg);
			set_error(errbuf, errlen, "out of memory for a message of %zu bytes", ulen);
			return KIPC_ERR_NOMEM;
		}
		st = kipc_decompress(wire, wire_len, msg->buf, ulen, &zerr);
		kipc_free(wire);
		if (st != KIPC_OK)
		{
			set_error(errbuf, errlen, "could not decompress message: %s", zerr ? zerr : "?");
			kipc_msg_free(msg);
			return st;
		}
		msg->len = ulen;
	}
	else
	{
		msg->buf = wire;
		msg->len = wire_len;
	}

	msg->arena = kipc_arena_new();
	if (msg->arena == NULL)
	{
		kipc_msg_free(msg);
		set_error(errbuf, errlen, "out of memory");
		return KIPC_ERR_NOMEM;
	}

	memset(&d, 0, sizeof(d));
	d.buf = msg->buf;
	d.pos = KIPC_HEADER_SIZE;
	d.end = msg->len;
	d.swap = msg->big_endian != (KIPC_HOST_BIG_ENDIAN != 0);
	d.max_depth = (limits && limits->max_depth > 0) ? limits->max_depth : KIPC_DEFAULT_MAX_DEPTH;
	if (d.max_depth > KIPC_HARD_MAX_DEPTH)
		d.max_depth = KIPC_HARD_MAX_DEPTH;
	d.arena = (KipcArena *) msg->arena;
	d.status = KIPC_OK;
	d.errbuf = errbuf;
	d.errlen = errlen;

	msg->root = decode_object(&d, 1);
	if (msg->root != NULL && d.pos != d.end)
		decode_error(&d, KIPC_ERR_PROTOCOL,
					 "%zu trailing bytes after the object (object ends at offset %zu of %zu)",
					 d.end - d.pos, d.pos, d.end);
	if (d.status != KIPC_OK || msg->root == NULL)
	{
		st = d.status != KIPC_OK ? d.status : KIPC_ERR_PROTOCOL;
		kipc_msg_free(msg);
		return st;
	}
	*msgp = msg;
	return KIPC_OK;
}

KipcStatus
kipc_decode_message(const uint8_t *buf, size_t len, const KipcLimits *limits,
					KipcMsg **msg, char *errbuf, size_t errlen)
{
	uint8_t    *copy;

	*msg = NULL;
	if (buf == NULL || len < KIPC_HEADER_SIZE)
	{
		set_error(errbuf, errlen, "message truncated: %zu bytes, a header needs 8", len);
		return KIPC_ERR_PROTOCOL;
	}
	copy = kipc_malloc(len);
	if (copy == NULL)
	{
		set_error(errbuf, errlen, "out of memory");
		return KIPC_ERR_NOMEM;
	}
	memcpy(copy, buf, len);
	return kipc_msg_from_wire(copy, len, limits, msg, errbuf, errlen);
}
