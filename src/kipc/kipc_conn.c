/*-------------------------------------------------------------------------
 *
 * kipc_conn.c
 *		Client transport: a non-blocking connection to a kdb+ process.
 *
 * The connection is an explicit state machine modelled on libpq's
 * PQconnectPoll:
 *
 *	NEW -> CONNECTING -> [TLS_HANDSHAKE] -> AUTH_SENT -> READY <-> BUSY
 *	                                                 any failure -> BAD
 *
 * Nothing here waits.  Every call does what it can without blocking and
 * tells the caller which readiness to wait for (KIPC_WANT_READ or
 * KIPC_WANT_WRITE); the caller (src/connection.c in the FDW, or a test
 * client's poll loop) owns the waiting, the timeouts and the interrupts.
 * The one exception is getaddrinfo(), which may block on DNS exactly as it
 * does in libpq's connectDBStart; pass a numeric address to avoid it.
 *
 * Wire protocol (kdb-ipc-protocol.md sections 1, 2, 6):
 *	- after the TCP (and TLS) connection the client writes
 *	  "user:password" + capability byte 3 + NUL and the server answers
 *	  exactly one byte, the common capability; a server that refuses the
 *	  credentials closes the socket without a word;
 *	- then messages are 8-byte header + payload, decoded by the KipcReader;
 *	- host "unix" means the Linux abstract Unix socket "\0/tmp/kx.PORT"
 *	  that every kdb+ 3.5+ process listens on next to its TCP port.
 *
 * SIGPIPE: every plain write uses send(MSG_NOSIGNAL), and kipc_tls.c gives
 * OpenSSL a socket BIO that does the same, so a peer that went away shows
 * up as EPIPE, never as a signal.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_conn.c
 *
 *-------------------------------------------------------------------------
 */
/* POLLRDHUP is a Linux extension */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kipc.h"
#include "kipc_conn_int.h"
#include "kipc_int.h"

/* how much we ask the reader for per recv() when nothing else is known */
#define KIPC_CONN_READ_CHUNK	(256 * 1024)

/* an output buffer bigger than this is released once it has been written */
#define KIPC_CONN_OUTBUF_KEEP	(1024 * 1024)

static void free_params(KipcConn *c);
static char *copy_string(const char *s);
static KipcStatus start_next_address(KipcConn *c);
static KipcStatus start_unix(KipcConn *c);
static KipcStatus connection_established(KipcConn *c);
static KipcStatus queue_handshake(KipcConn *c);
static KipcStatus read_capability(KipcConn *c);
static KipcStatus raw_write(KipcConn *c, const void *buf, size_t len,
							size_t *nwritten);
static KipcStatus raw_read(KipcConn *c, void *buf, size_t len, size_t *nread);
static KipcStatus transport_read(KipcConn *c, void *buf, size_t len,
								 size_t *nread);
static KipcStatus transport_write(KipcConn *c, const void *buf, size_t len,
								  size_t *nwritten);
static KipcStatus fail(KipcConn *c, KipcStatus status);
static KipcStatus reserve_output(KipcConn *c, size_t more);

/*
 * kipc_conn_set_error
 *		Record the last error of c (printf-style).  Shared with kipc_tls.c.
 */
void
kipc_conn_set_error(KipcConn *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
}

/*
 * kipc_conn_new
 *		Allocate an idle connection object (state NEW).  NULL when out of
 *		memory.
 */
KipcConn *
kipc_conn_new(void)
{
	KipcConn   *c;

	c = calloc(1, sizeof(KipcConn));
	if (c == NULL)
		return NULL;
	c->state = KIPC_CONN_NEW;
	c->sock = -1;
	return c;
}

/*
 * kipc_conn_free
 *		Close the connection (if open) and release everything it owns.
 *		NULL-safe.
 */
void
kipc_conn_free(KipcConn *c)
{
	if (c == NULL)
		return;
	kipc_conn_close(c);
	if (c->reader != NULL)
		kipc_reader_free(c->reader);
	free(c->outbuf);
	free_params(c);
	free(c);
}

static void
free_params(KipcConn *c)
{
	free(c->host);
	free(c->user);
	free(c->password);
	free(c->sslrootcert);
	free(c->sslcert);
	free(c->sslkey);
	c->host = c->user = c->password = NULL;
	c->sslrootcert = c->sslcert = c->sslkey = NULL;
	if (c->addrlist != NULL)
		freeaddrinfo(c->addrlist);
	c->addrlist = NULL;
	c->addr_cur = NULL;
}

/* strdup that maps NULL to NULL */
static char *
copy_string(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/*
 * fail
 *		Enter the BAD state: close the socket, keep the message already put
 *		in c->errmsg, and return status for the caller to pass on.
 */
static KipcStatus
fail(KipcConn *c, KipcStatus status)
{
	kipc_conn_close(c);
	return status;
}

/*
 * kipc_conn_start
 *		Begin connecting c with parameters p (copied; p may be freed after
 *		the call).  Returns KIPC_WANT_WRITE (call kipc_conn_connect_poll when
 *		the socket is writable), or an error with the reason in
 *		kipc_conn_error().  A connection object is started once.
 */
KipcStatus
kipc_conn_start(KipcConn *c, const KipcConnParams *p)
{
	struct addrinfo hints;
	char		portstr[16];
	int			rc;

	if (c == NULL || p == NULL)
		return KIPC_ERR_ARG;
	if (c->state != KIPC_CONN_NEW)
	{
		kipc_conn_set_error(c, "connection object already used");
		return KIPC_ERR_ARG;
	}
	if (p->host == NULL || p->host[0] == '\0' || p->port <= 0 || p->port > 65535)
	{
		kipc_conn_set_error(c, "invalid host or port");
		c->state = KIPC_CONN_BAD;
		return KIPC_ERR_ARG;
	}
	if ((p->sslmode == KIPC_SSL_VERIFY_CA || p->sslmode == KIPC_SSL_VERIFY_FULL) &&
		(p->sslrootcert == NULL || p->sslrootcert[0] == '\0'))
	{
		kipc_conn_set_error(c, "sslmode verify-ca and verify-full need a root certificate file (sslrootcert)");
		c->state = KIPC_CONN_BAD;
		return KIPC_ERR_ARG;
	}

	c->host = copy_string(p->host);
	c->user = copy_string(p->user);
	c->password = copy_string(p->password);
	c->sslrootcert = copy_string(p->sslrootcert);
	c->sslcert = copy_string(p->sslcert);
	c->sslkey = copy_string(p->sslkey);
	c->port = p->port;
	c->sslmode = p->sslmode;
	c->limits = p->limits;
	c->reader = kipc_reader_new(&c->limits);
	if (c->host == NULL || (p->user && !c->user) || (p->password && !c->password) ||
		(p->sslrootcert && !c->sslrootcert) || (p->sslcert && !c->sslcert) ||
		(p->sslkey && !c->sslkey) || c->reader == NULL)
	{
		kipc_conn_set_error(c, "out of memory");
		c->state = KIPC_CONN_BAD;
		return KIPC_ERR_NOMEM;
	}

	c->state = KIPC_CONN_CONNECTING;
	if (strcmp(c->host, "unix") == 0)
		return start_unix(c);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%d", c->port);
	rc = getaddrinfo(c->host, portstr, &hints, &c->addrlist);
	if (rc != 0 || c->addrlist == NULL)
	{
		kipc_conn_set_error(c, "could not translate host name \"%s\" to address: %s",
							c->host, rc != 0 ? gai_strerror(rc) : "no address");
		c->addrlist = NULL;
		return fail(c, KIPC_ERR_IO);
	}
	c->addr_cur = c->addrlist;
	return start_next_address(c);
}

/*
 * start_unix
 *		Connect to kdb+'s abstract Unix socket "\0/tmp/kx.PORT" (Linux).
 *		An abstract name has no trailing NUL: addrlen counts the leading NUL
 *		and the name only.
 */
static KipcStatus
start_unix(KipcConn *c)
{
	struct sockaddr_un sun;
	socklen_t	len;
	int			n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "/tmp/kx.%d", c->port);
	len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n);
	snprintf(c->addrtext, sizeof(c->addrtext), "@/tmp/kx.%d", c->port);

	c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->sock < 0)
	{
		kipc_conn_set_error(c, "could not create Unix socket: %s", strerror(errno));
		return fail(c, KIPC_ERR_IO);
	}

	/*
	 * A Unix-socket connect completes at once or fails; EAGAIN means the
	 * server's backlog is full, and nothing is in progress then.
	 */
	if (connect(c->sock, (struct sockaddr *) &sun, len) < 0 && errno != EINPROGRESS)
	{
		kipc_conn_set_error(c, "could not connect to Unix socket \"%s\": %s",
							c->addrtext, strerror(errno));
		return fail(c, KIPC_ERR_IO);
	}
	return KIPC_WANT_WRITE;
}

/*
 * start_next_address
 *		Start a non-blocking connect() to c->addr_cur, moving on to the next
 *		address when one fails at once.  Returns KIPC_WANT_WRITE or
 *		KIPC_ERR_IO when every address has failed (message of the last).
 */
static KipcStatus
start_next_address(KipcConn *c)
{
	while (c->addr_cur != NULL)
	{
		struct addrinfo *ai = c->addr_cur;
		int			one = 1;

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addrtext, sizeof(c->addrtext),
						NULL, 0, NI_NUMERICHOST) != 0)
			strcpy(c->addrtext, "?");

		if (c->sock >= 0)
			close(c->sock);
		c->sock = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
						 ai->ai_protocol);
		if (c->sock < 0)
		{
			kipc_conn_set_error(c, "could not create socket: %s", strerror(errno));
			c->addr_cur = ai->ai_next;
			continue;
		}
		/* requests are small and latency matters: no Nagle */
		(void) setsockopt(c->sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		(void) setsockopt(c->sock, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));

		if (connect(c->sock, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS)
			return KIPC_WANT_WRITE;

		kipc_conn_set_error(c, "could not connect to server at \"%s\" (%s), port %d: %s",
							c->host, c->addrtext, c->port, strerror(errno));
		close(c->sock);
		c->sock = -1;
		c->addr_cur = ai->ai_next;
	}
	return fail(c, KIPC_ERR_IO);
}

/*
 * kipc_conn_connect_poll
 *		Advance the connection as far as possible without blocking.
 *
 * Returns KIPC_OK once READY, KIPC_WANT_READ / KIPC_WANT_WRITE to be called
 * again when the socket is ready that way, or an error (the connection is
 * then BAD): KIPC_ERR_IO (refused, unreachable, reset), KIPC_ERR_TLS,
 * KIPC_ERR_AUTH (closed during the handshake: credentials refused),
 * KIPC_ERR_NOMEM.
 */
KipcStatus
kipc_conn_connect_poll(KipcConn *c)
{
	KipcStatus	st;

	if (c == NULL)
		return KIPC_ERR_ARG;

	switch (c->state)
	{
		case KIPC_CONN_NEW:
			kipc_conn_set_error(c, "connection not started");
			return KIPC_ERR_ARG;

		case KIPC_CONN_CONNECTING:
			{
				int			err = 0;
				socklen_t	errlen = sizeof(err);
				struct sockaddr_storage peer;
				socklen_t	peerlen = sizeof(peer);

				if (getsockopt(c->sock, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
					err = errno;
				if (err == 0 &&
					getpeername(c->sock, (struct sockaddr *) &peer, &peerlen) < 0)
				{
					if (errno == ENOTCONN)
						return KIPC_WANT_WRITE; /* called before writable */
					err = errno;
				}
				if (err != 0)
				{
					if (c->addrlist == NULL)
					{
						kipc_conn_set_error(c, "could not connect to Unix socket \"%s\": %s",
											c->addrtext, strerror(err));
						return fail(c, KIPC_ERR_IO);
					}
					kipc_conn_set_error(c, "could not connect to server at \"%s\" (%s), port %d: %s",
										c->host, c->addrtext, c->port, strerror(err));
					c->addr_cur = c->addr_cur->ai_next;
					if (c->addr_cur == NULL)
						return fail(c, KIPC_ERR_IO);
					return start_next_address(c);
				}
				st = connection_established(c);
				if (st != KIPC_OK)
					return st;
			}
			/* connected: go on with TLS or the handshake */
			return kipc_conn_connect_poll(c);

		case KIPC_CONN_TLS_HANDSHAKE:
			st = kipc_tls_handshake(c);
			if (st < 0)
				return fail(c, st);
			if (st != KIPC_OK)
				return st;
			st = queue_handshake(c);
			if (st != KIPC_OK)
				return fail(c, st);
			c->state = KIPC_CONN_AUTH_SENT;
			return kipc_conn_connect_poll(c);

		case KIPC_CONN_AUTH_SENT:
			if (c->outpos < c->outlen)
			{
				st = kipc_conn_flush(c);
				if (st == KIPC_ERR_IO)
				{
					/* closed on us before we finished: same as a refusal */
					kipc_conn_set_error(c, "server closed the connection during the handshake (credentials refused?)");
					return KIPC_ERR_AUTH;
				}
				if (st != KIPC_OK)
					return st;
			}
			return read_capability(c);

		case KIPC_CONN_READY:
		case KIPC_CONN_BUSY:
			return KIPC_OK;

		case KIPC_CONN_BAD:
			if (c->errmsg[0] == '\0')
				kipc_conn_set_error(c, "connection is closed");
			return KIPC_ERR_IO;
	}
	return KIPC_ERR_ARG;
}

/*
 * connection_established
 *		The socket is connected: set up TLS (state TLS_HANDSHAKE) or queue
 *		the credentials (state AUTH_SENT).
 */
static KipcStatus
connection_established(KipcConn *c)
{
	KipcStatus	st;

	if (c->sslmode != KIPC_SSL_DISABLE)
	{
		st = kipc_tls_open(c);
		if (st != KIPC_OK)
			return fail(c, st);
		c->state = KIPC_CONN_TLS_HANDSHAKE;
		return KIPC_OK;
	}
	st = queue_handshake(c);
	if (st != KIPC_OK)
		return fail(c, st);
	c->state = KIPC_CONN_AUTH_SENT;
	return KIPC_OK;
}

/*
 * queue_handshake
 *		Put "user:password" + capability + NUL in the output buffer.  With
 *		no user and no password we send ":" like qPython does; kdb+ accepts
 *		it when it has no -u/-U file.
 */
static KipcStatus
queue_handshake(KipcConn *c)
{
	uint8_t    *hs = NULL;
	size_t		hslen = 0;
	KipcStatus	st;

	st = kipc_handshake_build(c->user ? c->user : "", c->password ? c->password : "",
							  KIPC_CAPABILITY, &hs, &hslen);
	if (st != KIPC_OK)
	{
		kipc_conn_set_error(c, st == KIPC_ERR_NOMEM ? "out of memory" :
							"invalid user name: it must not contain \":\"");
		return st;
	}
	st = reserve_output(c, hslen);
	if (st == KIPC_OK)
	{
		memcpy(c->outbuf + c->outlen, hs, hslen);
		c->outlen += hslen;
	}
	kipc_free(hs);
	return st;
}

/*
 * read_capability
 *		Read the server's one-byte answer to the credentials.  EOF here is
 *		how kdb+ refuses credentials (it sends nothing).
 */
static KipcStatus
read_capability(KipcConn *c)
{
	uint8_t		b;
	size_t		n = 0;
	KipcStatus	st;

	st = transport_read(c, &b, 1, &n);
	if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		return st;
	if (st != KIPC_OK)
	{
		/* a plain EOF or reset (not a TLS alert) means "access denied" */
		if (st == KIPC_ERR_IO)
		{
			kipc_conn_set_error(c, "server closed the connection during the handshake (credentials refused?)");
			return fail(c, KIPC_ERR_AUTH);
		}
		return fail(c, st);
	}
	c->capability = b < KIPC_CAPABILITY ? b : KIPC_CAPABILITY;
	c->state = KIPC_CONN_READY;
	c->errmsg[0] = '\0';
	return KIPC_OK;
}

/*
 * raw_read / raw_write
 *		Plain-socket I/O with the status convention of kipc_tls_read/write.
 *		EOF is KIPC_ERR_IO with a message.
 */
static KipcStatus
raw_read(KipcConn *c, void *buf, size_t len, size_t *nread)
{
	ssize_t		n;

	for (;;)
	{
		n = recv(c->sock, buf, len, 0);
		if (n > 0)
		{
			*nread = (size_t) n;
			return KIPC_OK;
		}
		if (n == 0)
		{
			kipc_conn_set_error(c, "server closed the connection unexpectedly");
			return KIPC_ERR_IO;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return KIPC_WANT_READ;
		kipc_conn_set_error(c, "could not receive data from server: %s", strerror(errno));
		return KIPC_ERR_IO;
	}
}

static KipcStatus
raw_write(KipcConn *c, const void *buf, size_t len, size_t *nwritten)
{
	ssize_t		n;

	for (;;)
	{
		n = send(c->sock, buf, len, MSG_NOSIGNAL);
		if (n >= 0)
		{
			*nwritten = (size_t) n;
			return n > 0 ? KIPC_OK : KIPC_WANT_WRITE;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return KIPC_WANT_WRITE;
		kipc_conn_set_error(c, "could not send data to server: %s", strerror(errno));
		return KIPC_ERR_IO;
	}
}

/* dispatch to TLS or the raw socket, and count the bytes */
static KipcStatus
transport_read(KipcConn *c, void *buf, size_t len, size_t *nread)
{
	KipcStatus	st;

	*nread = 0;
	if (c->ssl != NULL)
		st = kipc_tls_read(c, buf, len, nread);
	else
		st = raw_read(c, buf, len, nread);
	if (st == KIPC_OK)
		c->bytes_in += *nread;
	return st;
}

static KipcStatus
transport_write(KipcConn *c, const void *buf, size_t len, size_t *nwritten)
{
	KipcStatus	st;

	*nwritten = 0;
	if (c->ssl != NULL)
		st = kipc_tls_write(c, buf, len, nwritten);
	else
		st = raw_write(c, buf, len, nwritten);
	if (st == KIPC_OK)
		c->bytes_out += *nwritten;
	return st;
}

int
kipc_conn_socket(const KipcConn *c)
{
	return c == NULL ? -1 : c->sock;
}

KipcConnState
kipc_conn_state(const KipcConn *c)
{
	return c == NULL ? KIPC_CONN_BAD : c->state;
}

const char *
kipc_conn_error(const KipcConn *c)
{
	if (c == NULL)
		return "out of memory";
	return c->errmsg;
}

uint8_t
kipc_conn_capability(const KipcConn *c)
{
	return c == NULL ? 0 : c->capability;
}

bool
kipc_conn_is_tls(const KipcConn *c)
{
	return c != NULL && c->ssl != NULL;
}

uint64_t
kipc_conn_bytes_in(const KipcConn *c)
{
	return c == NULL ? 0 : c->bytes_in;
}

uint64_t
kipc_conn_bytes_out(const KipcConn *c)
{
	return c == NULL ? 0 : c->bytes_out;
}

/*
 * reserve_output
 *		Make room for more bytes at the end of the output buffer, first
 *		dropping what has already been written.
 */
static KipcStatus
reserve_output(KipcConn *c, size_t more)
{
	size_t		need;
	size_t		newcap;
	uint8_t    *nb;

	if (c->outpos > 0)
	{
		if (c->outpos < c->outlen)
			memmove(c->outbuf, c->outbuf + c->outpos, c->outlen - c->outpos);
		c->outlen -= c->outpos;
		c->outpos = 0;
	}
	need = c->outlen + more;
	if (need < c->outlen)
		goto nomem;
	if (need <= c->outcap)
		return KIPC_OK;
	newcap = c->outcap < 4096 ? 4096 : c->outcap;
	while (newcap < need)
	{
		if (newcap > SIZE_MAX / 2)
		{
			newcap = need;
			break;
		}
		newcap *= 2;
	}
	nb = realloc(c->outbuf, newcap);
	if (nb == NULL)
		goto nomem;
	c->outbuf = nb;
	c->outcap = newcap;
	return KIPC_OK;

nomem:
	kipc_conn_set_error(c, "out of memory");
	return KIPC_ERR_NOMEM;
}

/*
 * kipc_conn_send
 *		Encode o as a message of type msgtype and append it to the output
 *		buffer; kipc_conn_flush() writes it.
 *
 * A sync request needs a READY connection and makes it BUSY.  Async
 * messages and responses (e.g. an error answer to a sync request the server
 * sent us, kdb-ipc-protocol.md 5.4) are also allowed while BUSY.
 * Returns KIPC_OK, KIPC_ERR_ARG (wrong state or unencodable object, the
 * connection stays usable), KIPC_ERR_NOMEM.
 */
KipcStatus
kipc_conn_send(KipcConn *c, int msgtype, const KipcObject *o)
{
	int64_t		size;
	size_t		total;
	uint8_t    *h;
	KipcStatus	st;

	if (c == NULL || o == NULL || msgtype < KIPC_MSG_ASYNC || msgtype > KIPC_MSG_RESPONSE)
		return KIPC_ERR_ARG;
	if (c->state == KIPC_CONN_BAD)
	{
		/* a dead link is an I/O problem, not a bad argument */
		if (c->errmsg[0] == '\0')
			kipc_conn_set_error(c, "connection is closed");
		return KIPC_ERR_IO;
	}
	if (c->state != KIPC_CONN_READY &&
		!(c->state == KIPC_CONN_BUSY && msgtype != KIPC_MSG_SYNC))
	{
		kipc_conn_set_error(c, c->state == KIPC_CONN_BUSY ?
							"another request is in progress on this connection" :
							"connection is not ready");
		return KIPC_ERR_ARG;
	}

	size = kipc_encode_size(o);
	if (size < 0)
	{
		kipc_conn_set_error(c, "cannot serialize a %s for kdb+", kipc_type_name(o->type));
		return KIPC_ERR_ARG;
	}
	if ((uint64_t) size > (uint64_t) INT32_MAX - KIPC_HEADER_SIZE)
	{
		kipc_conn_set_error(c, "message of %lld bytes exceeds the 2 GB limit of capability %d",
							(long long) size + KIPC_HEADER_SIZE, (int) KIPC_CAPABILITY);
		return KIPC_ERR_ARG;
	}
	total = (size_t) size + KIPC_HEADER_SIZE;
	st = reserve_output(c, total);
	if (st != KIPC_OK)
		return st;

	/*
	 * Encode straight into the output buffer: header (little-endian, not
	 * compressed; loopback and LAN clients of kdb+ do not compress requests)
	 * then the payload.
	 */
	h = c->outbuf + c->outlen;
	h[0] = 1;
	h[1] = (uint8_t) msgtype;
	h[2] = 0;
	h[3] = 0;
	h[4] = (uint8_t) (total & 0xff);
	h[5] = (uint8_t) ((total >> 8) & 0xff);
	h[6] = (uint8_t) ((total >> 16) & 0xff);
	h[7] = (uint8_t) ((total >> 24) & 0xff);
	if (kipc_encode_payload(o, h + KIPC_HEADER_SIZE) != size)
	{
		kipc_conn_set_error(c, "internal error: encoded size mismatch");
		return KIPC_ERR_ARG;
	}
	c->outlen += total;
	if (msgtype == KIPC_MSG_SYNC)
		c->state = KIPC_CONN_BUSY;
	return KIPC_OK;
}

/*
 * kipc_conn_flush
 *		Write as much of the output buffer as the socket takes.  KIPC_OK when
 *		all is written, KIPC_WANT_WRITE (or KIPC_WANT_READ under TLS) to be
 *		called again, or KIPC_ERR_IO (connection BAD).
 */
KipcStatus
kipc_conn_flush(KipcConn *c)
{
	KipcStatus	st;
	size_t		n;

	if (c == NULL)
		return KIPC_ERR_ARG;
	if (c->sock < 0)
	{
		if (c->errmsg[0] == '\0')
			kipc_conn_set_error(c, "connection is closed");
		return KIPC_ERR_IO;
	}
	while (c->outpos < c->outlen)
	{
		st = transport_write(c, c->outbuf + c->outpos, c->outlen - c->outpos, &n);
		if (st != KIPC_OK)
			return st < 0 ? fail(c, st) : st;
		c->outpos += n;
	}
	c->outpos = c->outlen = 0;
	if (c->outcap > KIPC_CONN_OUTBUF_KEEP)
	{
		free(c->outbuf);
		c->outbuf = NULL;
		c->outcap = 0;
	}
	return KIPC_OK;
}

/*
 * kipc_conn_read
 *		Return the next whole message, reading what the socket has without
 *		blocking.
 *
 * Returns KIPC_OK with *msg (caller frees with kipc_msg_free), KIPC_WANT_READ
 * (nothing complete and the socket is drained: wait for readability), or
 * KIPC_WANT_WRITE (TLS needs to write), or an error: KIPC_ERR_IO (peer
 * closed, reset), KIPC_ERR_PROTOCOL (malformed message), KIPC_ERR_TLS,
 * KIPC_ERR_NOMEM; the connection is then BAD.
 *
 * Several messages may arrive in one read; they stay in the reader and are
 * returned by the following calls without any system call, so a caller
 * must call this until it says KIPC_WANT_READ before waiting on the socket.
 */
KipcStatus
kipc_conn_read(KipcConn *c, KipcMsg **msg)
{
	KipcStatus	st;

	if (c == NULL || msg == NULL)
		return KIPC_ERR_ARG;
	*msg = NULL;
	if (c->state != KIPC_CONN_READY && c->state != KIPC_CONN_BUSY)
	{
		if (c->errmsg[0] == '\0' || c->state != KIPC_CONN_BAD)
			kipc_conn_set_error(c, "connection is not ready");
		return c->state == KIPC_CONN_BAD ? KIPC_ERR_IO : KIPC_ERR_ARG;
	}

	for (;;)
	{
		uint8_t    *ptr;
		size_t		avail = KIPC_CONN_READ_CHUNK;
		size_t		n;

		st = kipc_reader_next(c->reader, msg);
		if (st == KIPC_OK)
		{
			if ((*msg)->msgtype == KIPC_MSG_RESPONSE && c->state == KIPC_CONN_BUSY)
				c->state = KIPC_CONN_READY;
			return KIPC_OK;
		}
		if (st != KIPC_INCOMPLETE)
		{
			const char *why = kipc_reader_error(c->reader);

			kipc_conn_set_error(c, "invalid message from server: %s",
								why && why[0] ? why : "out of memory");
			return fail(c, st == KIPC_ERR_NOMEM ? KIPC_ERR_NOMEM : KIPC_ERR_PROTOCOL);
		}

		/* receive straight into the reader's buffer (zero copy) */
		st = kipc_reader_buffer(c->reader, &ptr, &avail);
		if (st != KIPC_OK)
		{
			kipc_conn_set_error(c, "out of memory receiving a message");
			return fail(c, KIPC_ERR_NOMEM);
		}
		st = transport_read(c, ptr, avail, &n);
		if (st != KIPC_OK)
			return st < 0 ? fail(c, st) : st;
		st = kipc_reader_commit(c->reader, n);
		if (st != KIPC_OK)
		{
			const char *why = kipc_reader_error(c->reader);

			kipc_conn_set_error(c, "invalid message from server: %s",
								why && why[0] ? why : "out of memory");
			return fail(c, st == KIPC_ERR_NOMEM ? KIPC_ERR_NOMEM : KIPC_ERR_PROTOCOL);
		}
	}
}

/*
 * kipc_conn_is_alive
 *		Cheap check, without blocking, that an idle connection has not been
 *		closed by the server (e.g. q was restarted between two queries).
 *
 * Looks at the raw socket even under TLS: a peer that closed shows POLLHUP /
 * POLLRDHUP or reads EOF on MSG_PEEK; pending data on an idle connection
 * (an async message from the server) does not make it dead.  A dead
 * connection is closed and marked BAD.
 */
bool
kipc_conn_is_alive(KipcConn *c)
{
	struct pollfd pfd;
	int			rc;

	if (c == NULL || c->sock < 0 || c->state == KIPC_CONN_BAD)
		return false;
	if (c->state != KIPC_CONN_READY && c->state != KIPC_CONN_BUSY)
		return true;			/* still connecting: nothing to probe */

	pfd.fd = c->sock;
	pfd.events = POLLIN | POLLRDHUP;
	pfd.revents = 0;
	do
		rc = poll(&pfd, 1, 0);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return true;			/* cannot tell: let the next request find out */
	if (rc == 0)
		return true;
	if (pfd.revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL))
	{
		kipc_conn_set_error(c, "server closed the connection");
		kipc_conn_close(c);
		return false;
	}
	if (pfd.revents & POLLIN)
	{
		char		b;
		ssize_t		n;

		n = recv(c->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		{
			kipc_conn_set_error(c, "server closed the connection");
			kipc_conn_close(c);
			return false;
		}
	}
	return true;
}

/*
 * kipc_conn_close
 *		Mark the connection BAD and close the socket.  A request in flight is
 *		lost; the object can only be freed afterwards.  The error message is
 *		kept.
 */
void
kipc_conn_close(KipcConn *c)
{
	if (c == NULL)
		return;
	kipc_tls_close(c);
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	c->state = KIPC_CONN_BAD;
	c->outpos = c->outlen = 0;
}
