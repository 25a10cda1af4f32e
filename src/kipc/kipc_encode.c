/*-------------------------------------------------------------------------
 *
 * kipc_encode.c
 *		Objects -> bytes.
 *
 * A size pass (kipc_encode_size) validates the whole tree and computes the
 * exact payload length, then a write pass fills a buffer of that size, so
 * the writer never checks for space and never reallocates.  Output is
 * always little-endian; values are written with whatever bits they hold
 * (null floats keep their NaN payload, so a decoded message re-encodes to
 * the same bytes).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_encode.c
 *
 *-------------------------------------------------------------------------
 */
#include "kipc_int.h"

/*
 * Nesting limit of the encoder: the same ceiling as the decoder's, so
 * anything we can decode we can re-encode, and a runaway (or cyclic) tree
 * built by a caller fails instead of overflowing the stack.
 */
#define KIPC_ENCODE_MAX_DEPTH	KIPC_HARD_MAX_DEPTH

static int64_t
size_cstring(const char *s)
{
	return (int64_t) (s ? strlen(s) : 0) + 1;
}

static int64_t
encode_size(const KipcObject *o, int depth)
{
	int64_t		total;
	int64_t		k;
	int64_t		sz;
	int			t;

	if (o == NULL || depth > KIPC_ENCODE_MAX_DEPTH)
		return -1;
	t = o->type;

	if (t < 0)
	{
		if (t == KIPC_T_ERROR || t == -KIPC_T_SYMBOL)
			return 1 + size_cstring(o->a.s);
		if (t < -19 || t == -3)
			return -1;
		return 1 + kipc_type_size(-t);
	}
	if (t == KIPC_T_SYMBOL)
	{
		if (o->n < 0 || o->n > INT32_MAX || (o->n > 0 && o->v.syms == NULL))
			return -1;
		total = 6;
		for (k = 0; k < o->n; k++)
			total += size_cstring(o->v.syms[k]);
		return total;
	}
	if (kipc_type_is_vector(t))
	{
		if (o->n < 0 || o->n > INT32_MAX || (o->n > 0 && o->v.items == NULL))
			return -1;
		return 6 + o->n * kipc_type_size(t);
	}

	switch (t)
	{
		case KIPC_T_LIST:
		case KIPC_T_PROJECTION:
		case KIPC_T_COMPOSITION:
			if (o->n < 0 || o->n > INT32_MAX || (o->n > 0 && o->v.objs == NULL))
				return -1;
			/* list: type, attr, count; projection/composition: type, count */
			total = t == KIPC_T_LIST ? 6 : 5;
			for (k = 0; k < o->n; k++)
			{
				sz = encode_size(o->v.objs[k], depth + 1);
				if (sz < 0)
					return -1;
				total += sz;
			}
			return total;
		case KIPC_T_TABLE:
			if (o->v.objs == NULL || o->v.objs[0] == NULL ||
				(o->v.objs[0]->type != KIPC_T_DICT &&
				 o->v.objs[0]->type != KIPC_T_SORTED_DICT))
				return -1;
			sz = encode_size(o->v.objs[0], depth + 1);
			return sz < 0 ? -1 : 2 + sz;
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			if (o->v.objs == NULL)
				return -1;
			total = 1;
			for (k = 0; k < 2; k++)
			{
				sz = encode_size(o->v.objs[k], depth + 1);
				if (sz < 0)
					return -1;
				total += sz;
			}
			return total;
		case KIPC_T_LAMBDA:
			if (o->v.objs == NULL || o->v.objs[0] == NULL ||
				o->v.objs[0]->type != KIPC_T_CHAR)
				return -1;
			sz = encode_size(o->v.objs[0], depth + 1);
			return sz < 0 ? -1 : 1 + size_cstring(o->a.s) + sz;
		case KIPC_T_UNARY:
		case KIPC_T_BINARY:
		case KIPC_T_TERNARY:
			return 2;
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			if (o->n != 1 || o->v.objs == NULL)
				return -1;
			sz = encode_size(o->v.objs[0], depth + 1);
			return sz < 0 ? -1 : 1 + sz;
		default:
			/* enumerations, mapped lists, dynamic-load functions */
			return -1;
	}
}

int64_t
kipc_encode_size(const KipcObject *o)
{
	return encode_size(o, 1);
}

/* ----------------------------------------------------------------
 * Write pass.  Sizes were validated by the size pass.
 * ----------------------------------------------------------------
 */
static uint8_t *
put_u32(uint8_t *p, uint32_t x)
{
	kipc_write_u32(p, x, false);
	return p + 4;
}

static uint8_t *
put_cstring(uint8_t *p, const char *s)
{
	size_t		len = s ? strlen(s) : 0;

	if (len)
		memcpy(p, s, len);
	p[len] = 0;
	return p + len + 1;
}

/* copy n items of the given size to the wire in little-endian order */
static uint8_t *
put_items(uint8_t *p, const void *items, int64_t n, int size)
{
	size_t		bytes = (size_t) n * (size_t) size;
	int64_t		k;
	const uint8_t *src = items;

	if (bytes == 0)
		return p;
	memcpy(p, items, bytes);
	if (KIPC_HOST_BIG_ENDIAN && size > 1 && size != 16)
	{
		/* reverse each item; GUIDs (16) are byte strings */
		for (k = 0; k < n; k++)
		{
			int			b;

			for (b = 0; b < size; b++)
				p[k * size + b] = src[k * size + size - 1 - b];
		}
	}
	return p + bytes;
}

static uint8_t *
encode_write(const KipcObject *o, uint8_t *p)
{
	int			t = o->type;
	int64_t		k;

	*p++ = (uint8_t) o->type;
	if (t < 0)
	{
		if (t == KIPC_T_ERROR || t == -KIPC_T_SYMBOL)
			return put_cstring(p, o->a.s);
		switch (kipc_type_size(-t))
		{
			case 1:
				*p = o->a.g;
				return p + 1;
			case 2:
				return put_items(p, &o->a.h, 1, 2);
			case 4:
				return put_items(p, &o->a.i, 1, 4);
			case 8:
				return put_items(p, &o->a.j, 1, 8);
			default:
				memcpy(p, o->a.guid, 16);
				return p + 16;
		}
	}
	if (t == KIPC_T_SYMBOL)
	{
		*p++ = o->attr;
		p = put_u32(p, (uint32_t) o->n);
		for (k = 0; k < o->n; k++)
			p = put_cstring(p, o->v.syms[k]);
		return p;
	}
	if (kipc_type_is_vector(t))
	{
		*p++ = o->attr;
		p = put_u32(p, (uint32_t) o->n);
		return put_items(p, o->v.items, o->n, kipc_type_size(t));
	}
	switch (t)
	{
		case KIPC_T_LIST:
			*p++ = o->attr;
			p = put_u32(p, (uint32_t) o->n);
			for (k = 0; k < o->n; k++)
				p = encode_write(o->v.objs[k], p);
			return p;
		case KIPC_T_PROJECTION:
		case KIPC_T_COMPOSITION:
			p = put_u32(p, (uint32_t) o->n);
			for (k = 0; k < o->n; k++)
				p = encode_write(o->v.objs[k], p);
			return p;
		case KIPC_T_TABLE:
			*p++ = o->attr;
			return encode_write(o->v.objs[0], p);
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			p = encode_write(o->v.objs[0], p);
			return encode_write(o->v.objs[1], p);
		case KIPC_T_LAMBDA:
			p = put_cstring(p, o->a.s);
			return encode_write(o->v.objs[0], p);
		case KIPC_T_UNARY:
		case KIPC_T_BINARY:
		case KIPC_T_TERNARY:
			*p++ = o->a.g;
			return p;
		default:
			/* 106..111: the one function they derive from */
			return encode_write(o->v.objs[0], p);
	}
}

int64_t
kipc_encode_payload(const KipcObject *o, uint8_t *buf)
{
	uint8_t    *end;

	if (kipc_encode_size(o) < 0)
		return -1;
	end = encode_write(o, buf);
	return (int64_t) (end - buf);
}

KipcStatus
kipc_encode_message(const KipcObject *o, int msgtype, uint8_t **out, size_t *outlen)
{
	int64_t		size;
	uint8_t    *buf;

	*out = NULL;
	*outlen = 0;
	if (msgtype < KIPC_MSG_ASYNC || msgtype > KIPC_MSG_RESPONSE)
		return KIPC_ERR_ARG;
	size = kipc_encode_size(o);
	if (size < 0 || size > (int64_t) INT32_MAX - KIPC_HEADER_SIZE)
		return KIPC_ERR_ARG;
	buf = kipc_malloc((size_t) size + KIPC_HEADER_SIZE);
	if (buf == NULL)
		return KIPC_ERR_NOMEM;
	buf[0] = 1;					/* little-endian */
	buf[1] = (uint8_t) msgtype;
	buf[2] = 0;
	buf[3] = 0;
	kipc_write_u32(buf + 4, (uint32_t) (size + KIPC_HEADER_SIZE), false);
	encode_write(o, buf + KIPC_HEADER_SIZE);
	*out = buf;
	*outlen = (size_t) size + KIPC_HEADER_SIZE;
	return KIPC_OK;
}
