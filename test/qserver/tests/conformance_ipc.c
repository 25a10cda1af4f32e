/*-------------------------------------------------------------------------
 *
 * conformance_ipc.c
 *		Runs the conformance suite (the .tsv files in test/qserver/conformance)
 *		against a running q test server over kdb+ IPC, through the project's
 *		own client code (libkipc: kipc_conn_* transport, encoder, decoder).
 *
 * conformance_main.c checks the interpreter in-process; this program checks
 * the same rows end to end: each expression is sent as-is (a char vector in
 * a sync message, exactly what a kdb+ client sends) in file order on ONE
 * connection, so a setup row's globals are there for later rows.  The
 * server keeps globals per process, not per connection: to get what
 * conformance_main.c does (a fresh interpreter per file),
 * run_conformance_ipc.sh starts a fresh server for every file.
 *
 * How a row is checked (expression TAB expected TAB citation):
 *	- expected "-" (a setup row): the reply must not be a q error;
 *	- expected "'text": the reply must be an error object (type -128) whose
 *	  text is "text";
 *	- otherwise the expected text (q's display of what real kdb+ gives,
 *	  usually also valid q input) is sent as a second sync request on the
 *	  same connection, and the two DECODED replies are compared here, in the
 *	  client, with match_strict() below;
 *	- when that fails (the display is not q input: 2.147484e+09, `hello
 *	  world, 0000.00.00, a guid; or it shows 7 significant digits of a
 *	  float with more), the object the client decoded is re-encoded by
 *	  libkipc and sent back as ("{-3!x}"; obj): the row passes when the
 *	  server's display of the object the CLIENT decoded is the expected
 *	  text exactly (echo_display()).
 *
 * Why this cannot trivially pass: the expected column is real kdb+'s
 * answer and is never derived from the server's answer to the row.
 * match_strict() is stricter than q's match: it checks the type byte of
 * every node, the attribute byte of every vector/list/table (which ~
 * ignores), counts, symbols, lambda source and context, primitive indexes
 * and every item bit for bit (floats: equal or both null).  Negative
 * controls (self_test()) run first over the same connection: pairs that
 * differ only in type, attribute, count, one item or one float digit must
 * be reported as mismatches, or the run fails.  In the fallback the
 * expression is not evaluated again and -3! is applied to what the client
 * decoded, so a decoder fault that changes the value changes the display.
 * What this cannot see: an interpreter fault that changes the server's
 * value of the expected text and of the expression alike (conformance_main.c
 * compares display text against real kdb+'s and catches those), or a
 * libkipc decoder fault cancelled exactly by a libkipc encoder fault (the
 * node-q run in run_conformance_ipc.sh decodes with independent code).
 *
 * Usage: conformance_ipc [-h HOST] -p PORT [-t SECONDS] [-v] [file-or-dir ...]
 *		(default test/qserver/conformance)
 * Prints every mismatch and ends with "N passed, M failed, 0 skipped" (setup
 * rows, expected "-", are not counted unless they fail); exit status 1
 * on any failure, 2 on a connection failure.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/tests/conformance_ipc.c
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conformance_tsv.h"
#include "kipc.h"

static KipcConn *conn;
static int	timeout_ms = 10000;
static bool verbose = false;
static ConfTally tally;
static int	npass,
			nfail,
			nechoed;			/* passed through echo_display() */

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "conformance_ipc: %s%s%s\n", what,
			*kipc_conn_error(conn) ? ": " : "", kipc_conn_error(conn));
	printf("%d passed, %d failed, 0 skipped\n", npass, nfail + 1);
	exit(2);
}

static void
wait_for(KipcStatus st, double deadline)
{
	struct pollfd pfd;
	int			left = (int) ((deadline - now_sec()) * 1000);

	if (left <= 0)
		die("timeout");
	pfd.fd = kipc_conn_socket(conn);
	pfd.events = st == KIPC_WANT_WRITE ? POLLOUT : POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, left) < 0 && errno != EINTR)
		die("poll failed");
}

/*
 * request
 *		Send text as a sync request and return the decoded response message
 *		(caller frees).  Async messages before the response are dropped; a
 *		sync request from the server is refused, as kdb+ clients do.
 */
static KipcMsg *
request_obj(const KipcObject *o)
{
	double		deadline = now_sec() + timeout_ms / 1000.0;
	KipcStatus	st;

	if (o == NULL || kipc_conn_send(conn, KIPC_MSG_SYNC, o) != KIPC_OK)
		die("send failed");
	while ((st = kipc_conn_flush(conn)) != KIPC_OK)
	{
		if (st < 0)
			die("send failed");
		wait_for(st, deadline);
	}
	for (;;)
	{
		KipcMsg    *msg = NULL;

		st = kipc_conn_read(conn, &msg);
		if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			wait_for(st, deadline);
			continue;
		}
		if (st != KIPC_OK)
			die("read failed");
		if (msg->msgtype == KIPC_MSG_RESPONSE)
			return msg;
		if (msg->msgtype == KIPC_MSG_SYNC)
		{
			KipcObject *e = kipc_new_error("unable to process sync requests");

			kipc_conn_send(conn, KIPC_MSG_RESPONSE, e);
			kipc_unref(e);
			while ((st = kipc_conn_flush(conn)) != KIPC_OK)
			{
				if (st < 0)
					die("send failed");
				wait_for(st, deadline);
			}
		}
		kipc_msg_free(msg);
	}
}

/* send q text as a sync request, as kdb+ clients do */
static KipcMsg *
request(const char *text)
{
	KipcObject *o = kipc_new_string(text, strlen(text));
	KipcMsg    *m = request_obj(o);

	kipc_unref(o);
	return m;
}

/*
 * echo_display
 *		The fallback check for expected texts that are q display but not q
 *		input (2.147484e+09, `hello world, 0000.00.00, a guid) or that show
 *		fewer float digits than the value has.  The object the client
 *		DECODED is re-encoded by libkipc and sent back as the argument of
 *		("{-3!x}"; obj); the server displays what it receives.  A decode
 *		fault changes the object and so its display; the expression is not
 *		evaluated again.  Returns the display (allocated) or NULL when the
 *		reply is not a string.
 */
static char *
echo_display(const KipcObject *decoded)
{
	KipcObject *call = kipc_new_list(2);
	KipcMsg    *m;
	char	   *s = NULL;

	call->v.objs[0] = kipc_new_cstring("{-3!x}");
	call->v.objs[1] = kipc_copy(decoded);
	m = request_obj(call);
	kipc_unref(call);
	if (m->root->type == KIPC_T_CHAR)
	{
		s = malloc(m->root->n + 1);
		memcpy(s, m->root->v.items, m->root->n);
		s[m->root->n] = 0;
	}
	kipc_msg_free(m);
	return s;
}

/* ----------------------------------------------------------------
 * Strict client-side comparison of two decoded objects
 * ----------------------------------------------------------------
 */

/* float items: the same value (nulls match nulls), no tolerance */
static bool
float_same(double x, double y)
{
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y;
}

static bool
str_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* number of child objects of a container type, -1 for non-containers */
static int64_t
nchildren(const KipcObject *o)
{
	switch (o->type)
	{
		case KIPC_T_LIST:
		case KIPC_T_PROJECTION:
		case KIPC_T_COMPOSITION:
			return o->n;
		case KIPC_T_TABLE:
		case KIPC_T_LAMBDA:
		case KIPC_T_EACH:
		case KIPC_T_OVER:
		case KIPC_T_SCAN:
		case KIPC_T_EACHPRIOR:
		case KIPC_T_EACHRIGHT:
		case KIPC_T_EACHLEFT:
			return 1;
		case KIPC_T_DICT:
		case KIPC_T_SORTED_DICT:
			return 2;
		default:
			return -1;
	}
}

/* a and b are the same q value, type and attribute included */
static bool
match_strict(const KipcObject *a, const KipcObject *b)
{
	int64_t		k,
				nc;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	if (a->type >= 0 && a->type != KIPC_T_UNARY && a->type != KIPC_T_BINARY &&
		a->type != KIPC_T_TERNARY && a->attr != b->attr)
		return false;

	switch (a->type)
	{
		case -KIPC_T_BOOLEAN:
		case -KIPC_T_BYTE:
		case -KIPC_T_CHAR:
		case KIPC_T_UNARY:
		case KIPC_T_BINARY:
		case KIPC_T_TERNARY:
			return a->a.g == b->a.g;
		case -KIPC_T_GUID:
			return memcmp(a->a.guid, b->a.guid, 16) == 0;
		case -KIPC_T_SHORT:
			return a->a.h == b->a.h;
		case -KIPC_T_INT:
		case -KIPC_T_MONTH:
		case -KIPC_T_DATE:
		case -KIPC_T_MINUTE:
		case -KIPC_T_SECOND:
		case -KIPC_T_TIME:
			return a->a.i == b->a.i;
		case -KIPC_T_LONG:
		case -KIPC_T_TIMESTAMP:
		case -KIPC_T_TIMESPAN:
			return a->a.j == b->a.j;
		case -KIPC_T_REAL:
			return float_same(a->a.e, b->a.e);
		case -KIPC_T_FLOAT:
			return float_same(a->a.f, b->a.f);
		case -KIPC_T_DATETIME:
			return float_same(a->a.f, b->a.f);
		case -KIPC_T_SYMBOL:
		case KIPC_T_ERROR:
			return str_same(a->a.s, b->a.s);
		default:
			break;
	}
	if (a->type < 0)
		return false;			/* an atom type we do not know: never equal */

	if (a->type >= KIPC_T_BOOLEAN && a->type <= KIPC_T_TIME)
	{
		if (a->n != b->n)
			return false;
		for (k = 0; k < a->n; k++)
		{
			bool		same;

			switch (a->type)
			{
				case KIPC_T_SYMBOL:
					same = str_same(a->v.syms[k], b->v.syms[k]);
					break;
				case KIPC_T_REAL:
					same = float_same(kipc_get_e(a, k), kipc_get_e(b, k));
					break;
				case KIPC_T_FLOAT:
					same = float_same(kipc_get_f(a, k), kipc_get_f(b, k));
					break;
				case KIPC_T_DATETIME:
					same = float_same(kipc_get_f(a, k), kipc_get_f(b, k));
					break;
				default:
					{
						int			sz = kipc_type_size(a->type);

						same = memcmp((const char *) a->v.items + k * sz,
									  (const char *) b->v.items + k * sz, sz) == 0;
					}
					break;
			}
			if (!same)
				return false;
		}
		return true;
	}

	nc = nchildren(a);
	if (nc < 0)
		return false;			/* a type we do not know: never equal */
	if (a->n != b->n || nchildren(b) != nc)
		return false;
	if (a->type == KIPC_T_LAMBDA && !str_same(a->a.s, b->a.s))
		return false;
	for (k = 0; k < nc; k++)
		if (!match_strict(a->v.objs[k], b->v.objs[k]))
			return false;
	return true;
}

static char *
show(const KipcObject *o)
{
	char	   *s;

	if (o->type == KIPC_T_ERROR)
	{
		size_t		n = strlen(o->a.s ? o->a.s : "") + 2;

		s = malloc(n);
		snprintf(s, n, "'%s", o->a.s ? o->a.s : "");
		return s;
	}
	s = kipc_format(o);
	return s ? s : strdup("(format failed)");
}

/* ----------------------------------------------------------------
 * Negative controls: each pair must NOT match
 * ----------------------------------------------------------------
 */
static const char *const must_differ[][2] = {
	{"1 2 3", "1 2 4"},			/* one item */
	{"1 2 3", "1 2"},			/* count */
	{"1 2 3i", "1 2 3"},		/* int vs long */
	{"1f", "1"},				/* float vs long */
	{"1", ",1"},				/* atom vs vector */
	{"`s#1 2 3", "1 2 3"},		/* attribute (q's ~ ignores it) */
	{"`a`b", "`a`c"},			/* symbol */
	{"\"ab\"", "`ab"},			/* string vs symbol */
	{"0.6666667", "0.666667"},	/* one float digit */
	{"2000.01.01T00:00:00.001", "2000.01.01T00:00:00.002"}, /* datetime ms */
	{"`a`b!1 2", "`a`b!1 3"},	/* dict value */
	{"([] a:1 2)", "([] b:1 2)"},	/* table column name */
	{"([k:1 2] v:3 4)", "`k xkey ([] k:1 2; v:3 5)"},	/* keyed table */
	{"(1;`a)", "(1;`b)"},		/* general list */
	{"{x+y}", "{x+z}"},			/* lambda source */
	{"+", "-"},					/* primitive */
	{"2000.01.01D00:00:00.000000001", "2000.01.01D00:00:00.000000002"}, /* ns */
};

static bool
self_test(void)
{
	size_t		i;
	bool		ok = true;

	for (i = 0; i < sizeof(must_differ) / sizeof(must_differ[0]); i++)
	{
		KipcMsg    *a = request(must_differ[i][0]);
		KipcMsg    *b = request(must_differ[i][1]);
		KipcMsg    *a2 = request(must_differ[i][0]);

		if (a->root->type == KIPC_T_ERROR || b->root->type == KIPC_T_ERROR ||
			match_strict(a->root, b->root) || !match_strict(a->root, a2->root))
		{
			printf("self-test: comparison of %s and %s is wrong\n",
				   must_differ[i][0], must_differ[i][1]);
			ok = false;
		}
		kipc_msg_free(a);
		kipc_msg_free(b);
		kipc_msg_free(a2);
	}
	/* the fallback shows what was decoded, type suffixes included */
	for (i = 0; i < sizeof(must_differ) / sizeof(must_differ[0]); i++)
	{
		KipcMsg    *a = request(must_differ[i][0]);
		char	   *d = echo_display(a->root);
		KipcMsg    *b = request(must_differ[i][1]);
		char	   *e = echo_display(b->root);

		if (d == NULL || e == NULL || strcmp(d, e) == 0)
		{
			printf("self-test: echoed displays of %s and %s: %s, %s\n",
				   must_differ[i][0], must_differ[i][1], d ? d : "(none)",
				   e ? e : "(none)");
			ok = false;
		}
		free(d);
		free(e);
		kipc_msg_free(a);
		kipc_msg_free(b);
	}
	return ok;
}

/* ----------------------------------------------------------------
 * Rows
 * ----------------------------------------------------------------
 */
static void
run_file(const char *path)
{
	FILE	   *fp = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0;
	int			lineno = 0;
	int			rc;
	char	   *expr;
	char	   *want;

	if (!fp)
	{
		printf("%s: cannot open\n", path);
		nfail++;
		return;
	}
	while ((rc = conf_read_row(fp, path, &line, &cap, &lineno, &expr, &want)) != 0)
	{
		KipcMsg    *got,
				   *exp = NULL;
		bool		ok;
		const char *why = "";
		char		whybuf[1024];
		int			kind;

		if (rc < 0 || (kind = conf_row_kind(path, lineno)) < 0)
		{
			nfail++;
			continue;
		}

		got = request(expr);
		if (strcmp(want, "-") == 0)
			ok = got->root->type != KIPC_T_ERROR;
		else if (want[0] == '\'')
		{
			ok = got->root->type == KIPC_T_ERROR &&
				str_same(got->root->a.s, want + 1);
			if (!ok)
				why = "an error reply with this text";
		}
		else if (got->root->type == KIPC_T_ERROR)
			ok = false;
		else
		{
			exp = request(want);
			ok = exp->root->type != KIPC_T_ERROR &&
				match_strict(got->root, exp->root);
			if (!ok)
			{
				/* not q input, or fewer digits than the value: see above */
				char	   *d = echo_display(got->root);

				ok = d != NULL && strcmp(d, want) == 0;
				if (ok)
				{
					nechoed++;
					printf("# by display: %s:%d: %s\n", path, lineno, expr);
				}
				else
				{
					snprintf(whybuf, sizeof(whybuf),
							 "%s; the decoded reply, sent back, displays as %s",
							 exp->root->type == KIPC_T_ERROR ?
							 "the expected text does not evaluate on the server" :
							 "decoded replies differ", d ? d : "(no string)");
					why = whybuf;
				}
				free(d);
			}
		}
		conf_tally(&tally, kind, ok);
		if (ok)
		{
			if (kind != CONF_SETUP)
				npass++;
			if (verbose)
				printf("ok %s:%d\n", path, lineno);
		}
		else
		{
			char	   *g = show(got->root);

			nfail++;
			printf("%s:%d: %s\n    expected: %s\n    got:      %s\n", path, lineno,
				   expr, want, g);
			if (exp)
			{
				char	   *e = show(exp->root);

				printf("    expected decodes as: %s\n", e);
				free(e);
			}
			if (*why)
				printf("    (%s)\n", why);
			free(g);
		}
		kipc_msg_free(got);
		kipc_msg_free(exp);
	}
	free(line);
	fclose(fp);
}

int
main(int argc, char **argv)
{
	KipcConnParams p;
	KipcStatus	st;
	double		deadline;
	int			i;
	int			first_path = argc;

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.sslmode = KIPC_SSL_DISABLE;
	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-h") == 0 && i + 1 < argc)
			p.host = argv[++i];
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			p.port = atoi(argv[++i]);
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			timeout_ms = (int) (atof(argv[++i]) * 1000);
		else if (strcmp(argv[i], "-v") == 0)
			verbose = true;
		else if (argv[i][0] == '-')
		{
			fprintf(stderr, "usage: conformance_ipc [-h HOST] -p PORT [-t SECONDS] [-v] [file-or-dir ...]\n");
			return 4;
		}
		else
		{
			first_path = i;
			break;
		}
	}
	if (p.port <= 0)
	{
		fprintf(stderr, "conformance_ipc: -p PORT is required\n");
		return 4;
	}

	conn = kipc_conn_new();
	if (conn == NULL)
		return 2;
	deadline = now_sec() + timeout_ms / 1000.0;
	st = kipc_conn_start(conn, &p);
	while (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
	{
		wait_for(st, deadline);
		st = kipc_conn_connect_poll(conn);
	}
	if (st != KIPC_OK)
		die("could not connect");

	if (!self_test())
		nfail++;
	if (first_path >= argc)
		conf_for_each_file("test/qserver/conformance", run_file);
	for (i = first_path; i < argc; i++)
		conf_for_each_file(argv[i], run_file);
	kipc_conn_free(conn);
	printf("# %d rows matched by display of the echoed decoded reply\n", nechoed);
	conf_print_tally(&tally, "# ");
	printf("%d passed, %d failed, 0 skipped\n", npass, nfail);
	return nfail ? 1 : 0;
}
