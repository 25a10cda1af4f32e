/*-------------------------------------------------------------------------
 *
 * kipc_conn_int.h
 *		Private declarations of the libkipc transport (kipc_conn.c and
 *		kipc_tls.c).  Not for use outside src/kipc.
 *
 * The transport is split like libpq's fe-secure.c / fe-secure-openssl.c:
 * kipc_conn.c owns the connection state machine, the buffers and the raw
 * socket; kipc_tls.c hides OpenSSL behind the kipc_tls_* functions below.
 * Both see the whole KipcConn.
 *
 * Memory: a KipcConn, its copied parameters and its output buffer come from
 * libc malloc, not from the kipc allocator table, because a connection
 * outlives any per-batch allocator the caller may install (style-anchors B6:
 * non-palloc resources belong to the connection cache entry).  The reader
 * and the messages it returns use the installed allocator as usual.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_conn_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef KIPC_CONN_INT_H
#define KIPC_CONN_INT_H

#include <sys/types.h>

#include "kipc.h"

struct addrinfo;
struct ssl_st;
struct ssl_ctx_st;

#define KIPC_CONN_ERRLEN	512

struct KipcConn
{
	KipcConnState state;
	int			sock;			/* -1 when closed */

	/* parameters, copied by kipc_conn_start (malloc'd strings) */
	char	   *host;
	int			port;
	char	   *user;
	char	   *password;
	KipcSslMode sslmode;
	char	   *sslrootcert;
	char	   *sslcert;
	char	   *sslkey;
	KipcLimits	limits;

	/* address iteration while connecting (libpq's addrlist/addr_cur) */
	struct addrinfo *addrlist;	/* from getaddrinfo, NULL for unix */
	struct addrinfo *addr_cur;	/* address being tried */
	char		addrtext[64];	/* numeric form of addr_cur, for messages */

	/* TLS (kipc_tls.c) */
	struct ssl_ctx_st *ssl_ctx;
	struct ssl_st *ssl;
	bool		tls_done;		/* our SSL_connect has completed (not
								 * SSL_is_init_finished: that turns false
								 * again while TLS 1.3 session tickets are
								 * processed) */
	bool		tls_fatal;		/* a fatal TLS error occurred: no SSL_shutdown */

	/* handshake */
	uint8_t		capability;		/* negotiated: min(server reply, ours) */

	/* output buffer: bytes [outpos, outlen) are still to be written */
	uint8_t    *outbuf;
	size_t		outcap;
	size_t		outpos;
	size_t		outlen;

	/* input */
	struct KipcReader *reader;

	uint64_t	bytes_in;
	uint64_t	bytes_out;

	char		errmsg[KIPC_CONN_ERRLEN];
};

/* in kipc_conn.c */
extern void kipc_conn_set_error(KipcConn *c, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/*
 * in kipc_tls.c
 *
 * Every function returns KIPC_OK, KIPC_WANT_READ / KIPC_WANT_WRITE (retry
 * the same call when the socket is ready), or an error status with the
 * reason in c->errmsg.
 */

/* create the SSL_CTX and SSL objects for c (sslmode != disable) */
extern KipcStatus kipc_tls_open(KipcConn *c);

/* drive SSL_connect; KIPC_OK once the handshake is complete */
extern KipcStatus kipc_tls_handshake(KipcConn *c);

/* read up to len plaintext bytes; *nread > 0 on KIPC_OK (EOF is an error) */
extern KipcStatus kipc_tls_read(KipcConn *c, void *buf, size_t len, size_t *nread);

/* write up to len bytes; *nwritten > 0 on KIPC_OK (partial writes allowed) */
extern KipcStatus kipc_tls_write(KipcConn *c, const void *buf, size_t len,
								 size_t *nwritten);

/* send close_notify without waiting, free the TLS objects (NULL-safe) */
extern void kipc_tls_close(KipcConn *c);

#endif							/* KIPC_CONN_INT_H */
