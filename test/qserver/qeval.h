/*-------------------------------------------------------------------------
 *
 * qeval.h
 *		Interface between the q test server's network layer (server.c) and
 *		its q interpreter (q_*.c).
 *
 * The interpreter evaluates the subset of q that qipc_fdw emits and its
 * tests use, with real q semantics (right to left, q nulls, q errors).
 * Anything outside the subset is the q error 'nyi, never a guess.  Values
 * are libkipc heap objects (src/kipc/kipc.h), reference counted.
 *
 * The interpreter is single threaded and serves one request at a time, as
 * q does.  It never touches sockets: the fault hooks (.qserver.close[] and
 * friends) and handle application on the caller's handle (.z.w x,
 * neg[.z.w] x) call back into the server through QServerHooks.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/qeval.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef QEVAL_H
#define QEVAL_H

#include "kipc.h"

typedef struct QInterp QInterp;

/* callbacks from the fault hooks into the server; any may be NULL */
typedef struct QServerHooks
{
	void	   *arg;
	/* .qserver.close[]: drop the caller's connection, send no reply */
	void		(*close_caller) (void *arg);
	/* .qserver.garbage[]: reply with malformed bytes instead of the result */
	void		(*garbage_reply) (void *arg);
	/* .qserver.asyncfirst[x]: send x to the caller as an async message now,
	 * before the reply */
	void		(*async_first) (void *arg, const KipcObject *x);
	/* .qserver.exit[]: exit the process after this request */
	void		(*exit_server) (void *arg);
	/* .qserver.restart[ms]: close every connection and the listeners,
	 * listen again after ms milliseconds (a server restart) */
	void		(*restart) (void *arg, int64_t ms);

	/*
	 * Handle application on the caller's handle inside a request, as kdb+
	 * does: neg[.z.w] x (sync false) sends x to the caller as an async
	 * message and returns :: at once (a new reference); .z.w x (sync true)
	 * sends x as a sync request and waits for the caller's response,
	 * returning it (a new reference).  On failure (the caller replied with
	 * an error, closed, timed out, or no caller) returns NULL with the q
	 * error text in errbuf, which the interpreter signals.
	 */
	KipcObject *(*send_to_caller) (void *arg, const KipcObject *x, bool sync,
								   char *errbuf, size_t errlen);
} QServerHooks;

extern QInterp *q_interp_new(const QServerHooks *hooks);
extern void q_interp_free(QInterp *q);

/*
 * Evaluate q source text (one or more statements separated by ';' or
 * newlines at top level).  Returns a new reference to the result, or an
 * error object (type KIPC_T_ERROR) for a q error.  Never NULL.
 */
extern KipcObject *q_eval_text(QInterp *q, const char *src, size_t len);

/*
 * Load a script as `q script.q` does: statement by statement (a statement
 * continues on lines that start with white space), comments removed.
 * Returns the last result or the first error (evaluation stops there).
 */
extern KipcObject *q_load_script(QInterp *q, const char *path);

/*
 * Handle one request payload as kdb+ does: pass it to .z.pg (sync) or .z.ps
 * (async) when the script defined them, otherwise to `value`: a char vector
 * is parsed and evaluated; a general list (f;a1;...) applies f (a function,
 * a symbol naming one, or a string that evaluates to one) to the rest.
 * Returns a new reference to the result or an error object.
 */
extern KipcObject *q_handle_request(QInterp *q, const KipcObject *payload, bool sync);

/* .z.pw: true to accept (true when .z.pw is not defined) */
extern bool q_check_password(QInterp *q, const char *user, const char *password);

/* per-request context: .z.u, .z.w, .z.a (address as text) */
extern void q_set_context(QInterp *q, const char *user, int handle, const char *addr);

/*
 * -T: evaluation started now must end by deadline_ms (CLOCK_MONOTONIC
 * milliseconds; 0 = none).  The evaluator checks it in its loops and in
 * .qserver.sleep and signals 'stop when it passes.
 */
extern void q_set_deadline(QInterp *q, int64_t deadline_ms);

/* CLOCK_MONOTONIC in milliseconds */
extern int64_t q_now_ms(void);

/*
 * .qserver.stats[] per connection: the server keeps one QStats per client
 * and names it around each request, so that a stats call reports the
 * last other request of the same connection (NULL: the interpreter's own
 * record, used by scripts and in-process evaluation).
 */
typedef struct QStats QStats;
extern QStats *q_stats_new(void);
extern void q_stats_delete(QStats *s);
extern void q_set_stats_sink(QInterp *q, QStats *s);

#endif							/* QEVAL_H */
