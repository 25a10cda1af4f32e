/*-------------------------------------------------------------------------
 *
 * kipc.h
 *		Public API of libkipc: the kdb+ IPC codec and transport.
 *
 * libkipc reads and writes kdb+ IPC exactly as kdb+ does (see
 * ../shared/reference/kdb-ipc-protocol.md, and KX's docs/basics/ipc.md and
 * docs/kb/serialization.md).  It is shared by the PostgreSQL extension
 * (the .c files in src/) and by the q test server (test/qserver), and it
 * includes no PostgreSQL header: test/unit builds it with no PostgreSQL
 * include path, so an accidental include breaks that build.
 *
 * Design rules (style-anchors.md, part B2):
 *	- nothing here blocks, longjmps, prints, exits or reads the environment;
 *	  every call returns a KipcStatus and leaves a message in the object it was
 *	  working on;
 *	- memory comes from the allocator table installed with
 *	  kipc_set_allocator() (malloc by default);
 *	- the reader is I/O-free: bytes are fed in, whole messages come out.
 *
 * Object model.  Every q value is a KipcObject.  Objects come in two kinds:
 *	- heap objects, built by the kipc_new_* constructors: reference counted
 *	  (kipc_ref / kipc_unref), items stored aligned;
 *	- message objects, decoded from a KipcMsg: they live in the message's
 *	  arena, vector items point straight into the message buffer (zero copy,
 *	  possibly UNALIGNED), and they are all released by kipc_msg_free().
 *	  kipc_ref / kipc_unref are no-ops on them; kipc_copy() turns one into a
 *	  heap object.
 * Vector items are always in host byte order (the decoder swaps big-endian
 * input in place) and must be read through the kipc_get_* accessors, which
 * are safe on unaligned memory and compile to plain loads on x86-64.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef KIPC_H
#define KIPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ----------------------------------------------------------------
 * Status codes
 * ----------------------------------------------------------------
 */
typedef enum KipcStatus
{
	KIPC_OK = 0,				/* done */
	KIPC_INCOMPLETE = 1,		/* reader: need more bytes */
	KIPC_WANT_READ = 2,			/* transport: wait until the socket is
								 * readable */
	KIPC_WANT_WRITE = 3,		/* transport: wait until the socket is
								 * writable */
	KIPC_ERR_IO = -1,			/* socket error, peer closed, connect failed */
	KIPC_ERR_PROTOCOL = -2,		/* malformed message or limit exceeded */
	KIPC_ERR_TLS = -3,			/* TLS handshake / certificate failure */
	KIPC_ERR_NOMEM = -4,		/* allocator returned NULL */
	KIPC_ERR_AUTH = -5,			/* server closed the socket during the
								 * handshake */
	KIPC_ERR_TIMEOUT = -6,		/* connect timeout (only set by callers) */
	KIPC_ERR_ARG = -7			/* invalid argument / unencodable object */
} KipcStatus;

/* ----------------------------------------------------------------
 * Type numbers: same numbers as KX's k.h, atom = -vector.
 * ----------------------------------------------------------------
 */
#define KIPC_T_LIST			0	/* general list */
#define KIPC_T_BOOLEAN		1
#define KIPC_T_GUID			2
#define KIPC_T_BYTE			4
#define KIPC_T_SHORT		5
#define KIPC_T_INT			6
#define KIPC_T_LONG			7
#define KIPC_T_REAL			8
#define KIPC_T_FLOAT		9
#define KIPC_T_CHAR			10
#define KIPC_T_SYMBOL		11
#define KIPC_T_TIMESTAMP	12
#define KIPC_T_MONTH		13
#define KIPC_T_DATE			14
#define KIPC_T_DATETIME		15
#define KIPC_T_TIMESPAN		16
#define KIPC_T_MINUTE		17
#define KIPC_T_SECOND		18
#define KIPC_T_TIME			19
#define KIPC_T_TABLE		98
#define KIPC_T_DICT			99
#define KIPC_T_LAMBDA		100
#define KIPC_T_UNARY		101 /* unary primitive; index 0 is :: (identity) */
#define KIPC_T_BINARY		102
#define KIPC_T_TERNARY		103 /* iterators (adverbs) */
#define KIPC_T_PROJECTION	104
#define KIPC_T_COMPOSITION	105
#define KIPC_T_EACH			106 /* 106..111: f'  f/  f\  f':  f/:  f\: */
#define KIPC_T_OVER			107
#define KIPC_T_SCAN			108
#define KIPC_T_EACHPRIOR	109
#define KIPC_T_EACHRIGHT	110
#define KIPC_T_EACHLEFT		111
#define KIPC_T_DYNLOAD		112 /* never transferable: decode error */
#define KIPC_T_SORTED_DICT	127
#define KIPC_T_ERROR		(-128)

/* vector attribute byte */
#define KIPC_ATTR_NONE		0
#define KIPC_ATTR_SORTED	1
#define KIPC_ATTR_UNIQUE	2
#define KIPC_ATTR_PARTED	3
#define KIPC_ATTR_GROUPED	4

/* message types (header byte 1) */
#define KIPC_MSG_ASYNC		0
#define KIPC_MSG_SYNC		1
#define KIPC_MSG_RESPONSE	2

#define KIPC_HEADER_SIZE	8
#define KIPC_CAPABILITY		3	/* what we send and accept: compression, guid */

/* ----------------------------------------------------------------
 * Null and infinity constants (docs/basics/datatypes.md, k.h).
 * Floats: test nulls with isnan(), never by bit pattern.
 * ----------------------------------------------------------------
 */
#define KIPC_NULL_SHORT		((int16_t) INT16_MIN)
#define KIPC_INF_SHORT		((int16_t) INT16_MAX)
#define KIPC_NINF_SHORT		((int16_t) (INT16_MIN + 1))
#define KIPC_NULL_INT		((int32_t) INT32_MIN)
#define KIPC_INF_INT		((int32_t) INT32_MAX)
#define KIPC_NINF_INT		((int32_t) (INT32_MIN + 1))
#define KIPC_NULL_LONG		((int64_t) INT64_MIN)
#define KIPC_INF_LONG		((int64_t) INT64_MAX)
#define KIPC_NINF_LONG		((int64_t) (INT64_MIN + 1))
/* month, date, minute, second, time share the int patterns */
/* timestamp, timespan share the long patterns */
#define KIPC_NULL_CHAR		' '
/* real/float null: NaN (we emit 0xffc00000 / 0xfff8000000000000) */
#define KIPC_NULL_REAL_BITS		UINT32_C(0xffc00000)
#define KIPC_NULL_FLOAT_BITS	UINT64_C(0xfff8000000000000)

/* 2000.01.01 epoch offsets, for callers that convert to Unix time */
#define KIPC_DAYS_1970_2000		10957
#define KIPC_NS_PER_DAY			INT64_C(86400000000000)

/* ----------------------------------------------------------------
 * Objects
 * ----------------------------------------------------------------
 */
#define KIPC_F_ARENA	0x01	/* lives in a KipcMsg arena */
#define KIPC_F_INTERNED	0x02	/* symbol atom or vector whose strings come
								 * from the symbol interner (below) */

typedef struct KipcObject KipcObject;

struct KipcObject
{
	int8_t		type;			/* KIPC_T_*, negative for atoms */
	uint8_t		attr;			/* KIPC_ATTR_* (vectors, lists, tables) */
	uint8_t		flags;			/* KIPC_F_* */
	int32_t		refcount;		/* heap objects only */
	int64_t		n;				/* vectors/lists: item count; dict/table: 2/1;
								 * projection/composition: part count */
	union
	{
		uint8_t		g;			/* boolean, byte, char atoms; primitive index
								 * (101..103) */
		int16_t		h;			/* short */
		int32_t		i;			/* int, month, date, minute, second, time */
		int64_t		j;			/* long, timestamp, timespan */
		float		e;			/* real */
		double		f;			/* float, datetime */
		uint8_t		guid[16];	/* guid, canonical byte order */
		const char *s;			/* symbol atom, error text, lambda context
								 * name: NUL-terminated */
	}			a;
	union
	{
		void	   *items;		/* vectors 1..19 except symbols: n packed
								 * items, host order, maybe unaligned */
		const char **syms;		/* symbol vector: n NUL-terminated strings */
		KipcObject **objs;		/* general list: n objects; dict: [0] keys,
								 * [1] values; table: [0] the column dict;
								 * lambda: [0] source char vector; 104..111: n
								 * parts */
	}			v;
};

/* size in bytes of one item of vector type t (1..19); 0 for symbols/others */
extern int	kipc_type_size(int type);

/* q type letter as in .Q.t / meta ("b g xhijefcspmdznuvts"), ' ' if none */
extern char kipc_type_char(int type);

/* name of a type for messages ("long", "symbol", "table", ...) */
extern const char *kipc_type_name(int type);

/* unaligned-safe item accessors (vectors only; no bounds check) */
static inline uint8_t
kipc_get_g(const KipcObject *o, int64_t k)
{
	return ((const uint8_t *) o->v.items)[k];
}
static inline int16_t
kipc_get_h(const KipcObject *o, int64_t k)
{
	int16_t		x;

	memcpy(&x, (const char *) o->v.items + k * 2, 2);
	return x;
}
static inline int32_t
kipc_get_i(const KipcObject *o, int64_t k)
{
	int32_t		x;

	memcpy(&x, (const char *) o->v.items + k * 4, 4);
	return x;
}
static inline int64_t
kipc_get_j(const KipcObject *o, int64_t k)
{
	int64_t		x;

	memcpy(&x, (const char *) o->v.items + k * 8, 8);
	return x;
}
static inline float
kipc_get_e(const KipcObject *o, int64_t k)
{
	float		x;

	memcpy(&x, (const char *) o->v.items + k * 4, 4);
	return x;
}
static inline double
kipc_get_f(const KipcObject *o, int64_t k)
{
	double		x;

	memcpy(&x, (const char *) o->v.items + k * 8, 8);
	return x;
}
static inline const uint8_t *
kipc_get_guid(const KipcObject *o, int64_t k)
{
	return (const uint8_t *) o->v.items + k * 16;
}

/* setters for heap vectors (aligned, but use these anyway) */
static inline void
kipc_set_h(KipcObject *o, int64_t k, int16_t x)
{
	memcpy((char *) o->v.items + k * 2, &x, 2);
}
static inline void
kipc_set_i(KipcObject *o, int64_t k, int32_t x)
{
	memcpy((char *) o->v.items + k * 4, &x, 4);
}
static inline void
kipc_set_j(KipcObject *o, int64_t k, int64_t x)
{
	memcpy((char *) o->v.items + k * 8, &x, 8);
}
static inline void
kipc_set_e(KipcObject *o, int64_t k, float x)
{
	memcpy((char *) o->v.items + k * 4, &x, 4);
}
static inline void
kipc_set_f(KipcObject *o, int64_t k, double x)
{
	memcpy((char *) o->v.items + k * 8, &x, 8);
}

/* table / dict helpers (NULL-safe on wrong types: return NULL / -1) */
extern int64_t kipc_table_ncols(const KipcObject *t);	/* table 98 only */
extern const char *kipc_table_colname(const KipcObject *t, int64_t c);
extern KipcObject *kipc_table_column(const KipcObject *t, int64_t c);
extern int64_t kipc_table_nrows(const KipcObject *t);
static inline KipcObject *
kipc_dict_keys(const KipcObject *d)
{
	return d->v.objs[0];
}
static inline KipcObject *
kipc_dict_values(const KipcObject *d)
{
	return d->v.objs[1];
}

/* true for a dict (99/127) whose keys and values are both tables */
extern bool kipc_is_keyed_table(const KipcObject *o);

/* is item k of vector o (or atom o when k < 0) the q null of its type? */
extern bool kipc_is_null(const KipcObject *o, int64_t k);

/* ----------------------------------------------------------------
 * Heap object constructors.  All return NULL on allocation failure.
 * Ownership: constructors that take KipcObject* arguments take over the
 * caller's reference (like k.h's knk/xD/xT).
 * ----------------------------------------------------------------
 */
extern KipcObject *kipc_new_atom(int type); /* type < 0; value zeroed */
extern KipcObject *kipc_new_bool(bool x);
extern KipcObject *kipc_new_byte(uint8_t x);
extern KipcObject *kipc_new_short(int16_t x);
extern KipcObject *kipc_new_int(int32_t x);
extern KipcObject *kipc_new_long(int64_t x);
extern KipcObject *kipc_new_real(float x);
extern KipcObject *kipc_new_float(double x);
extern KipcObject *kipc_new_char(char x);
extern KipcObject *kipc_new_symbol(const char *s);	/* copies s */
extern KipcObject *kipc_new_symbol_len(const char *s, size_t len);
extern KipcObject *kipc_new_guid(const uint8_t guid[16]);
extern KipcObject *kipc_new_temporal(int type, int64_t x);	/* -12..-19 except -15 */
extern KipcObject *kipc_new_datetime(double x);
extern KipcObject *kipc_new_string(const char *s, size_t len);	/* char vector */
extern KipcObject *kipc_new_cstring(const char *s);
extern KipcObject *kipc_new_vector(int type, int64_t n);	/* 1..19; items zeroed,
															 * symbols = "" */
extern KipcObject *kipc_new_list(int64_t n);	/* general list, objs
												 * NULL-filled */
extern KipcObject *kipc_new_dict(KipcObject *keys, KipcObject *values);
extern KipcObject *kipc_new_sorted_dict(KipcObject *keys, KipcObject *values);
extern KipcObject *kipc_new_table(KipcObject *colnames, KipcObject *columns);	/* symbols, list */
extern KipcObject *kipc_new_error(const char *text);
extern KipcObject *kipc_new_identity(void); /* :: */
extern KipcObject *kipc_new_lambda(const char *context, const char *source);
extern KipcObject *kipc_new_primitive(int type, uint8_t index); /* 101..103 */
extern KipcObject *kipc_new_compound(int type, int64_t n);	/* 104..111 */

/*
 * The q null atom of atom type `type` (< 0): 0Nh 0Ni 0N 0Ne 0n " " ` 0Ng
 * 0Np 0Nm 0Nd 0Nz 0Nn 0Nu 0Nv 0Nt, with the bit patterns current kdb+
 * emits (KIPC_NULL_REAL_BITS / KIPC_NULL_FLOAT_BITS for real, float and
 * datetime).  NULL for boolean and byte, which have no null, and for
 * non-atom types.  (Added by the codec; not in the first API draft.)
 */
extern KipcObject *kipc_new_null(int type);

/* real / float null values with kdb+'s bit patterns, for vector items */
static inline float
kipc_null_real(void)
{
	uint32_t	b = KIPC_NULL_REAL_BITS;
	float		x;

	memcpy(&x, &b, 4);
	return x;
}
static inline double
kipc_null_float(void)
{
	uint64_t	b = KIPC_NULL_FLOAT_BITS;
	double		x;

	memcpy(&x, &b, 8);
	return x;
}

/* set symbol k of a heap symbol vector (copies s); KIPC_ERR_NOMEM on failure */
extern KipcStatus kipc_set_symbol(KipcObject *symvec, int64_t k, const char *s);

/* grow/shrink a heap vector or list to n items (new items zeroed) */
extern KipcStatus kipc_resize(KipcObject *o, int64_t n);

extern KipcObject *kipc_ref(KipcObject *o); /* no-op on arena objects */
extern void kipc_unref(KipcObject *o);	/* NULL-safe */
extern KipcObject *kipc_copy(const KipcObject *o);	/* deep copy to heap */

/* q's match (~): same type and same values, deep */
extern bool kipc_equal(const KipcObject *a, const KipcObject *b);

/* ----------------------------------------------------------------
 * Allocator
 * ----------------------------------------------------------------
 */
typedef struct KipcAllocator
{
	void	   *(*malloc_fn) (size_t size);
	void	   *(*realloc_fn) (void *ptr, size_t size);
	void		(*free_fn) (void *ptr);
} KipcAllocator;

/* install an allocator for everything libkipc allocates; NULL = libc */
extern void kipc_set_allocator(const KipcAllocator *alloc);

/*
 * Symbol interning, off unless a program installs an interner.  kdb+
 * interns every symbol for the life of the process: equal symbols are one
 * pointer into its symbol table, and none is ever freed.  A program that
 * keeps symbols that way (the q test server) installs fn, which returns
 * the one lasting copy of the len bytes at s (NUL-terminated; NULL when
 * out of memory).  From then on the heap symbol atoms and vectors that
 * the constructors, kipc_set_symbol() and kipc_copy() make carry
 * KIPC_F_INTERNED and hold only fn's strings or the shared empty symbol
 * (fn is never asked for ""): two of their items are equal exactly when
 * the pointers are, and kipc_unref() / kipc_resize() free no string of
 * theirs.  Message objects (decoded) are never interned: they point into
 * the message buffer.  Without an interner (NULL, the default) every heap
 * symbol owns a private copy freed with its object, so memory stays
 * bounded by the objects alive: a long-lived process that makes symbols
 * from ever new strings must not install one.  Install it before any
 * symbol object exists and keep it: once it is removed, kipc_set_symbol()
 * on an interned vector fails with KIPC_ERR_ARG.
 */
typedef const char *(*KipcInternFn) (const char *s, size_t len);
extern void kipc_set_symbol_interner(KipcInternFn fn);

/* ----------------------------------------------------------------
 * Encoding.  Objects -> bytes, size pass then write pass.  Always emits
 * little-endian and attribute bytes as stored.
 * ----------------------------------------------------------------
 */

/* bytes needed for the payload of o (no header); -1 if o cannot be encoded */
extern int64_t kipc_encode_size(const KipcObject *o);

/* write o's payload into buf (size from kipc_encode_size); returns bytes */
extern int64_t kipc_encode_payload(const KipcObject *o, uint8_t *buf);

/*
 * Build a complete message (header + payload) in a buffer allocated with
 * the installed allocator.  msgtype is KIPC_MSG_*.  *out / *outlen receive
 * the buffer.  Messages over 2^31-1 bytes give KIPC_ERR_ARG (capability 3).
 */
extern KipcStatus kipc_encode_message(const KipcObject *o, int msgtype,
									  uint8_t **out, size_t *outlen);

/* ----------------------------------------------------------------
 * Compression (kdb-ipc-protocol.md section 4; byte-identical to kdb+)
 * ----------------------------------------------------------------
 */

/*
 * Compress the complete message msg[0..len).  On success writes the
 * compressed message (header byte 2 = 1) into out, which must hold len/2
 * bytes, and returns its length.  Returns 0 when kdb+ would give up (the
 * result would not be smaller than half), leaving out undefined.
 */
extern size_t kipc_compress(const uint8_t *msg, size_t len, uint8_t *out);

/*
 * Decompress the complete compressed message in[0..inlen) into out, which
 * must hold the uncompressed length read from in[8..11] (byte order per
 * in[0]).  Writes the full uncompressed message including a rebuilt header
 * (byte 2 = 0).  Every read and back-reference is bounds-checked.
 * Returns KIPC_OK or KIPC_ERR_PROTOCOL with *errmsg set to a static string.
 */
extern KipcStatus kipc_decompress(const uint8_t *in, size_t inlen,
								  uint8_t *out, size_t outlen,
								  const char **errmsg);

/* ----------------------------------------------------------------
 * Messages and the incremental reader
 * ----------------------------------------------------------------
 */
typedef struct KipcMsg
{
	uint8_t		msgtype;		/* KIPC_MSG_* */
	bool		big_endian;		/* byte order of the message on the wire */
	bool		was_compressed; /* arrived compressed */
	size_t		wire_len;		/* bytes read from the wire, header included */
	size_t		len;			/* uncompressed length, header included */
	uint8_t    *buf;			/* uncompressed message, len bytes; items of
								 * decoded vectors point in here */
	KipcObject *root;			/* the decoded payload */
	void	   *arena;			/* private: arena of decoded objects */
} KipcMsg;

extern void kipc_msg_free(KipcMsg *msg);	/* NULL-safe; frees everything */

typedef struct KipcLimits
{
	size_t		max_message_size;	/* uncompressed and wire length cap; 0 =
									 * 2^31-1 */
	int			max_depth;		/* nesting depth cap; 0 = 64 */
} KipcLimits;

typedef struct KipcReader KipcReader;

extern KipcReader *kipc_reader_new(const KipcLimits *limits);	/* NULL limits =
																 * defaults */
extern void kipc_reader_free(KipcReader *r);

/* copy len bytes into the reader */
extern KipcStatus kipc_reader_feed(KipcReader *r, const void *data, size_t len);

/*
 * Zero-copy feeding: get a writable region of at least *avail bytes (more
 * when the message in progress is known to need more), recv() into it, then
 * commit what was written.  Lets the transport read large messages straight
 * into their final buffer.
 */
extern KipcStatus kipc_reader_buffer(KipcReader *r, uint8_t **ptr, size_t *avail);
extern KipcStatus kipc_reader_commit(KipcReader *r, size_t len);

/*
 * Take the next complete message: KIPC_OK with *msg set (caller frees),
 * KIPC_INCOMPLETE when more bytes are needed, or KIPC_ERR_PROTOCOL /
 * KIPC_ERR_NOMEM (the reader is then unusable; kipc_reader_error() says why).
 * The header is validated (byte order 0/1, type 0..2, compression 0/1,
 * length within limits and >= 9) as soon as its 8 bytes are in, before the
 * body is buffered.  Decoding must end exactly at the end of the message.
 */
extern KipcStatus kipc_reader_next(KipcReader *r, KipcMsg **msg);
extern const char *kipc_reader_error(const KipcReader *r);
extern size_t kipc_reader_buffered(const KipcReader *r);	/* bytes held */

/* decode one complete message held in buf[0..len) (a convenience for tests) */
extern KipcStatus kipc_decode_message(const uint8_t *buf, size_t len,
									  const KipcLimits *limits, KipcMsg **msg,
									  char *errbuf, size_t errlen);

/* ----------------------------------------------------------------
 * Handshake helpers (both sides)
 * ----------------------------------------------------------------
 */

/* "user:password" + capability + NUL, allocated; *len includes the NUL */
extern KipcStatus kipc_handshake_build(const char *user, const char *password,
									   uint8_t capability, uint8_t **out, size_t *len);

/*
 * Server side: parse a credential string up to and including its NUL.
 * Splits at the first ':', takes the byte before the NUL as capability when
 * it is 0..6 (otherwise capability 0, kdb-ipc-protocol.md 1.5).  user and
 * password are allocated; free with the installed allocator's free.
 */
extern KipcStatus kipc_handshake_parse(const uint8_t *buf, size_t len,
									   char **user, char **password,
									   uint8_t *capability);

/* ----------------------------------------------------------------
 * Text rendering (for logs, EXPLAIN, tests): a q-like display of o.
 * Returns an allocated NUL-terminated string, NULL on allocation failure.
 * ----------------------------------------------------------------
 */
extern char *kipc_format(const KipcObject *o);

/* ----------------------------------------------------------------
 * Client transport: a non-blocking connection state machine
 * (kipc_conn.c).  It never waits; the caller polls the socket for the
 * readiness returned (KIPC_WANT_READ / KIPC_WANT_WRITE).
 * ----------------------------------------------------------------
 */
typedef enum KipcSslMode
{
	KIPC_SSL_DISABLE = 0,
	KIPC_SSL_REQUIRE,			/* encrypt, verify nothing */
	KIPC_SSL_VERIFY_CA,			/* verify the chain against sslrootcert */
	KIPC_SSL_VERIFY_FULL		/* ... and the host name */
} KipcSslMode;

typedef struct KipcConnParams
{
	const char *host;			/* name or address; "unix" = abstract socket
								 * \0/tmp/kx.PORT */
	int			port;
	const char *user;			/* may be NULL */
	const char *password;		/* may be NULL */
	KipcSslMode sslmode;
	const char *sslrootcert;	/* CA file (verify-ca / verify-full) */
	const char *sslcert;		/* client certificate file, or NULL */
	const char *sslkey;			/* client key file, or NULL */
	KipcLimits	limits;
} KipcConnParams;

typedef enum KipcConnState
{
	KIPC_CONN_NEW = 0,
	KIPC_CONN_CONNECTING,		/* TCP connect in progress */
	KIPC_CONN_TLS_HANDSHAKE,
	KIPC_CONN_AUTH_SENT,		/* credentials written/being written, awaiting
								 * the capability byte */
	KIPC_CONN_READY,			/* idle */
	KIPC_CONN_BUSY,				/* request sent or being sent, response not
								 * yet read */
	KIPC_CONN_BAD				/* failed: never reuse */
} KipcConnState;

typedef struct KipcConn KipcConn;

extern KipcConn *kipc_conn_new(void);
extern void kipc_conn_free(KipcConn *c);	/* closes the socket; NULL-safe */

/*
 * Start connecting (resolves the host, creates a non-blocking socket and
 * starts connect()).  Then call kipc_conn_connect_poll() whenever the socket
 * is ready as asked, until it returns KIPC_OK (READY) or an error.  Errors:
 * KIPC_ERR_IO (refused, unreachable), KIPC_ERR_TLS, KIPC_ERR_AUTH (closed
 * during the handshake: credentials refused).
 */
extern KipcStatus kipc_conn_start(KipcConn *c, const KipcConnParams *p);
extern KipcStatus kipc_conn_connect_poll(KipcConn *c);

extern int	kipc_conn_socket(const KipcConn *c);	/* -1 if none */
extern KipcConnState kipc_conn_state(const KipcConn *c);
extern const char *kipc_conn_error(const KipcConn *c);	/* last error text */
extern uint8_t kipc_conn_capability(const KipcConn *c);
extern bool kipc_conn_is_tls(const KipcConn *c);

/*
 * Queue a message (sync or async) for sending: encodes o and appends it to
 * the output buffer.  Then call kipc_conn_flush() until KIPC_OK.
 * An async message leaves the connection READY once flushed; a sync one
 * makes it BUSY until kipc_conn_read() returns the response.
 */
extern KipcStatus kipc_conn_send(KipcConn *c, int msgtype, const KipcObject *o);
extern KipcStatus kipc_conn_flush(KipcConn *c);

/*
 * Read what is available without blocking and return the next whole
 * message: KIPC_OK with *msg (any type; the caller decides what to do with
 * async messages or sync requests arriving before the response), or
 * KIPC_WANT_READ / KIPC_WANT_WRITE (TLS renegotiation), or an error (the
 * connection becomes BAD).  A KIPC_MSG_RESPONSE returns the connection to
 * READY.
 */
extern KipcStatus kipc_conn_read(KipcConn *c, KipcMsg **msg);

/* peer-closed / error probe for an idle connection, without blocking */
extern bool kipc_conn_is_alive(KipcConn *c);

/* traffic counters */
extern uint64_t kipc_conn_bytes_in(const KipcConn *c);
extern uint64_t kipc_conn_bytes_out(const KipcConn *c);

/* mark the connection BAD (e.g. interrupted mid-request) and close it */
extern void kipc_conn_close(KipcConn *c);

#endif							/* KIPC_H */
