/*-------------------------------------------------------------------------
 *
 * kipc_tls.c
 *		TLS for the client transport, with OpenSSL 3.
 *
 * kdb+ speaks ordinary TLS from the first byte (server -E 1 / -E 2): the
 * client runs the TLS handshake right after connect() and then sends the
 * credential string inside the session (kdb-ipc-protocol.md 6.1).  The
 * sslmode values follow libpq:
 *	require		encrypt, verify nothing;
 *	verify-ca	verify the chain against sslrootcert;
 *	verify-full	verify-ca plus the host name (or IP address) against the
 *				certificate's subjectAltName / CN; for host "unix" the name
 *				checked is "localhost".
 *
 * Like libpq's fe-secure-openssl.c, every OpenSSL call is preceded by
 * ERR_clear_error() so that a stale error from another user of OpenSSL in
 * the same process is never reported as ours, and SSL_get_error() results
 * are mapped to KIPC_WANT_READ / KIPC_WANT_WRITE / errors.  The socket BIO
 * (our own) writes with send(MSG_NOSIGNAL) so a closed peer never raises
 * SIGPIPE.
 *
 * The private key file is checked as libpq does before it is read (a
 * regular file without group or world access), and the SSL_CTX is cached
 * per set of TLS inputs and file stamps for the life of the process (see
 * "Client SSL_CTX cache" below).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		src/kipc/kipc_tls.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "kipc.h"
#include "kipc_conn_int.h"

static BIO_METHOD *kipc_bio_method = NULL;

static int	kipc_bio_write(BIO *b, const char *buf, int len);
static int	kipc_bio_read(BIO *b, char *buf, int len);
static long kipc_bio_ctrl(BIO *b, int cmd, long num, void *ptr);
static int	kipc_bio_create(BIO *b);
static int	kipc_bio_destroy(BIO *b);
static BIO_METHOD *get_bio_method(void);
static const char *ssl_reason(unsigned long ecode);
static KipcStatus tls_error(KipcConn *c, int ret, const char *what);

/*
 * The TLS connection's BIO: a socket BIO of our own rather than OpenSSL's
 * BIO_s_socket() with the write replaced, because OpenSSL 3.5 deprecates
 * the BIO_meth_get_* functions that borrowing its other methods needs.
 * Its state is the socket (set with BIO_set_fd, never closed here) and
 * whether the last read saw the peer's end of stream, which SSL_read asks
 * for (BIO_CTRL_EOF) to tell a clean close from a truncated one.
 */
typedef struct KipcBioState
{
	int			fd;
	bool		eof;
} KipcBioState;

/*
 * kipc_bio_write
 *		Socket write that never raises SIGPIPE (send with MSG_NOSIGNAL, as
 *		libpq's socket BIO does).
 */
static int
kipc_bio_write(BIO *b, const char *buf, int len)
{
	KipcBioState *st = BIO_get_data(b);
	ssize_t		n;

	BIO_clear_retry_flags(b);
	if (st == NULL || st->fd < 0)
		return -1;
	errno = 0;
	n = send(st->fd, buf, (size_t) len, MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int) n;
}

/* kipc_bio_read: socket read; 0 is the peer's end of stream */
static int
kipc_bio_read(BIO *b, char *buf, int len)
{
	KipcBioState *st = BIO_get_data(b);
	ssize_t		n;

	BIO_clear_retry_flags(b);
	if (st == NULL || st->fd < 0 || buf == NULL)
		return -1;
	errno = 0;
	n = recv(st->fd, buf, (size_t) len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	st->eof = (n == 0);
	return (int) n;
}

/*
 * kipc_bio_ctrl
 *		The controls a socket BIO answers: set and get the socket, the
 *		close flag (the socket always stays open: the connection owns it),
 *		end of stream, and flush (a no-op: writes are not buffered).  Any
 *		other control is unsupported (0), as in OpenSSL's socket BIO.
 */
static long
kipc_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	KipcBioState *st = BIO_get_data(b);

	if (st == NULL)
		return 0;
	switch (cmd)
	{
		case BIO_C_SET_FD:
			if (ptr == NULL)
				return 0;
			st->fd = *(int *) ptr;
			st->eof = false;
			BIO_set_init(b, 1);
			return 1;
		case BIO_C_GET_FD:
			if (!BIO_get_init(b))
				return -1;
			if (ptr != NULL)
				*(int *) ptr = st->fd;
			return st->fd;
		case BIO_CTRL_GET_CLOSE:
			return BIO_NOCLOSE;
		case BIO_CTRL_SET_CLOSE:
			return num == BIO_NOCLOSE;
		case BIO_CTRL_EOF:
			return st->eof;
		case BIO_CTRL_FLUSH:
			return 1;
		default:
			return 0;
	}
}

static int
kipc_bio_create(BIO *b)
{
	KipcBioState *st = calloc(1, sizeof(KipcBioState));

	if (st == NULL)
		return 0;
	st->fd = -1;
	BIO_set_data(b, st);
	BIO_set_init(b, 0);
	return 1;
}

static int
kipc_bio_destroy(BIO *b)
{
	free(BIO_get_data(b));
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

/*
 * get_bio_method
 *		The BIO_METHOD of kipc_bio_*.  Built once per process and never
 *		freed (libpq does the same).
 */
static BIO_METHOD *
get_bio_method(void)
{
	BIO_METHOD *m;
	int			idx;

	if (kipc_bio_method != NULL)
		return kipc_bio_method;
	idx = BIO_get_new_index();
	if (idx == -1)
		return NULL;
	m = BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "kipc socket");
	if (m == NULL)
		return NULL;
	if (!BIO_meth_set_write(m, kipc_bio_write) ||
		!BIO_meth_set_read(m, kipc_bio_read) ||
		!BIO_meth_set_ctrl(m, kipc_bio_ctrl) ||
		!BIO_meth_set_create(m, kipc_bio_create) ||
		!BIO_meth_set_destroy(m, kipc_bio_destroy))
	{
		BIO_meth_free(m);
		return NULL;
	}
	kipc_bio_method = m;
	return m;
}

/* the reason text of an OpenSSL error code, never NULL */
static const char *
ssl_reason(unsigned long ecode)
{
	const char *r;
	static char buf[48];

	if (ecode == 0)
		return "no TLS error reported";
#ifdef ERR_SYSTEM_ERROR
	/* OpenSSL 3 packs errno into system errors (fopen of a missing file) */
	if (ERR_SYSTEM_ERROR(ecode))
		return strerror(ERR_GET_REASON(ecode));
#endif
	r = ERR_reason_error_string(ecode);
	if (r != NULL)
		return r;
	snprintf(buf, sizeof(buf), "TLS error code %lu", ecode);
	return buf;
}

/*
 * Client SSL_CTX cache
 *
 * Building an SSL_CTX costs ~120 us and reading the CA file as much again,
 * for every new connection.  The contexts are therefore cached for the
 * life of the process (the FDW backend) per distinct set of TLS inputs:
 * sslmode, sslrootcert (verify-ca / verify-full only), sslcert and the
 * key file, together with each file's stamp (st_mtim, st_size, st_ino,
 * st_dev) taken before the file is read.  A connection stats the files
 * again and rebuilds the context when any stamp differs, so a replaced or
 * rewritten certificate or key is picked up by the next connection.  Not
 * seen: changes inside OpenSSL's default trust store (sslrootcert
 * 'system'), and a rewrite that keeps size and modification time.
 *
 * The cache holds one reference to each SSL_CTX (OpenSSL counts them) and
 * every connection its own (kipc_tls_close drops it), so evicting an entry
 * never frees a context still in use.  At most TLS_CTX_CACHE_MAX entries;
 * the least recently used goes first.  Contexts that failed to build are
 * never cached.  A mutex guards the cache for threaded users of kipc.
 */
#define TLS_CTX_CACHE_MAX 16

typedef struct TlsFileStamp
{
	bool		used;			/* the file is an input of the context */
	struct timespec mtime;
	off_t		size;
	ino_t		ino;
	dev_t		dev;
} TlsFileStamp;

typedef struct TlsCtxEntry
{
	struct TlsCtxEntry *next;
	KipcSslMode sslmode;
	char	   *rootcert;		/* NULL when not used */
	char	   *cert;
	char	   *key;
	TlsFileStamp stamps[3];		/* rootcert, cert, key */
	SSL_CTX    *ctx;
} TlsCtxEntry;

static TlsCtxEntry *tls_ctx_cache = NULL;	/* most recently used first */
static pthread_mutex_t tls_ctx_lock = PTHREAD_MUTEX_INITIALIZER;

/* a and b equal, both possibly NULL */
static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static char *
str_dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
tls_ctx_entry_free(TlsCtxEntry *e)
{
	SSL_CTX_free(e->ctx);
	free(e->rootcert);
	free(e->cert);
	free(e->key);
	free(e);
}

static bool
stamps_equal(const TlsFileStamp *a, const TlsFileStamp *b)
{
	return a->used == b->used &&
		(!a->used ||
		 (a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
		  a->size == b->size && a->ino == b->ino && a->dev == b->dev));
}

/*
 * tls_ctx_cache_get
 *		The cached context for these inputs and stamps, with a new reference
 *		for the caller, or NULL.  An entry for the same inputs with other
 *		stamps is stale: it is dropped.
 */
static SSL_CTX *
tls_ctx_cache_get(KipcSslMode mode, const char *rootcert, const char *cert,
				  const char *key, const TlsFileStamp *stamps)
{
	TlsCtxEntry **pp;
	SSL_CTX    *ctx = NULL;

	pthread_mutex_lock(&tls_ctx_lock);
	for (pp = &tls_ctx_cache; *pp != NULL; pp = &(*pp)->next)
	{
		TlsCtxEntry *e = *pp;

		if (e->sslmode != mode || !str_eq(e->rootcert, rootcert) ||
			!str_eq(e->cert, cert) || !str_eq(e->key, key))
			continue;
		*pp = e->next;
		if (stamps_equal(&e->stamps[0], &stamps[0]) &&
			stamps_equal(&e->stamps[1], &stamps[1]) &&
			stamps_equal(&e->stamps[2], &stamps[2]) &&
			SSL_CTX_up_ref(e->ctx) == 1)
		{
			/* move to the front */
			e->next = tls_ctx_cache;
			tls_ctx_cache = e;
			ctx = e->ctx;
		}
		else
			tls_ctx_entry_free(e);	/* a file changed on disk */
		break;
	}
	pthread_mutex_unlock(&tls_ctx_lock);
	return ctx;
}

/*
 * tls_ctx_cache_put
 *		Remember ctx (a new reference is taken) for these inputs.  Out of
 *		memory only means not cached.
 */
static void
tls_ctx_cache_put(KipcSslMode mode, const char *rootcert, const char *cert,
				  const char *key, const TlsFileStamp *stamps, SSL_CTX *ctx)
{
	TlsCtxEntry *e;
	TlsCtxEntry **pp;
	int			n;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return;
	e->sslmode = mode;
	e->rootcert = str_dup_or_null(rootcert);
	e->cert = str_dup_or_null(cert);
	e->key = str_dup_or_null(key);
	memcpy(e->stamps, stamps, sizeof(e->stamps));
	if ((rootcert && !e->rootcert) || (cert && !e->cert) || (key && !e->key) ||
		SSL_CTX_up_ref(ctx) != 1)
	{
		free(e->rootcert);
		free(e->cert);
		free(e->key);
		free(e);
		return;
	}
	e->ctx = ctx;

	pthread_mutex_lock(&tls_ctx_lock);
	e->next = tls_ctx_cache;
	tls_ctx_cache = e;
	/* drop what is beyond TLS_CTX_CACHE_MAX (the least recently used) */
	for (n = 0, pp = &tls_ctx_cache; *pp != NULL; n++)
	{
		if (n >= TLS_CTX_CACHE_MAX)
		{
			TlsCtxEntry *old = *pp;

			*pp = old->next;
			tls_ctx_entry_free(old);
		}
		else
			pp = &(*pp)->next;
	}
	pthread_mutex_unlock(&tls_ctx_lock);
}

/*
 * file_stamp
 *		Stamp of path in *st.  False when stat fails: the context is then
 *		built uncached and OpenSSL reports the file.
 */
static bool
file_stamp(const char *path, TlsFileStamp *st, struct stat *sb)
{
	memset(st, 0, sizeof(*st));
	if (stat(path, sb) != 0)
		return false;
	st->used = true;
	st->mtime = sb->st_mtim;
	st->size = sb->st_size;
	st->ino = sb->st_ino;
	st->dev = sb->st_dev;
	return true;
}

/*
 * check_key_file
 *		libpq's checks of the private key file (fe-secure-openssl.c,
 *		initialize_SSL): a regular file, and no group or world access,
 *		except that a root-owned file may be group-readable.  sb is the
 *		file's stat.
 */
static KipcStatus
check_key_file(KipcConn *c, const char *keyfile, const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode))
	{
		kipc_conn_set_error(c, "private key file \"%s\" is not a regular file", keyfile);
		return KIPC_ERR_TLS;
	}
	if (sb->st_uid == 0 ?
		(sb->st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) != 0 :
		(sb->st_mode & (S_IRWXG | S_IRWXO)) != 0)
	{
		kipc_conn_set_error(c, "private key file \"%s\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root",
							keyfile);
		return KIPC_ERR_TLS;
	}
	return KIPC_OK;
}

/*
 * build_ctx
 *		A new SSL_CTX for c's TLS options, or NULL with the error set.
 */
static SSL_CTX *
build_ctx(KipcConn *c, const char *rootcert, const char *cert, const char *keyfile)
{
	SSL_CTX    *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
	{
		kipc_conn_set_error(c, "could not create TLS context: %s", ssl_reason(ERR_get_error()));
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* partial writes and a moving buffer: we retry with what is left */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

	if (rootcert != NULL)
	{
		/* "system": OpenSSL's default trust store, as in libpq 16 */
		if (strcmp(rootcert, "system") == 0)
		{
			if (SSL_CTX_set_default_verify_paths(ctx) != 1)
			{
				kipc_conn_set_error(c, "could not load the system's trusted root certificates: %s",
									ssl_reason(ERR_get_error()));
				goto fail;
			}
		}
		else if (SSL_CTX_load_verify_locations(ctx, rootcert, NULL) != 1)
		{
			kipc_conn_set_error(c, "could not read root certificate file \"%s\": %s",
								rootcert, ssl_reason(ERR_get_error()));
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	if (cert != NULL)
	{
		if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		{
			kipc_conn_set_error(c, "could not load client certificate file \"%s\": %s",
								cert, ssl_reason(ERR_get_error()));
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM) != 1)
		{
			kipc_conn_set_error(c, "could not load private key file \"%s\": %s",
								keyfile, ssl_reason(ERR_get_error()));
			goto fail;
		}
		if (SSL_CTX_check_private_key(ctx) != 1)
		{
			kipc_conn_set_error(c, "certificate does not match private key file \"%s\": %s",
								keyfile, ssl_reason(ERR_get_error()));
			goto fail;
		}
	}
	return ctx;

fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * kipc_tls_open
 *		Create (or take from the cache) the SSL_CTX and create the SSL for c
 *		per its sslmode, on c->sock.
 */
KipcStatus
kipc_tls_open(KipcConn *c)
{
	SSL_CTX    *ctx;
	SSL		   *ssl;
	BIO		   *bio;
	BIO_METHOD *meth;
	const char *vhost;
	unsigned char ipbuf[16];
	bool		is_ip;
	const char *rootcert = NULL;
	const char *cert = NULL;
	const char *keyfile = NULL;
	TlsFileStamp stamps[3];
	struct stat sb;
	bool		cacheable = true;

	memset(stamps, 0, sizeof(stamps));
	if (c->sslmode == KIPC_SSL_VERIFY_CA || c->sslmode == KIPC_SSL_VERIFY_FULL)
	{
		rootcert = c->sslrootcert ? c->sslrootcert : "";
		if (strcmp(rootcert, "system") != 0 && !file_stamp(rootcert, &stamps[0], &sb))
			cacheable = false;
	}
	if (c->sslcert != NULL && c->sslcert[0] != '\0')
	{
		cert = c->sslcert;
		keyfile = (c->sslkey && c->sslkey[0]) ? c->sslkey : c->sslcert;
		if (!file_stamp(cert, &stamps[1], &sb))
			cacheable = false;
		/* the key's permissions are checked on every connection */
		if (file_stamp(keyfile, &stamps[2], &sb))
		{
			if (check_key_file(c, keyfile, &sb) != KIPC_OK)
				return KIPC_ERR_TLS;
		}
		else
			cacheable = false;
	}

	ctx = cacheable ? tls_ctx_cache_get(c->sslmode, rootcert, cert, keyfile, stamps) : NULL;
	if (ctx == NULL)
	{
		ctx = build_ctx(c, rootcert, cert, keyfile);
		if (ctx == NULL)
			return KIPC_ERR_TLS;
		if (cacheable)
			tls_ctx_cache_put(c->sslmode, rootcert, cert, keyfile, stamps, ctx);
	}
	/* c's own reference, dropped by kipc_tls_close */
	c->ssl_ctx = ctx;

	ERR_clear_error();
	ssl = SSL_new(ctx);
	if (ssl == NULL)
	{
		kipc_conn_set_error(c, "could not create TLS connection: %s", ssl_reason(ERR_get_error()));
		return KIPC_ERR_TLS;
	}
	c->ssl = ssl;

	meth = get_bio_method();
	bio = meth ? BIO_new(meth) : NULL;
	if (bio == NULL)
	{
		kipc_conn_set_error(c, "could not create TLS socket BIO: %s", ssl_reason(ERR_get_error()));
		return KIPC_ERR_TLS;
	}
	BIO_set_fd(bio, c->sock, BIO_NOCLOSE);
	SSL_set_bio(ssl, bio, bio);

	vhost = strcmp(c->host, "unix") == 0 ? "localhost" : c->host;
	is_ip = inet_pton(AF_INET, vhost, ipbuf) == 1 || inet_pton(AF_INET6, vhost, ipbuf) == 1;

	/* SNI is for names only (RFC 6066 forbids literal addresses) */
	if (!is_ip && SSL_set_tlsext_host_name(ssl, vhost) != 1)
	{
		kipc_conn_set_error(c, "could not set TLS server name indication: %s",
							ssl_reason(ERR_get_error()));
		return KIPC_ERR_TLS;
	}

	if (c->sslmode == KIPC_SSL_VERIFY_FULL)
	{
		int			ok;

		if (is_ip)
			ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), vhost);
		else
		{
			SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			ok = SSL_set1_host(ssl, vhost);
		}
		if (ok != 1)
		{
			kipc_conn_set_error(c, "could not set the host name to verify: %s",
								ssl_reason(ERR_get_error()));
			return KIPC_ERR_TLS;
		}
	}
	return KIPC_OK;
}

/*
 * tls_error
 *		Map the result ret of an SSL call to a status, with a message for the
 *		errors.  what names the operation for the message.
 */
static KipcStatus
tls_error(KipcConn *c, int ret, const char *what)
{
	int			err = SSL_get_error(c->ssl, ret);
	unsigned long ecode;
	int			saved_errno = errno;

	switch (err)
	{
		case SSL_ERROR_WANT_READ:
			return KIPC_WANT_READ;
		case SSL_ERROR_WANT_WRITE:
			return KIPC_WANT_WRITE;
		case SSL_ERROR_ZERO_RETURN:
			kipc_conn_set_error(c, "server closed the TLS connection");
			return KIPC_ERR_IO;
		case SSL_ERROR_SYSCALL:
			c->tls_fatal = true;
			ecode = ERR_get_error();
			if (ecode != 0)
				kipc_conn_set_error(c, "%s: %s", what, ssl_reason(ecode));
			else if (!c->tls_done &&
					 (ret == 0 || saved_errno == 0 || saved_errno == ECONNRESET ||
					  saved_errno == EPIPE))
			{
				/*
				 * kdb+ without -E 1/2 closes a connection that starts with a
				 * ClientHello ("TLS not enabled"): say so.
				 */
				kipc_conn_set_error(c, "%s: server closed the connection (is TLS enabled on the server?)",
									what);
				return KIPC_ERR_TLS;
			}
			else if (ret == 0 || saved_errno == 0)
			{
				/* EOF without close_notify */
				kipc_conn_set_error(c, "server closed the connection unexpectedly");
			}
			else
				kipc_conn_set_error(c, "%s: %s", what, strerror(saved_errno));
			return KIPC_ERR_IO;
		case SSL_ERROR_SSL:
			c->tls_fatal = true;
			ecode = ERR_get_error();
#ifdef SSL_R_UNEXPECTED_EOF_WHILE_READING
			/* OpenSSL 3 reports an EOF without close_notify this way */
			if (ERR_GET_REASON(ecode) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
			{
				if (!c->tls_done)
				{
					kipc_conn_set_error(c, "%s: server closed the connection (is TLS enabled on the server?)",
										what);
					return KIPC_ERR_TLS;
				}
				kipc_conn_set_error(c, "server closed the connection unexpectedly");
				return KIPC_ERR_IO;
			}
#endif
			if (ERR_GET_REASON(ecode) == SSL_R_CERTIFICATE_VERIFY_FAILED)
			{
				long		vr = SSL_get_verify_result(c->ssl);

				kipc_conn_set_error(c, "%s: certificate verify failed: %s", what,
									X509_verify_cert_error_string(vr));
			}
			else if (ERR_GET_REASON(ecode) >= SSL_AD_REASON_OFFSET)
			{
				/* the server sent an alert: it refused us (client cert...) */
				kipc_conn_set_error(c, "TLS connection refused by the server: %s",
									ssl_reason(ecode));
			}
			else if (ERR_GET_REASON(ecode) == SSL_R_WRONG_VERSION_NUMBER ||
					 ERR_GET_REASON(ecode) == SSL_R_PACKET_LENGTH_TOO_LONG)
				kipc_conn_set_error(c, "%s: %s (is the server speaking TLS?)", what,
									ssl_reason(ecode));
			else
				kipc_conn_set_error(c, "%s: %s", what, ssl_reason(ecode));
			return KIPC_ERR_TLS;
		default:
			c->tls_fatal = true;
			kipc_conn_set_error(c, "%s: unrecognized TLS error code %d", what, err);
			return KIPC_ERR_TLS;
	}
}

/*
 * kipc_tls_handshake
 *		One step of the non-blocking SSL_connect.
 */
KipcStatus
kipc_tls_handshake(KipcConn *c)
{
	int			ret;

	ERR_clear_error();
	errno = 0;
	ret = SSL_connect(c->ssl);
	if (ret == 1)
	{
		c->tls_done = true;
		return KIPC_OK;
	}
	return tls_error(c, ret, "TLS handshake failed");
}

/*
 * kipc_tls_read
 *		Read up to len bytes of plaintext.  Reads may need to write (and the
 *		other way round) during a key update, hence WANT_WRITE here too.
 */
KipcStatus
kipc_tls_read(KipcConn *c, void *buf, size_t len, size_t *nread)
{
	int			ret;

	if (len > INT32_MAX)
		len = INT32_MAX;
	ERR_clear_error();
	errno = 0;
	ret = SSL_read(c->ssl, buf, (int) len);
	if (ret > 0)
	{
		*nread = (size_t) ret;
		return KIPC_OK;
	}
	return tls_error(c, ret, "could not receive data from server");
}

/*
 * kipc_tls_write
 *		Write up to len bytes (partial writes enabled).
 */
KipcStatus
kipc_tls_write(KipcConn *c, const void *buf, size_t len, size_t *nwritten)
{
	int			ret;

	if (len > INT32_MAX)
		len = INT32_MAX;
	ERR_clear_error();
	errno = 0;
	ret = SSL_write(c->ssl, buf, (int) len);
	if (ret > 0)
	{
		*nwritten = (size_t) ret;
		return KIPC_OK;
	}
	return tls_error(c, ret, "could not send data to server");
}

/*
 * kipc_tls_close
 *		Send close_notify if the session is up (one attempt, no waiting) and
 *		free the TLS objects.  The socket itself is closed by the caller.
 */
void
kipc_tls_close(KipcConn *c)
{
	if (c->ssl != NULL)
	{
		ERR_clear_error();
		/* close_notify, unless OpenSSL forbids it after a fatal error */
		if (c->tls_done && !c->tls_fatal)
			(void) SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ssl_ctx != NULL)
	{
		SSL_CTX_free(c->ssl_ctx);
		c->ssl_ctx = NULL;
	}
	ERR_clear_error();
}
