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
 * writes with send(MSG_NOSIGNAL) so a closed peer never raises SIGPIPE.
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
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "kipc.h"
#include "kipc_conn_int.h"

static BIO_METHOD *kipc_bio_method = NULL;

static int	kipc_bio_write(BIO *b, const char *buf, int len);
static BIO_METHOD *get_bio_method(void);
static const char *ssl_reason(unsigned long ecode);
static KipcStatus tls_error(KipcConn *c, int ret, const char *what);

/*
 * kipc_bio_write
 *		Socket BIO write that never raises SIGPIPE (libpq's my_sock_write
 *		does the same in a backend-independent way).
 */
static int
kipc_bio_write(BIO *b, const char *buf, int len)
{
	int			fd;
	ssize_t		n;

	if (BIO_get_fd(b, &fd) <= 0)
		return -1;
	errno = 0;
	BIO_clear_retry_flags(b);
	n = send(fd, buf, (size_t) len, MSG_NOSIGNAL);
	if (n <= 0)
	{
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			BIO_set_retry_write(b);
	}
	return (int) n;
}

/*
 * get_bio_method
 *		The socket BIO of OpenSSL with our write function.  Built once per
 *		process and never freed (libpq does the same).
 */
static BIO_METHOD *
get_bio_method(void)
{
	const BIO_METHOD *base;
	BIO_METHOD *m;
	int			idx;

	if (kipc_bio_method != NULL)
		return kipc_bio_method;
	base = BIO_s_socket();
	idx = BIO_get_new_index();
	if (idx == -1)
		return NULL;
	m = BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "kipc socket");
	if (m == NULL)
		return NULL;
	if (!BIO_meth_set_write(m, kipc_bio_write) ||
		!BIO_meth_set_read(m, BIO_meth_get_read(base)) ||
		!BIO_meth_set_gets(m, BIO_meth_get_gets(base)) ||
		!BIO_meth_set_puts(m, BIO_meth_get_puts(base)) ||
		!BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(base)) ||
		!BIO_meth_set_create(m, BIO_meth_get_create(base)) ||
		!BIO_meth_set_destroy(m, BIO_meth_get_destroy(base)) ||
		!BIO_meth_set_callback_ctrl(m, BIO_meth_get_callback_ctrl(base)))
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
 * kipc_tls_open
 *		Create the SSL_CTX and SSL for c per its sslmode, on c->sock.
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

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL)
	{
		kipc_conn_set_error(c, "could not create TLS context: %s", ssl_reason(ERR_get_error()));
		return KIPC_ERR_TLS;
	}
	c->ssl_ctx = ctx;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* partial writes and a moving buffer: we retry with what is left */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

	if (c->sslmode == KIPC_SSL_VERIFY_CA || c->sslmode == KIPC_SSL_VERIFY_FULL)
	{
		/* "system": OpenSSL's default trust store, as in libpq 16 */
		if (strcmp(c->sslrootcert, "system") == 0)
		{
			if (SSL_CTX_set_default_verify_paths(ctx) != 1)
			{
				kipc_conn_set_error(c, "could not load the system's trusted root certificates: %s",
									ssl_reason(ERR_get_error()));
				return KIPC_ERR_TLS;
			}
		}
		else if (SSL_CTX_load_verify_locations(ctx, c->sslrootcert, NULL) != 1)
		{
			kipc_conn_set_error(c, "could not read root certificate file \"%s\": %s",
								c->sslrootcert, ssl_reason(ERR_get_error()));
			return KIPC_ERR_TLS;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	if (c->sslcert != NULL && c->sslcert[0] != '\0')
	{
		const char *keyfile = (c->sslkey && c->sslkey[0]) ? c->sslkey : c->sslcert;

		if (SSL_CTX_use_certificate_chain_file(ctx, c->sslcert) != 1)
		{
			kipc_conn_set_error(c, "could not load client certificate file \"%s\": %s",
								c->sslcert, ssl_reason(ERR_get_error()));
			return KIPC_ERR_TLS;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM) != 1)
		{
			kipc_conn_set_error(c, "could not load private key file \"%s\": %s",
								keyfile, ssl_reason(ERR_get_error()));
			return KIPC_ERR_TLS;
		}
		if (SSL_CTX_check_private_key(ctx) != 1)
		{
			kipc_conn_set_error(c, "certificate does not match private key file \"%s\": %s",
								keyfile, ssl_reason(ERR_get_error()));
			return KIPC_ERR_TLS;
		}
	}

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
