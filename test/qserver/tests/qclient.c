/*-------------------------------------------------------------------------
 *
 * qclient.c
 *		A tiny command-line kdb+ client built on libkipc's transport, for
 *		tests, demos and poking at a q server by hand.
 *
 *	qclient [-h HOST] -p PORT [-u USER:PASS] [--sslmode MODE] [--tls-ca FILE]
 *			[--tls-cert FILE --tls-key FILE] [-t SECONDS] [-v] [-q] [--bench]
 *			[--async EXPR] [--zip EXPR] [--pad N EXPR] [--raw HEX] [--sleep MS]
 *			[--alive] [--ignore-sync] [--] EXPR ...
 *
 * Each EXPR is sent as a sync request (a char vector) in order and its
 * result printed with kipc_format(), one line each; --async EXPR sends an
 * async message (no reply), --raw HEX writes those bytes as they are (for
 * malformed-message tests) and then waits for whatever comes back, --zip
 * EXPR sends EXPR as a compressed sync request, --pad N EXPR sends EXPR
 * followed by N spaces (a big request), --sleep
 * pauses, --alive prints kipc_conn_is_alive() ("alive" / "dead").  Async
 * messages arriving before a response are printed as "async: ...".  Sync
 * requests from the server (a handler's .z.w x) get an error response, or
 * none at all with --ignore-sync (each is printed as "ignored sync: ...").
 * Arguments after "--" are all expressions (for ones starting with '-').
 * HOST "unix" uses the abstract Unix socket.  MODE is disable, require,
 * verify-ca or verify-full.
 *
 * Exit status: 0 all went well, 1 a q error was printed ('...), 2 connection
 * or protocol error (message on stderr), 3 timeout, 4 usage.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/tests/qclient.c
 *
 *-------------------------------------------------------------------------
 */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kipc.h"

static KipcConn *conn;
static int	timeout_ms = 10000;
static bool verbose = false;
static bool quiet = false;
static bool bench = false;
static bool ignore_sync = false;

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(int code, const char *what)
{
	fprintf(stderr, "qclient: %s%s%s\n", what, *kipc_conn_error(conn) ? ": " : "",
			kipc_conn_error(conn));
	kipc_conn_free(conn);
	exit(code);
}

/* wait until the socket is ready as st asks; exit 3 on timeout */
static void
wait_for(KipcStatus st, double deadline)
{
	struct pollfd pfd;
	int			left = (int) ((deadline - now_sec()) * 1000);
	int			rc;

	if (left <= 0)
	{
		fprintf(stderr, "qclient: timeout\n");
		kipc_conn_free(conn);
		exit(3);
	}
	pfd.fd = kipc_conn_socket(conn);
	pfd.events = st == KIPC_WANT_WRITE ? POLLOUT : POLLIN;
	pfd.revents = 0;
	rc = poll(&pfd, 1, left);
	if (rc < 0 && errno != EINTR)
	{
		perror("qclient: poll");
		exit(2);
	}
}

static void
flush_all(double deadline)
{
	KipcStatus	st;

	while ((st = kipc_conn_flush(conn)) != KIPC_OK)
	{
		if (st < 0)
			die(2, "send failed");
		wait_for(st, deadline);
	}
}

/* print o: a q error as 'text, anything else with kipc_format */
static bool
print_result(const char *prefix, const KipcObject *o)
{
	char	   *s;

	if (o->type == KIPC_T_ERROR)
	{
		printf("%s'%s\n", prefix, o->a.s ? o->a.s : "");
		return false;
	}
	if (quiet)
		return true;
	s = kipc_format(o);
	printf("%s%s\n", prefix, s ? s : "(format failed)");
	free(s);
	return true;
}

/*
 * read_response
 *		Read messages until the response; print async ones, refuse sync
 *		requests from the server with an error (kdb-ipc-protocol.md 5.4).
 *		Returns false if the response was a q error.
 */
static bool
read_response(double deadline, double t0)
{
	for (;;)
	{
		KipcMsg    *msg = NULL;
		KipcStatus	st = kipc_conn_read(conn, &msg);
		bool		ok;

		if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			wait_for(st, deadline);
			continue;
		}
		if (st != KIPC_OK)
			die(2, "read failed");
		if (verbose)
			printf("# msgtype=%d compressed=%d wire=%zu len=%zu\n", msg->msgtype,
				   msg->was_compressed ? 1 : 0, msg->wire_len, msg->len);
		if (msg->msgtype == KIPC_MSG_ASYNC)
		{
			print_result("async: ", msg->root);
			kipc_msg_free(msg);
			continue;
		}
		if (msg->msgtype == KIPC_MSG_SYNC && ignore_sync)
		{
			print_result("ignored sync: ", msg->root);
			kipc_msg_free(msg);
			continue;
		}
		if (msg->msgtype == KIPC_MSG_SYNC)
		{
			KipcObject *e = kipc_new_error("unable to process sync requests");

			kipc_conn_send(conn, KIPC_MSG_RESPONSE, e);
			kipc_unref(e);
			kipc_msg_free(msg);
			flush_all(deadline);
			continue;
		}
		if (bench)
		{
			double		el = now_sec() - t0;

			printf("# %zu bytes in %.3f s: %.1f MB/s\n", msg->wire_len, el,
				   msg->wire_len / el / 1e6);
		}
		ok = print_result("", msg->root);
		fflush(stdout);
		kipc_msg_free(msg);
		return ok;
	}
}

static int
hexval(int ch)
{
	if (isdigit(ch))
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* write raw bytes on the socket (bypassing the encoder) */
static void
send_raw(const char *hex, double deadline)
{
	size_t		n = strlen(hex) / 2;
	uint8_t    *b = malloc(n);
	size_t		i;
	size_t		off = 0;

	for (i = 0; i < n; i++)
	{
		int			hi = hexval((unsigned char) hex[2 * i]);
		int			lo = hexval((unsigned char) hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
		{
			fprintf(stderr, "qclient: bad hex \"%s\"\n", hex);
			exit(4);
		}
		b[i] = (uint8_t) (hi * 16 + lo);
	}
	while (off < n)
	{
		ssize_t		w = write(kipc_conn_socket(conn), b + off, n - off);

		if (w < 0 && (errno == EAGAIN || errno == EINTR))
		{
			wait_for(KIPC_WANT_WRITE, deadline);
			continue;
		}
		if (w < 0)
		{
			perror("qclient: write");
			exit(2);
		}
		off += (size_t) w;
	}
	free(b);
}

static void
usage(void)
{
	fprintf(stderr, "usage: qclient [-h HOST] -p PORT [-u USER:PASS] [--sslmode MODE] [--tls-ca FILE]\n"
			"               [--tls-cert FILE --tls-key FILE] [-t SECONDS] [-v] [-q] [--bench]\n"
			"               [--async EXPR] [--zip EXPR] [--pad N EXPR] [--raw HEX] [--sleep MS]\n"
			"               [--alive] [--ignore-sync] [--] EXPR ...\n");
	exit(4);
}

int
main(int argc, char **argv)
{
	KipcConnParams p;
	char	   *userpass = NULL;
	int			i;
	int			first_action = -1;
	int			dashes_at = -1;
	bool		after_dashes = false;
	KipcStatus	st;
	double		deadline;
	int			rc = 0;

	/* reuse freed big buffers (see server.c): repeated --bench runs */
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	mallopt(M_TRIM_THRESHOLD, INT32_MAX);

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.sslmode = KIPC_SSL_DISABLE;

	for (i = 1; i < argc; i++)
	{
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 && v)
			p.host = argv[++i];
		else if (strcmp(a, "-p") == 0 && v)
			p.port = atoi(argv[++i]);
		else if (strcmp(a, "-u") == 0 && v)
			userpass = argv[++i];
		else if (strcmp(a, "-t") == 0 && v)
			timeout_ms = (int) (atof(argv[++i]) * 1000);
		else if (strcmp(a, "--tls-ca") == 0 && v)
			p.sslrootcert = argv[++i];
		else if (strcmp(a, "--tls-cert") == 0 && v)
			p.sslcert = argv[++i];
		else if (strcmp(a, "--tls-key") == 0 && v)
			p.sslkey = argv[++i];
		else if (strcmp(a, "--sslmode") == 0 && v)
		{
			i++;
			if (strcmp(v, "disable") == 0)
				p.sslmode = KIPC_SSL_DISABLE;
			else if (strcmp(v, "require") == 0)
				p.sslmode = KIPC_SSL_REQUIRE;
			else if (strcmp(v, "verify-ca") == 0)
				p.sslmode = KIPC_SSL_VERIFY_CA;
			else if (strcmp(v, "verify-full") == 0)
				p.sslmode = KIPC_SSL_VERIFY_FULL;
			else
				usage();
		}
		else if (strcmp(a, "-v") == 0)
			verbose = true;
		else if (strcmp(a, "-q") == 0)
			quiet = true;
		else if (strcmp(a, "--bench") == 0)
			bench = true;
		else if (strcmp(a, "--ignore-sync") == 0)
			ignore_sync = true;
		else if (strcmp(a, "--pad") == 0 && v && i + 2 < argc)
		{
			if (first_action < 0)
				first_action = i;
			i += 2;
		}
		else if ((strcmp(a, "--async") == 0 || strcmp(a, "--raw") == 0 ||
				  strcmp(a, "--zip") == 0 ||
				  strcmp(a, "--sleep") == 0) && v)
		{
			if (first_action < 0)
				first_action = i;
			i++;
		}
		else if (strcmp(a, "--alive") == 0)
		{
			if (first_action < 0)
				first_action = i;
		}
		else if (strcmp(a, "--") == 0)
		{
			/* the rest are expressions, even if they start with '-' */
			if (first_action < 0)
				first_action = i;
			dashes_at = i;
			break;
		}
		else if (a[0] == '-' && a[1] != '\0' && !isspace((unsigned char) a[1]))
			usage();
		else if (first_action < 0)
			first_action = i;
	}
	if (p.port <= 0 || first_action < 0 ||
		(first_action == argc - 1 && dashes_at == first_action))
		usage();
	if (userpass != NULL)
	{
		char	   *colon = strchr(userpass, ':');

		if (colon)
		{
			*colon = '\0';
			p.password = colon + 1;
		}
		p.user = userpass;
	}

	conn = kipc_conn_new();
	if (conn == NULL)
	{
		fprintf(stderr, "qclient: out of memory\n");
		return 2;
	}
	deadline = now_sec() + timeout_ms / 1000.0;
	st = kipc_conn_start(conn, &p);
	while (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
	{
		wait_for(st, deadline);
		st = kipc_conn_connect_poll(conn);
	}
	if (st != KIPC_OK)
		die(2, st == KIPC_ERR_AUTH ? "access denied" : "could not connect");
	if (verbose)
		printf("# connected: capability %d%s\n", kipc_conn_capability(conn),
			   kipc_conn_is_tls(conn) ? ", TLS" : "");

	for (i = first_action; i < argc; i++)
	{
		const char *a = argv[i];
		KipcObject *o;
		double		t0 = now_sec();

		deadline = t0 + timeout_ms / 1000.0;
		if (i == dashes_at)
		{
			after_dashes = true;
			continue;
		}
		if (!after_dashes &&
			(strcmp(a, "-v") == 0 || strcmp(a, "-q") == 0 || strcmp(a, "--bench") == 0 ||
			 strcmp(a, "--ignore-sync") == 0))
			continue;
		if (!after_dashes && strcmp(a, "--sleep") == 0)
		{
			usleep((useconds_t) atoi(argv[++i]) * 1000);
			continue;
		}
		if (!after_dashes && strcmp(a, "--alive") == 0)
		{
			printf("%s\n", kipc_conn_is_alive(conn) ? "alive" : "dead");
			fflush(stdout);
			continue;
		}
		if (!after_dashes && strcmp(a, "--raw") == 0)
		{
			send_raw(argv[++i], deadline);
			/* a complete sync message gets a response */
			if (!read_response(deadline, t0))
				rc = 1;
			continue;
		}
		if (!after_dashes && strcmp(a, "--zip") == 0)
		{
			/* a compressed sync request, as javakdb's zip option sends */
			const char *e = argv[++i];
			uint8_t    *msgbuf;
			size_t		len;
			uint8_t    *z;
			size_t		zlen;
			char	   *hex;
			size_t		k;

			o = kipc_new_string(e, strlen(e));
			if (kipc_encode_message(o, KIPC_MSG_SYNC, &msgbuf, &len) != KIPC_OK)
				die(2, "encode failed");
			kipc_unref(o);
			z = malloc(len / 2 + 16);
			zlen = kipc_compress(msgbuf, len, z);
			if (zlen == 0)
			{
				fprintf(stderr, "qclient: --zip: message does not compress to half\n");
				exit(4);
			}
			hex = malloc(zlen * 2 + 1);
			for (k = 0; k < zlen; k++)
				sprintf(hex + 2 * k, "%02x", z[k]);
			send_raw(hex, deadline);
			free(hex);
			free(z);
			free(msgbuf);
			if (!read_response(deadline, t0))
				rc = 1;
			continue;
		}
		if (!after_dashes && strcmp(a, "--pad") == 0)
		{
			/* EXPR followed by N spaces: a big request (partial writes) */
			size_t		pad = (size_t) atol(argv[++i]);
			const char *e = argv[++i];
			size_t		elen = strlen(e);

			o = kipc_new_vector(KIPC_T_CHAR, (int64_t) (elen + pad));
			if (o == NULL)
				die(2, "out of memory");
			memcpy(o->v.items, e, elen);
			memset((char *) o->v.items + elen, ' ', pad);
			if (kipc_conn_send(conn, KIPC_MSG_SYNC, o) != KIPC_OK)
				die(2, "send failed");
			kipc_unref(o);
			flush_all(deadline);
			if (!read_response(deadline, t0))
				rc = 1;
			continue;
		}
		if (!after_dashes && strcmp(a, "--async") == 0)
		{
			const char *e = argv[++i];

			o = kipc_new_string(e, strlen(e));
			if (kipc_conn_send(conn, KIPC_MSG_ASYNC, o) != KIPC_OK)
				die(2, "send failed");
			kipc_unref(o);
			flush_all(deadline);
			continue;
		}
		o = kipc_new_string(a, strlen(a));
		if (kipc_conn_send(conn, KIPC_MSG_SYNC, o) != KIPC_OK)
			die(2, "send failed");
		kipc_unref(o);
		flush_all(deadline);
		if (!read_response(deadline, t0))
			rc = 1;
	}
	if (verbose)
		printf("# bytes in %llu out %llu\n", (unsigned long long) kipc_conn_bytes_in(conn),
			   (unsigned long long) kipc_conn_bytes_out(conn));
	kipc_conn_free(conn);
	return rc;
}
