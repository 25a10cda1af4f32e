/*-------------------------------------------------------------------------
 *
 * kipc_int.h
 *		Private declarations shared by the files of src/kipc.
 *
 * Nothing outside src/kipc may include this header: the FDW and the q test
 * server see only kipc.h.  Sections are grouped by the file that defines
 * them, like libpq-int.h.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef KIPC_INT_H
#define KIPC_INT_H

#include "kipc.h"

/*
 * Default limits.  2^31-1 is the largest message capability 3 can frame;
 * 64 levels is far deeper than any result the FDW asks for (a keyed table
 * is five levels) while keeping decoder recursion cheap.
 */
#define KIPC_DEFAULT_MAX_MESSAGE	((size_t) INT32_MAX)
#define KIPC_DEFAULT_MAX_DEPTH		64

/*
 * Hard ceiling on any configured depth: decoding, copying, matching and
 * encoding recurse once per level, and a PostgreSQL backend's stack (2 MB
 * max_stack_depth by default) must survive the deepest message we accept.
 */
#define KIPC_HARD_MAX_DEPTH			1000

/* printf-style checking for our error formatters */
#if defined(__GNUC__) || defined(__clang__)
#define kipc_attribute_printf(f, a) __attribute__((format(printf, f, a)))
#else
#define kipc_attribute_printf(f, a)
#endif

/* ----------------------------------------------------------------
 * in kipc_object.c
 * ----------------------------------------------------------------
 */

/* allocation through the installed allocator table */
extern void *kipc_malloc(size_t size);
extern void *kipc_realloc(void *ptr, size_t size);
extern void kipc_free(void *ptr);
extern char *kipc_strndup(const char *s, size_t len);

/*
 * Shared empty string for symbols of new heap symbol vectors: it is never
 * freed, so "no symbol set yet" costs no allocation.
 */
extern const char kipc_empty_symbol[1];

/*
 * Arena of a decoded message: objects are bump-allocated in chunks and
 * released all at once by kipc_arena_free().
 */
typedef struct KipcArena KipcArena;

extern KipcArena *kipc_arena_new(void);
extern void *kipc_arena_alloc(KipcArena *arena, size_t size);
extern void kipc_arena_free(KipcArena *arena);

/* true for the typed vector types 1..19 (type 3 does not exist) */
extern bool kipc_type_is_vector(int type);

/* byte order of the host, for the encoder and the decoder's swaps */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define KIPC_HOST_BIG_ENDIAN 1
#else
#define KIPC_HOST_BIG_ENDIAN 0
#endif

static inline uint16_t
kipc_bswap16(uint16_t x)
{
	return (uint16_t) ((x >> 8) | (x << 8));
}

static inline uint32_t
kipc_bswap32(uint32_t x)
{
	return ((x & 0xff000000u) >> 24) | ((x & 0x00ff0000u) >> 8) |
		((x & 0x0000ff00u) << 8) | ((x & 0x000000ffu) << 24);
}

static inline uint64_t
kipc_bswap64(uint64_t x)
{
	return ((uint64_t) kipc_bswap32((uint32_t) x) << 32) |
		kipc_bswap32((uint32_t) (x >> 32));
}

/* read a 32-bit integer stored in the given byte order, unaligned */
static inline uint32_t
kipc_read_u32(const uint8_t *p, bool big_endian)
{
	if (big_endian)
		return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
			((uint32_t) p[2] << 8) | (uint32_t) p[3];
	return ((uint32_t) p[3] << 24) | ((uint32_t) p[2] << 16) |
		((uint32_t) p[1] << 8) | (uint32_t) p[0];
}

/* write a 32-bit integer in the given byte order, unaligned */
static inline void
kipc_write_u32(uint8_t *p, uint32_t x, bool big_endian)
{
	if (big_endian)
	{
		p[0] = (uint8_t) (x >> 24);
		p[1] = (uint8_t) (x >> 16);
		p[2] = (uint8_t) (x >> 8);
		p[3] = (uint8_t) x;
	}
	else
	{
		p[0] = (uint8_t) x;
		p[1] = (uint8_t) (x >> 8);
		p[2] = (uint8_t) (x >> 16);
		p[3] = (uint8_t) (x >> 24);
	}
}

/* ----------------------------------------------------------------
 * in kipc_decode.c
 * ----------------------------------------------------------------
 */

/*
 * Check the 8 header bytes of a message against the limits.  Returns
 * KIPC_OK and the wire length, or KIPC_ERR_PROTOCOL with errbuf filled.
 */
extern KipcStatus kipc_header_check(const uint8_t *hdr, const KipcLimits *limits,
									size_t *wire_len, char *errbuf, size_t errlen);

/*
 * Check the uncompressed-length field of a compressed message (needs the
 * first 12 bytes) before anything is allocated for it.
 */
extern KipcStatus kipc_compressed_check(const uint8_t *wire, size_t wire_len,
										const KipcLimits *limits, size_t *ulen,
										char *errbuf, size_t errlen);

/*
 * Turn a complete wire message into a decoded KipcMsg.  Takes ownership of
 * wire (allocated with kipc_malloc) in every case: it becomes msg->buf or is
 * freed.
 */
extern KipcStatus kipc_msg_from_wire(uint8_t *wire, size_t wire_len,
									 const KipcLimits *limits, KipcMsg **msg,
									 char *errbuf, size_t errlen);

#endif							/* KIPC_INT_H */
