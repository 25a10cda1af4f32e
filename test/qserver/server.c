/*-------------------------------------------------------------------------
 *
 * server.c
 *		Network layer of the q test server: main(), listeners, the
 *		per-connection state machine, TLS, compression and fault hooks.
 *
 * On the wire the server behaves like a kdb+ process started with
 *		q [script.q ...] -p PORT [-U FILE] [-T SECONDS] [-E 0|1|2]
 * (kdb-ipc-protocol.md sections 1, 2, 4.1, 5, 6):
 *	- it listens on 127.0.0.1:PORT and on the Linux abstract Unix socket
 *	  "\0/tmp/kx.PORT", as kdb+ 3.5+ does;
 *	- a client sends "user:password" + capability + NUL; the server checks
 *	  the -U file, then .z.pw, and either closes the socket without a word
 *	  (refused) or answers one byte, min(capability, 3);
 *	- then every message is handled in arrival order, one at a time for the
 *	  whole process, like q: a sync request (type 1) gets exactly one
 *	  response (type 2) with the result or a q error; an async one (type 0)
 *	  is evaluated and never answered; a malformed message closes only that
 *	  connection ('badmsg);
 *	- responses are compressed with kdb+'s rule (-C auto), always, or never;
 *	- -E 1 / -E 2: TLS (OpenSSL) on the same ports, chosen by the first
 *	  byte (0x16 = ClientHello); -E 0 closes a TLS client ("TLS not
 *	  enabled"), -E 2 a plain one; -verify-client requires a client
 *	  certificate signed by -cafile.
 *
 * The loop is single threaded (poll()).  Responses are encoded straight
 * into one buffer and written with large non-blocking writes; a client that
 * does not read only holds up itself: while it has output pending, its
 * further requests wait, other clients are served.  With QSERVER_TRACE set
 * in the environment, responses over 1 MB log their eval / encode / send
 * times on stderr.
 *
 * Unix-socket peers get .z.a "0.0.0.0", as in kdb+.
 *
 * Fault hooks (QServerHooks, called by .qserver.* in the interpreter):
 *	close	  drop the caller's connection, no reply;
 *	garbage   reply with a well-formed header announcing a 22-byte response
 *			  whose payload claims a 1000000-item long vector but holds one
 *			  item: the client's decoder must reject it (vector past the end
 *			  of the message).  The connection is left open, so a client that
 *			  does not check would hang, not crash;
 *	asyncfirst[x]  queue x as an async message before the response;
 *	exit	  reply, flush (at most 2 s), exit(0);
 *	restart[ms]  no reply; close every connection and both listeners,
 *			  sleep ms (blocking), listen again on the same port.
 *
 * Handle application on the caller's handle, as kdb+ does inside a
 * request: neg[.z.w] x sends x to the caller as an async message; .z.w x
 * sends it as a sync request and blocks on that client's socket until its
 * response (see hook_send_to_caller).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/server.c
 *
 *-------------------------------------------------------------------------
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "kipc.h"
#include "qeval.h"

/* longest credential string we accept before giving up on a client */
#define HANDSHAKE_MAX		65536
/* bytes asked of the reader per recv when it knows nothing better */
#define READ_CHUNK			(256 * 1024)
/* requests served per client before letting the others in */
#define FAIR_BATCH			8
/* kdb+ compresses only messages longer than this (kdb-ipc-protocol.md 4.1) */
#define COMPRESS_MIN		2000

typedef enum CompressMode
{
	COMPRESS_AUTO,
	COMPRESS_ALWAYS,
	COMPRESS_NEVER
} CompressMode;

typedef enum ClientState
{
	CS_PEEK,					/* waiting for the first byte: TLS or plain? */
	CS_TLS_ACCEPT,				/* SSL_accept in progress */
	CS_HANDSHAKE,				/* reading credentials up to NUL */
	CS_READY,					/* exchanging messages */
	CS_LINGER					/* TLS refused: alert sent, draining input
								 * until the peer closes (see linger_client) */
} ClientState;

typedef struct OutChunk
{
	uint8_t    *buf;			/* malloc'd (libkipc's default allocator) */
	size_t		len;
	size_t		pos;			/* bytes already written */
	struct OutChunk *next;
} OutChunk;

typedef struct Client
{
	int			fd;
	bool		is_unix;
	bool		loopback;		/* peer on 127/8, ::1 or the Unix socket */
	char		addr[64];		/* peer address for .z.a and logs */
	ClientState state;
	SSL		   *ssl;
	bool		ssl_want_write; /* last TLS call wants writability */
	uint8_t    *hs;				/* credential bytes read so far */
	size_t		hslen;
	char	   *user;
	uint8_t		capability;
	KipcReader *reader;
	OutChunk   *out_head;
	OutChunk   *out_tail;
	bool		dead;			/* to be freed by the main loop */
	bool		runnable;		/* stopped for fairness with input buffered */
	int64_t		linger_until;	/* CS_LINGER: give up at this time (ms) */
	KipcMsg   **deferred;		/* requests that came while the server waited
								 * on this client's response (.z.w x): handled
								 * next, in arrival order */
	int			ndeferred;
	QStats	   *stats;			/* .qserver.stats[] of this connection */
	struct Client *next;
} Client;

typedef struct UserEntry
{
	char	   *user;
	char	   *secret;			/* plain text, or md5/sha1 hex of it */
} UserEntry;

/* configuration */
static int	opt_port = -1;
static const char *opt_userfile = NULL;
static int	opt_timeout = 0;
static int	opt_tls = 0;
static const char *opt_cert = NULL;
static const char *opt_key = NULL;
static const char *opt_cafile = NULL;
static bool opt_verify_client = false;
static CompressMode opt_compress = COMPRESS_AUTO;

static UserEntry *users = NULL;
static int	nusers = 0;

/* state */
static QInterp *interp = NULL;
static SSL_CTX *ssl_ctx = NULL;
static int	listen_tcp = -1;
static int	listen_unix = -1;
static Client *clients = NULL;
static volatile sig_atomic_t stop_requested = 0;
static volatile sig_atomic_t in_eval = 0;

/* the request being evaluated, for the hooks */
static Client *current = NULL;
static bool hook_close = false;
static bool hook_garbage = false;
static bool hook_exit = false;

/* QSERVER_TRACE=1: log eval / encode / send times of big requests */
static bool trace = false;
static int64_t trace_t0, trace_t1, trace_t2;
static size_t trace_len;
static bool hook_restart = false;
static int64_t hook_restart_ms = 0;
/* -T deadline of the request being evaluated (0 = none) */
static int64_t request_deadline = 0;

/* how long .z.w x waits for the caller's response without -T */
#define CALLBACK_WAIT_MS	30000

static void usage(void) __attribute__((noreturn));
static void fatal(const char *fmt,...) __attribute__((format(printf, 1, 2), noreturn));
static void logmsg(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* ----------------------------------------------------------------
 * Small utilities
 * ----------------------------------------------------------------
 */
static void
fatal(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "qserver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* one line on stderr; the server is quiet otherwise */
static void
logmsg(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "qserver: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(void)
{
	fprintf(stderr,
			"usage: qserver -p PORT [-U FILE] [-T SECONDS] [-C auto|always|never]\n"
			"               [-E 0|1|2 -cert FILE -key FILE [-cafile FILE [-verify-client]]]\n"
			"               [script.q ...]\n");
	exit(2);
}

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n);

	if (p == NULL)
		fatal("out of memory");
	return p;
}

static void
on_signal(int signo)
{
	/*
	 * While q code runs there is no loop to return to: leave at once (a
	 * long evaluation must not keep the test harness waiting).
	 */
	if (in_eval)
		_exit(0);
	stop_requested = 1;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_requested)
		;
}

/* ----------------------------------------------------------------
 * Authentication (-U file, then .z.pw)
 * ----------------------------------------------------------------
 */

/*
 * load_users
 *		Read the -U file: one "user:password" per line, the password in
 *		plain text or as the md5 / sha1 hex digest of it (kdb+ accepts all
 *		three).  Blank lines and lines starting with '/' are ignored.
 */
static void
load_users(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char		line[1024];

	if (f == NULL)
		fatal("cannot open user file \"%s\": %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
	{
		char	   *colon;
		size_t		n = strlen(line);

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '/')
			continue;
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		users = realloc(users, sizeof(UserEntry) * (nusers + 1));
		if (users == NULL)
			fatal("out of memory");
		users[nusers].user = strdup(line);
		users[nusers].secret = strdup(colon + 1);
		nusers++;
	}
	fclose(f);
}

/* hex digest of s with md (lower case) into out (>= 2*64+1 bytes) */
static void
hex_digest(const EVP_MD *md, const char *s, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	unsigned int i;

	out[0] = '\0';
	if (EVP_Digest(s, strlen(s), d, &dlen, md, NULL) != 1)
		return;
	for (i = 0; i < dlen; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static bool
secret_matches(const char *secret, const char *password)
{
	char		hex[2 * EVP_MAX_MD_SIZE + 1];

	if (strcmp(secret, password) == 0)
		return true;
	if (strlen(secret) == 32)
	{
		hex_digest(EVP_md5(), password, hex);
		if (strcasecmp(secret, hex) == 0)
			return true;
	}
	if (strlen(secret) == 40)
	{
		hex_digest(EVP_sha1(), password, hex);
		if (strcasecmp(secret, hex) == 0)
			return true;
	}
	return false;
}

static bool
check_credentials(const char *user, const char *password)
{
	if (opt_userfile != NULL)
	{
		int			i;
		bool		ok = false;

		for (i = 0; i < nusers && !ok; i++)
			if (strcmp(users[i].user, user) == 0 &&
				secret_matches(users[i].secret, password))
				ok = true;
		if (!ok)
			return false;
	}
	{
		bool		ok;

		in_eval = 1;			/* .z.pw is q code: SIGTERM exits at once */
		ok = q_check_password(interp, user, password);
		in_eval = 0;
		return ok;
	}
}

/* ----------------------------------------------------------------
 * Listeners
 * ----------------------------------------------------------------
 */

static void
set_nonblock(int fd)
{
	int			fl = fcntl(fd, F_GETFL);

	(void) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* bind 127.0.0.1:port (port 0 = any free one); returns the fd, -1 + errno */
static int
open_tcp_listener(int port, int *bound_port)
{
	struct sockaddr_in sin;
	socklen_t	len = sizeof(sin);
	int			fd;
	int			one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t) port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &sin, sizeof(sin)) < 0 ||
		listen(fd, 128) < 0 ||
		getsockname(fd, (struct sockaddr *) &sin, &len) < 0)
	{
		int			save = errno;

		close(fd);
		errno = save;
		return -1;
	}
	set_nonblock(fd);
	*bound_port = ntohs(sin.sin_port);
	return fd;
}

/* bind the abstract Unix socket "\0/tmp/kx.PORT"; -1 + errno on failure */
static int
open_unix_listener(int port)
{
	struct sockaddr_un sun;
	socklen_t	len;
	int			fd;
	int			n;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "/tmp/kx.%d", port);
	len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n);
	if (bind(fd, (struct sockaddr *) &sun, len) < 0 || listen(fd, 128) < 0)
	{
		int			save = errno;

		close(fd);
		errno = save;
		return -1;
	}
	set_nonblock(fd);
	return fd;
}

/*
 * open_listeners
 *		Listen on TCP and the Unix socket for opt_port.  With -p 0 a free
 *		TCP port is picked; if its Unix name is taken by someone else, try
 *		another port rather than listen on TCP only.
 */
static void
open_listeners(void)
{
	int			attempt;

	for (attempt = 0; attempt < 50; attempt++)
	{
		int			port = 0;

		listen_tcp = open_tcp_listener(opt_port, &port);
		if (listen_tcp < 0)
			fatal("cannot listen on 127.0.0.1:%d: %s", opt_port, strerror(errno));
		listen_unix = open_unix_listener(port);
		if (listen_unix >= 0)
		{
			opt_port = port;
			return;
		}
		if (opt_port != 0)
			fatal("cannot listen on Unix socket @/tmp/kx.%d: %s", port, strerror(errno));
		close(listen_tcp);
		listen_tcp = -1;
	}
	fatal("cannot find a free port with a free Unix socket name");
}

static void
close_listeners(void)
{
	if (listen_tcp >= 0)
		close(listen_tcp);
	if (listen_unix >= 0)
		close(listen_unix);
	listen_tcp = listen_unix = -1;
}

/* ----------------------------------------------------------------
 * TLS (server side)
 * ----------------------------------------------------------------
 */
static const char *
ssl_errtext(void)
{
	unsigned long e = ERR_get_error();
	const char *r;

	if (e == 0)
		return "unknown TLS error";
	r = ERR_reason_error_string(e);
	return r ? r : "unknown TLS error";
}

static void
setup_tls(void)
{
	if (opt_cert == NULL || opt_key == NULL)
		fatal("-E %d needs -cert FILE and -key FILE", opt_tls);
	ssl_ctx = SSL_CTX_new(TLS_server_method());
	if (ssl_ctx == NULL)
		fatal("cannot create TLS context: %s", ssl_errtext());
	SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ssl_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_use_certificate_chain_file(ssl_ctx, opt_cert) != 1)
		fatal("cannot load certificate \"%s\": %s", opt_cert, ssl_errtext());
	if (SSL_CTX_use_PrivateKey_file(ssl_ctx, opt_key, SSL_FILETYPE_PEM) != 1)
		fatal("cannot load key \"%s\": %s", opt_key, ssl_errtext());
	if (SSL_CTX_check_private_key(ssl_ctx) != 1)
		fatal("key \"%s\" does not match certificate: %s", opt_key, ssl_errtext());
	if (opt_cafile != NULL)
	{
		STACK_OF(X509_NAME) *names;

		if (SSL_CTX_load_verify_locations(ssl_ctx, opt_cafile, NULL) != 1)
			fatal("cannot load CA file \"%s\": %s", opt_cafile, ssl_errtext());
		names = SSL_load_client_CA_file(opt_cafile);
		if (names != NULL)
			SSL_CTX_set_client_CA_list(ssl_ctx, names);
	}
	if (opt_verify_client)
	{
		if (opt_cafile == NULL)
			fatal("-verify-client needs -cafile FILE");
		SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	else
		SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_NONE, NULL);
}

/* ----------------------------------------------------------------
 * Clients: I/O
 * ----------------------------------------------------------------
 */

typedef enum IoResult
{
	IO_OK,						/* n > 0 bytes moved */
	IO_WAIT,					/* would block */
	IO_EOF,						/* peer closed */
	IO_ERROR					/* logged already */
} IoResult;

static IoResult
client_tls_result(Client *cl, int ret, const char *what)
{
	int			err = SSL_get_error(cl->ssl, ret);

	cl->ssl_want_write = false;
	switch (err)
	{
		case SSL_ERROR_WANT_READ:
			return IO_WAIT;
		case SSL_ERROR_WANT_WRITE:
			cl->ssl_want_write = true;
			return IO_WAIT;
		case SSL_ERROR_ZERO_RETURN:
			return IO_EOF;
		case SSL_ERROR_SYSCALL:
			if (ERR_peek_error() == 0 && (ret == 0 || errno == 0 || errno == ECONNRESET))
				return IO_EOF;
			logmsg("%s: TLS %s failed: %s", cl->addr, what,
				   ERR_peek_error() ? ssl_errtext() : strerror(errno));
			return IO_ERROR;
		default:
			logmsg("%s: TLS %s failed: %s", cl->addr, what, ssl_errtext());
			return IO_ERROR;
	}
}

static IoResult
client_read(Client *cl, void *buf, size_t len, size_t *n)
{
	*n = 0;
	if (cl->ssl != NULL)
	{
		int			ret;

		ERR_clear_error();
		errno = 0;
		ret = SSL_read(cl->ssl, buf, len > INT32_MAX ? INT32_MAX : (int) len);
		if (ret > 0)
		{
			*n = (size_t) ret;
			return IO_OK;
		}
		return client_tls_result(cl, ret, "read");
	}
	for (;;)
	{
		ssize_t		r = recv(cl->fd, buf, len, 0);

		if (r > 0)
		{
			*n = (size_t) r;
			return IO_OK;
		}
		if (r == 0)
			return IO_EOF;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return IO_WAIT;
		if (errno == ECONNRESET)
			return IO_EOF;
		logmsg("%s: recv: %s", cl->addr, strerror(errno));
		return IO_ERROR;
	}
}

static IoResult
client_write(Client *cl, const void *buf, size_t len, size_t *n)
{
	*n = 0;
	if (cl->ssl != NULL)
	{
		int			ret;

		ERR_clear_error();
		errno = 0;
		ret = SSL_write(cl->ssl, buf, len > INT32_MAX ? INT32_MAX : (int) len);
		if (ret > 0)
		{
			*n = (size_t) ret;
			return IO_OK;
		}
		return client_tls_result(cl, ret, "write");
	}
	for (;;)
	{
		ssize_t		r = send(cl->fd, buf, len, MSG_NOSIGNAL);

		if (r >= 0)
		{
			*n = (size_t) r;
			return r > 0 ? IO_OK : IO_WAIT;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return IO_WAIT;
		if (errno == EPIPE || errno == ECONNRESET)
			return IO_EOF;
		logmsg("%s: send: %s", cl->addr, strerror(errno));
		return IO_ERROR;
	}
}

/* queue buf (malloc'd, taken over) for writing to cl */
static void
queue_output(Client *cl, uint8_t *buf, size_t len)
{
	OutChunk   *ch = xmalloc(sizeof(OutChunk));

	ch->buf = buf;
	ch->len = len;
	ch->pos = 0;
	ch->next = NULL;
	if (cl->out_tail)
		cl->out_tail->next = ch;
	else
		cl->out_head = ch;
	cl->out_tail = ch;
}

/* write queued output; IO_OK when all written, IO_WAIT, IO_EOF/IO_ERROR */
static IoResult
flush_output(Client *cl)
{
	while (cl->out_head != NULL)
	{
		OutChunk   *ch = cl->out_head;

		while (ch->pos < ch->len)
		{
			size_t		n;
			IoResult	r = client_write(cl, ch->buf + ch->pos, ch->len - ch->pos, &n);

			if (r != IO_OK)
				return r;
			ch->pos += n;
		}
		if (trace && ch->len == trace_len && ch->len > 1000000)
			logmsg("trace: %zu bytes: eval %lld ms, encode %lld ms, send %lld ms",
				   ch->len, (long long) (trace_t1 - trace_t0),
				   (long long) (trace_t2 - trace_t1), (long long) (q_now_ms() - trace_t2));
		cl->out_head = ch->next;
		if (cl->out_head == NULL)
			cl->out_tail = NULL;
		free(ch->buf);
		free(ch);
	}
	return IO_OK;
}

static void
free_client(Client *cl)
{
	OutChunk   *ch = cl->out_head;

	while (ch != NULL)
	{
		OutChunk   *next = ch->next;

		free(ch->buf);
		free(ch);
		ch = next;
	}
	if (cl->ssl != NULL)
	{
		ERR_clear_error();
		SSL_free(cl->ssl);
	}
	if (cl->fd >= 0)
		close(cl->fd);
	if (cl->reader != NULL)
		kipc_reader_free(cl->reader);
	while (cl->ndeferred > 0)
		kipc_msg_free(cl->deferred[--cl->ndeferred]);
	free(cl->deferred);
	free(cl->hs);
	free(cl->user);
	q_stats_delete(cl->stats);
	free(cl);
}

static void
drop_client(Client *cl)
{
	cl->dead = true;
	cl->runnable = false;
}

/*
 * linger_client
 *		Close cl gracefully after a failed TLS handshake.  With TLS 1.3 the
 *		client believes the handshake is over before the server has checked
 *		its certificate, and writes its credentials at once; closing on
 *		unread data would make the kernel send a reset that destroys our
 *		alert ("certificate required", "unknown ca") before the client reads
 *		it.  So: stop writing (FIN after the alert), then read and discard
 *		until the client closes, for at most 2 seconds.
 */
static void
linger_client(Client *cl)
{
	if (cl->ssl != NULL)
	{
		SSL_free(cl->ssl);
		cl->ssl = NULL;
	}
	(void) shutdown(cl->fd, SHUT_WR);
	cl->state = CS_LINGER;
	cl->linger_until = q_now_ms() + 2000;
}

/* ----------------------------------------------------------------
 * Requests
 * ----------------------------------------------------------------
 */

/*
 * capability_needed
 *		The lowest handshake capability that can carry o
 *		(kdb-ipc-protocol.md 1.2): 3 for a guid anywhere in it, 1 for a
 *		timestamp or timespan, else 0.  Only types are looked at, so a big
 *		table costs one test per column.
 */
static int
capability_needed(const KipcObject *o)
{
	int			t;
	int			need = 0;
	int64_t		i;
	int64_t		nparts = 0;

	if (o == NULL)
		return 0;
	t = o->type < 0 ? -o->type : o->type;
	if (t == KIPC_T_GUID)
		return 3;
	if (t == KIPC_T_TIMESTAMP || t == KIPC_T_TIMESPAN)
		return 1;
	if (o->type == KIPC_T_LIST)
		nparts = o->n;
	else if (o->type == KIPC_T_DICT || o->type == KIPC_T_SORTED_DICT)
		nparts = 2;
	else if (o->type == KIPC_T_TABLE)
		nparts = 1;
	for (i = 0; i < nparts && need < 3; i++)
	{
		int			k = capability_needed(o->v.objs[i]);

		if (k > need)
			need = k;
	}
	return need;
}

/*
 * encode_for
 *		Encode o as a message of type msgtype for cl, compressed per -C.
 *		Returns a malloc'd buffer (*len set).  kipc_encode_message writes
 *		header and payload into one buffer with one size pass, and the
 *		buffer is written to the socket as it is.  An object the encoder
 *		cannot send gives the q error 'type, one over 2 GB 'limit, as kdb+
 *		answers; so does a guid for a peer of capability < 3 or a
 *		timestamp/timespan for capability 0.
 */
static uint8_t *
encode_for(Client *cl, const KipcObject *o, int msgtype, size_t *len)
{
	uint8_t    *buf = NULL;
	size_t		n = 0;
	KipcStatus	st;

	if (cl->capability < KIPC_CAPABILITY && capability_needed(o) > cl->capability)
	{
		/* kdb+ cannot send a guid to a 2.x client either: 'type */
		KipcObject *err = kipc_new_error("type");

		st = err ? kipc_encode_message(err, msgtype, &buf, &n) : KIPC_ERR_NOMEM;
		kipc_unref(err);
		if (st != KIPC_OK)
			fatal("out of memory encoding a reply");
		*len = n;
		return buf;
	}
	st = kipc_encode_message(o, msgtype, &buf, &n);
	if (st == KIPC_ERR_ARG)
	{
		KipcObject *err = kipc_new_error(kipc_encode_size(o) < 0 ? "type" : "limit");

		st = err ? kipc_encode_message(err, msgtype, &buf, &n) : KIPC_ERR_NOMEM;
		kipc_unref(err);
	}
	if (st != KIPC_OK)
		fatal("out of memory encoding a reply");

	if (cl->capability >= 1 &&
		(opt_compress == COMPRESS_ALWAYS ||
		 (opt_compress == COMPRESS_AUTO && n > COMPRESS_MIN && !cl->loopback)))
	{
		uint8_t    *z = xmalloc(n / 2 + 16);
		size_t		zn = kipc_compress(buf, n, z);

		if (zn > 0)
		{
			free(buf);
			*len = zn;
			return z;
		}
		free(z);
	}
	*len = n;
	return buf;
}

/*
 * garbage_bytes
 *		The malformed reply of .qserver.garbage[]: see the file header.
 */
static void
queue_garbage(Client *cl)
{
	static const uint8_t garbage[22] = {
		0x01, 0x02, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00,	/* response, 22 bytes */
		0x07, 0x00, 0x40, 0x42, 0x0f, 0x00,	/* long vector, 1000000 items */
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00	/* ... but only one */
	};
	uint8_t    *b = xmalloc(sizeof(garbage));

	memcpy(b, garbage, sizeof(garbage));
	queue_output(cl, b, sizeof(garbage));
}

static void
hook_close_caller(void *arg)
{
	hook_close = true;
}

static void
hook_garbage_reply(void *arg)
{
	hook_garbage = true;
}

static void
hook_async_first(void *arg, const KipcObject *x)
{
	size_t		len;
	uint8_t    *buf;

	if (current == NULL || current->dead)
		return;
	buf = encode_for(current, x, KIPC_MSG_ASYNC, &len);
	queue_output(current, buf, len);
}

/*
 * hook_send_to_caller
 *		Handle application on the caller's handle (.z.w x, neg[.z.w] x).
 *		Async: queue x as an async message and return :: at once.  Sync:
 *		send x as a sync request, then block on this client's socket until
 *		its response (type 2) arrives: an error response is signalled as that
 *		q error, anything else is returned.  Sync or async messages the
 *		client sends meanwhile are kept and handled after the current
 *		request, in order.  The wait ends at the -T deadline ('stop) or,
 *		without -T, after CALLBACK_WAIT_MS ('timeout); a closed or broken
 *		connection is 'close (the request's own reply is then not sent).
 */
static KipcObject *
hook_send_to_caller(void *arg, const KipcObject *x, bool sync, char *errbuf,
					size_t errlen)
{
	Client	   *cl = current;
	size_t		len;
	uint8_t    *buf;
	int64_t		end;

	if (cl == NULL || cl->dead || hook_close)
	{
		snprintf(errbuf, errlen, "close");
		return NULL;
	}
	buf = encode_for(cl, x, sync ? KIPC_MSG_SYNC : KIPC_MSG_ASYNC, &len);
	queue_output(cl, buf, len);
	if (!sync)
		return kipc_new_identity();

	end = request_deadline > 0 ? request_deadline : q_now_ms() + CALLBACK_WAIT_MS;
	for (;;)
	{
		KipcMsg    *msg = NULL;
		KipcStatus	st;
		IoResult	r;
		uint8_t    *ptr;
		size_t		avail = READ_CHUNK,
					n;
		int64_t		left;
		struct pollfd pfd;

		r = flush_output(cl);
		if (r == IO_EOF || r == IO_ERROR)
			break;
		st = kipc_reader_next(cl->reader, &msg);
		if (st == KIPC_OK)
		{
			if (msg->msgtype == KIPC_MSG_RESPONSE)
			{
				KipcObject *res = NULL;

				if (msg->root != NULL && msg->root->type == KIPC_T_ERROR)
					snprintf(errbuf, errlen, "%s", msg->root->a.s ? msg->root->a.s : "");
				else
				{
					res = kipc_copy(msg->root);
					if (res == NULL)
						snprintf(errbuf, errlen, "wsfull");
				}
				kipc_msg_free(msg);
				return res;
			}
			cl->deferred = realloc(cl->deferred, sizeof(KipcMsg *) * (cl->ndeferred + 1));
			if (cl->deferred == NULL)
				fatal("out of memory");
			cl->deferred[cl->ndeferred++] = msg;
			continue;
		}
		if (st != KIPC_INCOMPLETE)
		{
			logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
			break;
		}
		/* read even while output is pending: the peer may be writing too */
		if (kipc_reader_buffer(cl->reader, &ptr, &avail) != KIPC_OK)
		{
			logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
			break;
		}
		r = client_read(cl, ptr, avail, &n);
		if (r == IO_OK)
		{
			if (kipc_reader_commit(cl->reader, n) != KIPC_OK)
			{
				logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
				break;
			}
			continue;
		}
		if (r != IO_WAIT)
			break;
		left = end - q_now_ms();
		if (left <= 0)
		{
			snprintf(errbuf, errlen, "%s", request_deadline > 0 ? "stop" : "timeout");
			return NULL;
		}
		pfd.fd = cl->fd;
		pfd.events = POLLIN;
		if (cl->out_head != NULL || cl->ssl_want_write)
			pfd.events |= POLLOUT;
		pfd.revents = 0;
		(void) poll(&pfd, 1, (int) (left > 1000 ? 1000 : left));
	}
	/* the connection is gone: no reply for this request either */
	snprintf(errbuf, errlen, "close");
	hook_close = true;
	return NULL;
}

static void
hook_exit_server(void *arg)
{
	hook_exit = true;
}

static void
hook_do_restart(void *arg, int64_t ms)
{
	hook_restart = true;
	hook_restart_ms = ms;
}

/* write cl's pending output, waiting at most timeout_ms (for exit) */
static void
flush_blocking(Client *cl, int timeout_ms)
{
	int64_t		end = q_now_ms() + timeout_ms;

	while (!cl->dead && cl->out_head != NULL)
	{
		struct pollfd pfd;
		IoResult	r = flush_output(cl);
		int64_t		left = end - q_now_ms();

		if (r == IO_OK || r == IO_EOF || r == IO_ERROR || left <= 0)
			return;
		pfd.fd = cl->fd;
		pfd.events = cl->ssl_want_write || cl->ssl == NULL ? POLLOUT : POLLIN | POLLOUT;
		pfd.revents = 0;
		(void) poll(&pfd, 1, (int) left);
	}
}

/* .qserver.restart: drop every client and the listeners, listen again */
static void
do_restart(int64_t ms)
{
	Client	   *cl;

	for (cl = clients; cl != NULL; cl = cl->next)
	{
		/* close at once so the peers see EOF during the pause */
		if (cl->fd >= 0)
		{
			if (cl->ssl != NULL)
			{
				SSL_free(cl->ssl);
				cl->ssl = NULL;
			}
			close(cl->fd);
			cl->fd = -1;
		}
		drop_client(cl);
	}
	close_listeners();
	logmsg("restart: listeners closed, back in %lld ms", (long long) ms);
	sleep_ms(ms);
	open_listeners();
	printf("qserver: listening again on 127.0.0.1:%d and @/tmp/kx.%d\n", opt_port, opt_port);
	fflush(stdout);
}

/*
 * handle_message
 *		Evaluate one message from cl and queue the response of a sync
 *		request.  Takes ownership of msg.
 */
static void
handle_message(Client *cl, KipcMsg *msg)
{
	KipcObject *result;
	bool		sync = msg->msgtype == KIPC_MSG_SYNC;

	if (msg->msgtype == KIPC_MSG_RESPONSE)
	{
		/* nobody here waits for responses: kdb+ ignores a stray one too */
		kipc_msg_free(msg);
		return;
	}

	current = cl;
	hook_close = hook_garbage = hook_exit = hook_restart = false;
	q_set_context(interp, cl->user ? cl->user : "", cl->fd, cl->addr);
	request_deadline = opt_timeout > 0 ? q_now_ms() + (int64_t) opt_timeout * 1000 : 0;
	q_set_deadline(interp, request_deadline);
	in_eval = 1;
	if (trace)
		trace_t0 = q_now_ms();
	if (cl->stats == NULL)
		cl->stats = q_stats_new();	/* NULL: the interpreter's record */
	q_set_stats_sink(interp, cl->stats);
	result = q_handle_request(interp, msg->root, sync);
	q_set_stats_sink(interp, NULL);
	if (trace)
		trace_t1 = q_now_ms();
	in_eval = 0;
	q_set_deadline(interp, 0);
	request_deadline = 0;
	current = NULL;
	kipc_msg_free(msg);

	if (hook_restart)
	{
		kipc_unref(result);
		do_restart(hook_restart_ms);
		return;
	}
	if (hook_close)
	{
		kipc_unref(result);
		drop_client(cl);
		return;
	}
	if (sync)
	{
		if (hook_garbage)
			queue_garbage(cl);
		else
		{
			size_t		len;
			uint8_t    *buf = encode_for(cl, result, KIPC_MSG_RESPONSE, &len);

			queue_output(cl, buf, len);
			if (trace)
			{
				trace_t2 = q_now_ms();
				trace_len = len;
			}
		}
	}
	kipc_unref(result);
	if (hook_exit)
	{
		flush_blocking(cl, 2000);
		logmsg("exit requested by .qserver.exit[]");
		exit(0);
	}
}

/* ----------------------------------------------------------------
 * Clients: the state machine
 * ----------------------------------------------------------------
 */

/* start TLS on cl (first byte was a ClientHello) */
static void
start_tls(Client *cl)
{
	cl->ssl = SSL_new(ssl_ctx);
	if (cl->ssl == NULL || SSL_set_fd(cl->ssl, cl->fd) != 1)
	{
		logmsg("%s: cannot start TLS: %s", cl->addr, ssl_errtext());
		drop_client(cl);
		return;
	}
	cl->state = CS_TLS_ACCEPT;
}

/*
 * finish_handshake
 *		The credential string hs[0..nul] is complete: check it, answer the
 *		capability byte or close, and pass any bytes after the NUL (a
 *		pipelining client) on to the message reader.
 */
static void
finish_handshake(Client *cl, size_t nul)
{
	char	   *user = NULL;
	char	   *password = NULL;
	uint8_t		cap = 0;
	uint8_t    *reply;

	if (kipc_handshake_parse(cl->hs, nul + 1, &user, &password, &cap) != KIPC_OK)
	{
		logmsg("%s: unparsable handshake", cl->addr);
		drop_client(cl);
		return;
	}
	if (!check_credentials(user, password))
	{
		/* kdb+ says nothing: the client sees EOF ('access) */
		logmsg("%s: access refused for user \"%s\"", cl->addr, user);
		free(user);
		free(password);
		drop_client(cl);
		return;
	}
	free(password);
	cl->user = user;
	cl->capability = cap < KIPC_CAPABILITY ? cap : KIPC_CAPABILITY;
	cl->reader = kipc_reader_new(NULL);
	if (cl->reader == NULL)
		fatal("out of memory");
	reply = xmalloc(1);
	reply[0] = cl->capability;
	queue_output(cl, reply, 1);
	if (cl->hslen > nul + 1 &&
		kipc_reader_feed(cl->reader, cl->hs + nul + 1, cl->hslen - nul - 1) != KIPC_OK)
	{
		logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
		drop_client(cl);
	}
	free(cl->hs);
	cl->hs = NULL;
	cl->hslen = 0;
	cl->state = CS_READY;
}

/*
 * service_client
 *		Do everything possible for cl without blocking: advance the
 *		connection states, write pending output, read and handle requests.
 */
static void
service_client(Client *cl)
{
	int			served = 0;

	cl->runnable = false;
	for (;;)
	{
		IoResult	r;
		size_t		n;

		if (cl->dead)
			return;

		switch (cl->state)
		{
			case CS_PEEK:
				{
					uint8_t		b;
					ssize_t		k = recv(cl->fd, &b, 1, MSG_PEEK);

					if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
						return;
					if (k <= 0)
					{
						drop_client(cl);
						return;
					}
					if (b == 0x16)
					{
						if (opt_tls == 0)
						{
							/* kdb+ reports this as "TLS not enabled" and closes */
							uint8_t		sink[4096];

							logmsg("%s: TLS not enabled (TLS ClientHello on a plain port)", cl->addr);
							/* read the hello first, so the close is a FIN, not a reset */
							while (recv(cl->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
								;
							drop_client(cl);
							return;
						}
						start_tls(cl);
					}
					else
					{
						if (opt_tls == 2)
						{
							logmsg("%s: plain connection refused: TLS only (-E 2)", cl->addr);
							drop_client(cl);
							return;
						}
						cl->state = CS_HANDSHAKE;
					}
				}
				continue;

			case CS_TLS_ACCEPT:
				{
					int			ret;

					ERR_clear_error();
					errno = 0;
					ret = SSL_accept(cl->ssl);
					if (ret == 1)
					{
						cl->ssl_want_write = false;
						cl->state = CS_HANDSHAKE;
						continue;
					}
					r = client_tls_result(cl, ret, "handshake");
					if (r == IO_WAIT)
						return;
					if (r == IO_EOF)
					{
						logmsg("%s: TLS handshake failed: peer closed the connection", cl->addr);
						drop_client(cl);
						return;
					}
					linger_client(cl);
					continue;
				}

			case CS_HANDSHAKE:
				{
					uint8_t    *nul;

					if (cl->hs == NULL)
						cl->hs = xmalloc(HANDSHAKE_MAX);
					if (cl->hslen == HANDSHAKE_MAX)
					{
						logmsg("%s: handshake longer than %d bytes", cl->addr, HANDSHAKE_MAX);
						drop_client(cl);
						return;
					}
					r = client_read(cl, cl->hs + cl->hslen, HANDSHAKE_MAX - cl->hslen, &n);
					if (r == IO_WAIT)
						return;
					if (r != IO_OK)
					{
						drop_client(cl);
						return;
					}
					nul = memchr(cl->hs + cl->hslen, 0, n);
					cl->hslen += n;
					if (nul != NULL)
						finish_handshake(cl, (size_t) (nul - cl->hs));
				}
				continue;

			case CS_LINGER:
				{
					uint8_t		sink[4096];
					ssize_t		k;

					while ((k = recv(cl->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
						;
					if ((k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) &&
						q_now_ms() < cl->linger_until)
						return;
					drop_client(cl);
					return;
				}

			case CS_READY:
				{
					KipcMsg    *msg = NULL;
					KipcStatus	st;
					uint8_t    *ptr;
					size_t		avail = READ_CHUNK;

					/* one request at a time: the last answer goes out first */
					r = flush_output(cl);
					if (r == IO_WAIT)
						return;
					if (r != IO_OK)
					{
						drop_client(cl);
						return;
					}

					if (cl->ndeferred > 0)
					{
						/* requests held back during a .z.w x wait */
						msg = cl->deferred[0];
						memmove(cl->deferred, cl->deferred + 1,
								sizeof(KipcMsg *) * (size_t) --cl->ndeferred);
						st = KIPC_OK;
					}
					else
						st = kipc_reader_next(cl->reader, &msg);
					if (st == KIPC_OK)
					{
						handle_message(cl, msg);
						if (++served >= FAIR_BATCH && !cl->dead)
						{
							/* let the others in; come back without polling */
							cl->runnable = true;
							return;
						}
						continue;
					}
					if (st != KIPC_INCOMPLETE)
					{
						/* kdb+: 'badmsg, and the handle is closed */
						logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
						drop_client(cl);
						return;
					}
					if (kipc_reader_buffer(cl->reader, &ptr, &avail) != KIPC_OK)
					{
						logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
						drop_client(cl);
						return;
					}
					r = client_read(cl, ptr, avail, &n);
					if (r == IO_WAIT)
						return;
					if (r != IO_OK)
					{
						drop_client(cl);
						return;
					}
					if (kipc_reader_commit(cl->reader, n) != KIPC_OK)
					{
						logmsg("%s: 'badmsg: %s", cl->addr, kipc_reader_error(cl->reader));
						drop_client(cl);
						return;
					}
				}
				continue;
		}
	}
}

/* accept every pending connection on listener fd */
static void
accept_clients(int lfd, bool is_unix)
{
	for (;;)
	{
		struct sockaddr_storage ss;
		socklen_t	sslen = sizeof(ss);
		int			fd = accept4(lfd, (struct sockaddr *) &ss, &sslen,
								 SOCK_NONBLOCK | SOCK_CLOEXEC);
		Client	   *cl;
		int			one = 1;

		if (fd < 0)
		{
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
				errno != ECONNABORTED)
				logmsg("accept: %s", strerror(errno));
			return;
		}
		cl = calloc(1, sizeof(Client));
		if (cl == NULL)
			fatal("out of memory");
		cl->fd = fd;
		cl->is_unix = is_unix;
		cl->state = CS_PEEK;
		if (is_unix)
		{
			/* kdb+ shows .z.a 0.0.0.0 for Unix-socket peers */
			strcpy(cl->addr, "0.0.0.0");
			cl->loopback = true;
		}
		else
		{
			(void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if (ss.ss_family == AF_INET)
			{
				struct sockaddr_in *sin = (struct sockaddr_in *) &ss;

				inet_ntop(AF_INET, &sin->sin_addr, cl->addr, sizeof(cl->addr));
				cl->loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
			}
			else if (ss.ss_family == AF_INET6)
			{
				struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;

				inet_ntop(AF_INET6, &sin6->sin6_addr, cl->addr, sizeof(cl->addr));
				cl->loopback = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
			}
			else
				strcpy(cl->addr, "?");
		}
		cl->next = clients;
		clients = cl;
	}
}

/* free the clients marked dead */
static void
reap_clients(void)
{
	Client	  **pp = &clients;

	while (*pp != NULL)
	{
		Client	   *cl = *pp;

		if (cl->dead)
		{
			*pp = cl->next;
			free_client(cl);
		}
		else
			pp = &cl->next;
	}
}

/* ----------------------------------------------------------------
 * main
 * ----------------------------------------------------------------
 */

static void
parse_args(int argc, char **argv, const char ***scripts, int *nscripts)
{
	int			i;

	*scripts = xmalloc(sizeof(char *) * (argc + 1));
	*nscripts = 0;
	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;

#define NEED_VALUE() do { if (v == NULL) usage(); i++; } while (0)
		if (strcmp(a, "-p") == 0)
		{
			NEED_VALUE();
			opt_port = atoi(v);
			if (opt_port < 0 || opt_port > 65535)
				fatal("invalid port \"%s\"", v);
		}
		else if (strcmp(a, "-U") == 0)
		{
			NEED_VALUE();
			opt_userfile = v;
		}
		else if (strcmp(a, "-T") == 0)
		{
			NEED_VALUE();
			opt_timeout = atoi(v);
		}
		else if (strcmp(a, "-E") == 0)
		{
			NEED_VALUE();
			opt_tls = atoi(v);
			if (opt_tls < 0 || opt_tls > 2)
				fatal("invalid -E \"%s\" (0, 1 or 2)", v);
		}
		else if (strcmp(a, "-cert") == 0)
		{
			NEED_VALUE();
			opt_cert = v;
		}
		else if (strcmp(a, "-key") == 0)
		{
			NEED_VALUE();
			opt_key = v;
		}
		else if (strcmp(a, "-cafile") == 0)
		{
			NEED_VALUE();
			opt_cafile = v;
		}
		else if (strcmp(a, "-verify-client") == 0)
			opt_verify_client = true;
		else if (strcmp(a, "-C") == 0)
		{
			NEED_VALUE();
			if (strcmp(v, "auto") == 0)
				opt_compress = COMPRESS_AUTO;
			else if (strcmp(v, "always") == 0)
				opt_compress = COMPRESS_ALWAYS;
			else if (strcmp(v, "never") == 0)
				opt_compress = COMPRESS_NEVER;
			else
				fatal("invalid -C \"%s\" (auto, always or never)", v);
		}
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			usage();
		else if (a[0] == '-')
		{
			fprintf(stderr, "qserver: unrecognized option \"%s\"\n", a);
			usage();
		}
		else
			(*scripts)[(*nscripts)++] = a;
#undef NEED_VALUE
	}
	if (opt_port < 0)
		usage();
}

int
main(int argc, char **argv)
{
	const char **scripts;
	int			nscripts;
	int			i;
	QServerHooks hooks;
	struct sigaction sa;
	sigset_t	blockset;
	sigset_t	oldset;

	parse_args(argc, argv, &scripts, &nscripts);

	/*
	 * Keep big freed buffers in the heap instead of unmapping them: a 150 MB
	 * response otherwise costs a fresh mmap and 37000 page faults each time,
	 * which halves the throughput of large selects.
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	mallopt(M_TRIM_THRESHOLD, INT32_MAX);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	trace = getenv("QSERVER_TRACE") != NULL;
	if (opt_userfile != NULL)
		load_users(opt_userfile);
	if (opt_tls != 0)
		setup_tls();

	memset(&hooks, 0, sizeof(hooks));
	hooks.close_caller = hook_close_caller;
	hooks.garbage_reply = hook_garbage_reply;
	hooks.async_first = hook_async_first;
	hooks.exit_server = hook_exit_server;
	hooks.restart = hook_do_restart;
	hooks.send_to_caller = hook_send_to_caller;
	interp = q_interp_new(&hooks);
	if (interp == NULL)
		fatal("cannot create the q interpreter");

	for (i = 0; i < nscripts; i++)
	{
		KipcObject *r;

		in_eval = 1;
		r = q_load_script(interp, scripts[i]);
		in_eval = 0;
		if (r != NULL && r->type == KIPC_T_ERROR)
		{
			fprintf(stderr, "qserver: %s: '%s\n", scripts[i], r->a.s ? r->a.s : "");
			exit(1);
		}
		kipc_unref(r);
	}
	free(scripts);

	open_listeners();
	printf("qserver: listening on 127.0.0.1:%d and @/tmp/kx.%d\n", opt_port, opt_port);
	fflush(stdout);

	sigemptyset(&blockset);
	sigaddset(&blockset, SIGTERM);
	sigaddset(&blockset, SIGINT);

	for (;;)
	{
		struct pollfd *pfds;
		Client	  **owners;
		int			nfds = 0;
		int			nclients = 0;
		int			rc;
		bool		any_runnable = false;
		bool		any_linger = false;
		Client	   *cl;

		reap_clients();
		for (cl = clients; cl != NULL; cl = cl->next)
			nclients++;
		pfds = xmalloc(sizeof(struct pollfd) * (nclients + 2));
		owners = xmalloc(sizeof(Client *) * (nclients + 2));

		pfds[nfds].fd = listen_tcp;
		pfds[nfds].events = POLLIN;
		owners[nfds++] = NULL;
		pfds[nfds].fd = listen_unix;
		pfds[nfds].events = POLLIN;
		owners[nfds++] = NULL;
		for (cl = clients; cl != NULL; cl = cl->next)
		{
			short		ev;

			if (cl->runnable)
				any_runnable = true;
			if (cl->state == CS_LINGER)
				any_linger = true;
			/*
			 * Wait for what the last I/O call asked for: under TLS that is
			 * what OpenSSL said (a write may need a read); in plain mode
			 * pending output means we are blocked on writing.
			 */
			if (cl->ssl != NULL)
				ev = cl->ssl_want_write ? POLLOUT : POLLIN;
			else if (cl->state == CS_READY && cl->out_head != NULL)
				ev = POLLOUT;
			else
				ev = POLLIN;
			pfds[nfds].fd = cl->fd;
			pfds[nfds].events = ev;
			owners[nfds++] = cl;
		}

		sigprocmask(SIG_BLOCK, &blockset, &oldset);
		if (stop_requested)
			break;
		{
			struct timespec zero = {0, 0};
			struct timespec tick = {0, 100000000};

			rc = ppoll(pfds, nfds, any_runnable ? &zero : any_linger ? &tick : NULL,
					   &oldset);
		}
		sigprocmask(SIG_SETMASK, &oldset, NULL);
		if (rc < 0 && errno != EINTR)
			fatal("poll: %s", strerror(errno));

		if (rc > 0)
		{
			if (pfds[0].revents & POLLIN)
				accept_clients(listen_tcp, false);
			if (pfds[1].revents & POLLIN)
				accept_clients(listen_unix, true);
		}
		for (i = 2; i < nfds; i++)
		{
			cl = owners[i];
			if (cl->dead)
				continue;
			if ((rc > 0 && pfds[i].revents != 0) || cl->runnable || cl->state == CS_LINGER)
				service_client(cl);
			if (hook_restart)
			{
				/* every client and listener was replaced: start over */
				hook_restart = false;
				break;
			}
		}
		free(pfds);
		free(owners);
	}

	close_listeners();
	exit(0);
}
