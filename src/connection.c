/*-------------------------------------------------------------------------
 *
 * connection.c
 *		  Connection management for qipc_fdw: the connection cache, the wait
 *		  loop, reconnection, and error reporting.
 *
 * One connection per user mapping per backend, opened lazily and cached in a
 * backend-local hash table keyed by the user mapping OID (as postgres_fdw
 * does: a PUBLIC mapping then shares one connection across local roles).
 * Syscache callbacks on pg_foreign_server and pg_user_mapping close the
 * affected connections; a transaction callback closes connections of
 * servers with keep_connections off, and any connection left in the middle
 * of a request by an error.
 *
 * kdb+ has no transactions and no cancel message.  Consequences:
 *	- a cached connection found dead when a query starts is re-established
 *	  transparently (once, plus reconnect_attempts announced retries);
 *	- a request that is interrupted (statement_timeout, cancel) cannot be
 *	  cancelled on the server: the connection is closed and discarded, and a
 *	  NOTICE says that the q server may still be computing;
 *	- a connection that failed in the middle of a message is never reused;
 *	- paged scans pipeline their requests (qipc_send_request, then
 *	  qipc_receive_response): a connection may then carry a reply nobody
 *	  has read yet.  Any other request on it first reads that reply and
 *	  keeps it for its owner (settle_pending); a connection closed with a
 *	  reply outstanding loses it, and its owner asks again.
 *
 * This is the only file that waits on a socket.  libkipc's KipcConn is a
 * non-blocking state machine; every wait here goes through
 * WaitLatchOrSocket followed by ResetLatch and CHECK_FOR_INTERRUPTS, so
 * cancel, statement_timeout and pg_terminate_backend end a wait at once.
 *
 * libkipc allocates with malloc.  Messages returned by qipc_request are
 * freed by a reset callback on the caller's memory context; the KipcConn
 * belongs to the cache entry and only this file closes it.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/connection.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "qipc_fdw.h"

/* replies of pipelined requests kept for their owners (see settle_pending) */
#define QIPC_STASH_SIZE		8

/*
 * A connection cache entry.  The struct is what callers know as
 * QipcConnection (opaque to them).  Entries are never removed from the
 * hash table, so pointers to them stay valid; closing a connection only
 * frees its KipcConn.
 */
struct QipcConnCacheEntry
{
	Oid			key;			/* hash key: user mapping OID (must be first) */
	KipcConn   *conn;			/* open connection, or NULL */
	Oid			serverid;		/* foreign server of the mapping */
	Oid			userid;			/* role used to look the mapping up */
	Oid			mapping_userid; /* role of the mapping itself (InvalidOid =
								 * PUBLIC) */
	char	   *server_name;	/* in CacheMemoryContext */
	char	   *host;			/* in CacheMemoryContext */
	int			port;
	bool		tls;			/* server option sslmode is not disable */
	bool		keep_connections;	/* server option at connect time */
	bool		invalidated;	/* server or mapping changed while in use */
	bool		in_request;		/* a message is being sent or awaited: an
								 * error now poisons the connection */
	bool		lost;			/* the last connection died on its own: the
								 * next one is a reconnection */
	bool		used_in_xact;	/* used in the current transaction */
	bool		fd_acquired;	/* holds an AcquireExternalFD slot */
	bool		connecting;		/* make_connection in progress: I/O errors
								 * mean "could not connect" */
	uint32		server_hashvalue;	/* hash of the server OID */
	uint32		mapping_hashvalue;	/* hash of the user mapping OID */
	uint64		last_request_id;	/* ids of pipelined requests */
	uint64		pending_id;		/* the pipelined request whose reply is still
								 * on the wire (0: none) */
	uint64		pending_in0;	/* bytes received before it was sent */
	KipcMsg    *stash[QIPC_STASH_SIZE]; /* replies read for their owners while
										 * the connection was needed by
										 * another request */
	uint64		stash_id[QIPC_STASH_SIZE];
	/* asynchronous execution: the scan whose request owner_id is */
	void	   *owner;			/* see qipc_set_request_owner */
	uint64		owner_id;
	uint64		waited_id;		/* the pipelined request an Async Append
								 * waits for (qipc_connection_wait_socket) */
	uint64		closed_bytes_in;	/* traffic of closed connections */
	uint64		closed_bytes_out;
	QipcConnStats stats;		/* exposed by qipc_connection_list */
};

typedef struct QipcConnCacheEntry QipcConnCacheEntry;

/* the cache, created on first use */
static HTAB *ConnectionHash = NULL;

/* private flags for exchange(): this is the resend, do not retry again */
#define REQUEST_NO_RETRY	0x1000
/* ... only send a sync request / only read the reply of the last one */
#define REQUEST_SEND_ONLY	0x2000
#define REQUEST_RECEIVE_ONLY 0x4000

/* outcome of one attempt at a request */
typedef enum RequestOutcome
{
	REQUEST_DONE,				/* *msg holds the response */
	REQUEST_RETRY				/* the link was dead before anything
								 * irrevocable happened: reconnect and resend */
} RequestOutcome;

static QipcConnCacheEntry *get_cache_entry(UserMapping *user);
static void make_connection(QipcConnCacheEntry *entry, UserMapping *user,
							bool reconnecting);
static KipcStatus connect_once(QipcConnCacheEntry *entry,
							   const KipcConnParams *params, double timeout);
static void check_conn_params(UserMapping *user, const char *password,
							  const char *sslcert, const char *sslkey,
							  const char *server_name);
static void disconnect(QipcConnCacheEntry *entry, bool lost);
static void ensure_connected(QipcConnCacheEntry *entry);
static bool wait_socket(QipcConnCacheEntry *entry, KipcStatus want,
						TimestampTz deadline);
static void sleep_interruptible(double seconds);
static RequestOutcome exchange(QipcConnCacheEntry *entry,
							   const KipcObject *request, int msgtype,
							   const char *qtext, int flags, KipcMsg **msg);
static RequestOutcome run_exchange(QipcConnCacheEntry *volatile entry,
								   const KipcObject *request, int msgtype,
								   const char *qtext, int flags,
								   KipcMsg **msg);
static void answer_sync_request(QipcConnCacheEntry *entry);
static KipcMsg *request_sync(QipcConnCacheEntry *entry,
							 const KipcObject *request, const char *qtext,
							 int flags);
static KipcMsg *finish_response(QipcConnCacheEntry *entry, KipcMsg *msg,
								MemoryContextCallback *cb, const char *qtext,
								int flags);
static void settle_pending(QipcConnCacheEntry *entry);
static void free_stash(QipcConnCacheEntry *entry);
static void raise_transport_error(QipcConnCacheEntry *entry, KipcStatus st,
								  const char *qtext);
static void remember_error(QipcConnCacheEntry *entry, const char *text);
static void qipc_xact_callback(XactEvent event, void *arg);
static int	compare_names(const ListCell *a, const ListCell *b);
static void qipc_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void free_msg_callback(void *arg);
static void unref_object_callback(void *arg);
static int	qipc_error_context_qtext(const char *qtext);

/*
 * qipc_get_connection
 *		See qipc_fdw.h.
 */
QipcConnection *
qipc_get_connection(UserMapping *user)
{
	QipcConnCacheEntry *entry = get_cache_entry(user);

	/* a connection whose server or mapping changed is closed first */
	if (entry->conn != NULL && entry->invalidated && !entry->in_request)
	{
		elog(DEBUG3, "qipc_fdw: closing connection %p for option changes",
			 entry->conn);
		disconnect(entry, false);
	}

	/* a cached connection that died while idle is re-established */
	if (entry->conn != NULL && !kipc_conn_is_alive(entry->conn))
	{
		elog(DEBUG3, "qipc_fdw: cached connection %p is dead, reconnecting",
			 entry->conn);
		disconnect(entry, true);
	}

	if (entry->conn == NULL)
		make_connection(entry, user, entry->lost);

	entry->used_in_xact = true;
	return entry;
}

/*
 * qipc_connection_is_open
 *		See qipc_fdw.h.
 */
bool
qipc_connection_is_open(UserMapping *user)
{
	QipcConnCacheEntry *entry;

	if (ConnectionHash == NULL)
		return false;
	entry = hash_search(ConnectionHash, &user->umid, HASH_FIND, NULL);
	return entry != NULL && entry->conn != NULL && !entry->invalidated &&
		!entry->in_request && entry->pending_id == 0 && !entry->lost;
}

/*
 * qipc_connection_busy
 *		See qipc_fdw.h.
 */
bool
qipc_connection_busy(UserMapping *user)
{
	QipcConnCacheEntry *entry;

	if (ConnectionHash == NULL)
		return false;
	entry = hash_search(ConnectionHash, &user->umid, HASH_FIND, NULL);
	return entry != NULL &&
		(entry->lost ||
		 (entry->conn != NULL && (entry->in_request || entry->pending_id != 0)));
}

/*
 * get_cache_entry
 *		Find or create the cache entry for a user mapping.  Creates the hash
 *		table and registers the callbacks on first use in the backend.
 */
static QipcConnCacheEntry *
get_cache_entry(UserMapping *user)
{
	QipcConnCacheEntry *entry;
	bool		found;

	if (ConnectionHash == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(QipcConnCacheEntry);
		ConnectionHash = hash_create("qipc_fdw connections", 8, &ctl,
									 HASH_ELEM | HASH_BLOBS);

		RegisterXactCallback(qipc_xact_callback, NULL);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID,
									  qipc_inval_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID,
									  qipc_inval_callback, (Datum) 0);
	}

	entry = hash_search(ConnectionHash, &user->umid, HASH_ENTER, &found);
	if (!found)
	{
		Oid			key = entry->key;

		memset(entry, 0, sizeof(*entry));
		entry->key = key;
	}
	entry->serverid = user->serverid;
	entry->userid = user->userid;
	return entry;
}

/*
 * make_connection
 *		Open a connection for entry (which has none) from the current server
 *		and user mapping options.  When reconnecting (the previous
 *		connection died on its own) and the server sets reconnect_attempts,
 *		failed attempts are retried with WARNINGs and backoff.  Raises an
 *		ERROR if no connection could be made.
 */
static void
make_connection(QipcConnCacheEntry *entry, UserMapping *user,
				bool reconnecting)
{
	ForeignServer *server = GetForeignServer(user->serverid);
	QipcFdwServerOptions sopts;
	KipcConnParams params;
	ListCell   *lc;
	KipcStatus	st;
	MemoryContext oldcxt;

	Assert(entry->conn == NULL);

	qipc_get_server_options(server, &sopts);

	memset(&params, 0, sizeof(params));
	params.host = sopts.host;
	params.port = sopts.port;
	params.sslmode = sopts.sslmode;
	params.sslrootcert = sopts.sslrootcert;
	params.sslcert = sopts.sslcert;
	params.sslkey = sopts.sslkey;
	params.limits.max_message_size = sopts.max_message_size;
	foreach(lc, user->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "user") == 0)
			params.user = defGetString(def);
		else if (strcmp(def->defname, "password") == 0)
			params.password = defGetString(def);
		else if (strcmp(def->defname, "sslcert") == 0)
			params.sslcert = defGetString(def);
		else if (strcmp(def->defname, "sslkey") == 0)
			params.sslkey = defGetString(def);
	}

	/* refresh what the entry remembers about its server */
	oldcxt = MemoryContextSwitchTo(CacheMemoryContext);
	if (entry->server_name)
		pfree(entry->server_name);
	entry->server_name = pstrdup(server->servername);
	if (entry->host)
		pfree(entry->host);
	entry->host = pstrdup(sopts.host);
	MemoryContextSwitchTo(oldcxt);
	entry->port = sopts.port;
	entry->tls = sopts.sslmode != KIPC_SSL_DISABLE;
	entry->keep_connections = sopts.keep_connections;
	entry->invalidated = false;
	entry->mapping_userid = user->userid;
	entry->server_hashvalue =
		GetSysCacheHashValue1(FOREIGNSERVEROID,
							  ObjectIdGetDatum(server->serverid));
	entry->mapping_hashvalue =
		GetSysCacheHashValue1(USERMAPPINGOID,
							  ObjectIdGetDatum(user->umid));

	check_conn_params(user, params.password, params.sslcert, params.sslkey,
					  server->servername);

	entry->connecting = true;
	st = connect_once(entry, &params, sopts.connect_timeout);

	/*
	 * While reconnecting, a close during the handshake is retried too: q
	 * refuses credentials that way, but a server that is going down or
	 * coming up does the same, and a cached connection was just lost.  A
	 * real refusal still ends as 28P01, after the attempts.
	 */
	if (st != KIPC_OK && reconnecting && sopts.reconnect_attempts > 0)
	{
		double		delay = sopts.reconnect_delay;
		int			k;

		for (k = 1; k <= sopts.reconnect_attempts; k++)
		{
			char		delaybuf[32];

			if (fabs(delay * 10 - rint(delay * 10)) < 1e-9)
				snprintf(delaybuf, sizeof(delaybuf), "%.1f", delay);
			else
				snprintf(delaybuf, sizeof(delaybuf), "%.3g", delay);
			ereport(WARNING,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("connection to q server \"%s\" lost, reconnecting in %s s (attempt %d of %d)",
							server->servername, delaybuf, k,
							sopts.reconnect_attempts)));
			sleep_interruptible(delay);
			st = connect_once(entry, &params, sopts.connect_timeout);
			if (st == KIPC_OK)
				break;
			delay *= sopts.reconnect_backoff;
		}
	}

	if (st != KIPC_OK)
		raise_transport_error(entry, st, NULL);
	entry->connecting = false;

	if (reconnecting)
		entry->stats.reconnects++;
	entry->lost = false;
	entry->stats.connected_since = GetCurrentTimestamp();
	elog(DEBUG3, "qipc_fdw: new connection %p for server \"%s\" (user mapping oid %u)",
		 entry->conn, server->servername, user->umid);
}

/*
 * check_conn_params
 *		Non-superusers must authenticate with a password, unless a superuser
 *		set password_required 'false' on their user mapping: otherwise they
 *		could ride on whatever trust the q server extends to the database
 *		server's host (or to a client certificate the database server holds).
 *
 * The same rule holds for certificate-based mappings, as in postgres_fdw: a
 * client certificate (sslcert/sslkey, on the mapping or on the server) does
 * not replace the password.  A superuser who wants a non-superuser to log
 * in with a certificate alone puts sslcert, sslkey and password_required
 * 'false' on that user's mapping; all three are superuser-only there, so
 * the non-superuser can then no longer change the mapping (its user, say).
 */
static void
check_conn_params(UserMapping *user, const char *password,
				  const char *sslcert, const char *sslkey,
				  const char *server_name)
{
	ListCell   *lc;

	if (!OidIsValid(user->userid) || superuser_arg(user->userid))
		return;
	if (password != NULL && password[0] != '\0')
		return;

	foreach(lc, user->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "password_required") == 0 &&
			!defGetBoolean(def))
			return;
	}

	ereport(ERROR,
			(errcode(ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED),
			 errmsg("password is required"),
			 (sslcert != NULL || sslkey != NULL) ?
			 errdetail("Non-superusers must supply a password in the user mapping to connect to a q server, also when a client certificate is configured.") :
			 errdetail("Non-superusers must supply a password in the user mapping to connect to a q server."),
			 errhint("Add the password option to the user mapping for foreign server \"%s\", or ask a superuser to set password_required 'false' on it.",
					 server_name)));
}

/*
 * connect_once
 *		One connection attempt.  On success entry->conn is set and KIPC_OK
 *		returned; on failure the error text is remembered in entry->stats and
 *		the status returned (KIPC_ERR_TIMEOUT when connect_timeout passed).
 *		Interrupts propagate as usual and free the half-open connection.
 */
static KipcStatus
connect_once(QipcConnCacheEntry *entry, const KipcConnParams *params,
			 double timeout)
{
	KipcConn   *volatile c;
	KipcStatus	st;
	TimestampTz deadline = 0;

	if (!AcquireExternalFD())
		ereport(ERROR,
				(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
				 errmsg("could not connect to q server \"%s\"",
						entry->server_name),
				 errdetail("There are too many open files on the local server."),
				 errhint("Raise the server's max_files_per_process and/or \"ulimit -n\" limits.")));

	c = kipc_conn_new();
	if (c == NULL)
	{
		ReleaseExternalFD();
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	}

	if (timeout > 0)
		deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
											   (int64) (timeout * 1000.0));

	PG_TRY();
	{
		/* the wait loop needs entry->conn for the socket */
		entry->conn = c;
		st = kipc_conn_start(c, params);
		while (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			if (!wait_socket(entry, st, deadline))
			{
				st = KIPC_ERR_TIMEOUT;
				break;
			}
			st = kipc_conn_connect_poll(c);
		}
	}
	PG_CATCH();
	{
		entry->conn = NULL;
		kipc_conn_free(c);
		ReleaseExternalFD();
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (st != KIPC_OK)
	{
		if (st == KIPC_ERR_TIMEOUT)
		{
			char		buf[256];

			snprintf(buf, sizeof(buf),
					 "timeout expired while connecting to host \"%s\", port %d",
					 params->host ? params->host : "localhost", params->port);
			remember_error(entry, buf);
		}
		else
			remember_error(entry, kipc_conn_error(c));
		entry->conn = NULL;
		kipc_conn_free(c);
		ReleaseExternalFD();
		return st;
	}

	entry->fd_acquired = true;
	return KIPC_OK;
}

/*
 * disconnect
 *		Close entry's connection, if any.  lost: it died on its own (the next
 *		connection is then a reconnection, subject to reconnect_attempts).
 */
static void
disconnect(QipcConnCacheEntry *entry, bool lost)
{
	if (entry->conn != NULL)
	{
		entry->closed_bytes_in += kipc_conn_bytes_in(entry->conn);
		entry->closed_bytes_out += kipc_conn_bytes_out(entry->conn);
		kipc_conn_free(entry->conn);
		entry->conn = NULL;
		if (entry->fd_acquired)
			ReleaseExternalFD();
		entry->fd_acquired = false;
		entry->lost = lost;
	}
	entry->in_request = false;
	entry->pending_id = 0;		/* its reply went with the connection */
	entry->stats.connected_since = 0;
}

/*
 * ensure_connected
 *		Reconnect an entry whose connection was closed since
 *		qipc_get_connection returned it (invalidation, earlier failure).
 */
static void
ensure_connected(QipcConnCacheEntry *entry)
{
	UserMapping *user;

	if (entry->conn != NULL)
		return;
	user = GetUserMapping(entry->userid, entry->serverid);
	make_connection(entry, user, entry->lost);
}

/*
 * wait_socket
 *		Wait until entry's socket is ready as "want" asks (KIPC_WANT_READ or
 *		KIPC_WANT_WRITE), or until deadline (0 = none).  Returns false on
 *		timeout.  Interrupts are serviced (and may throw) on every wakeup.
 */
static bool
wait_socket(QipcConnCacheEntry *entry, KipcStatus want, TimestampTz deadline)
{
	int			sock = kipc_conn_socket(entry->conn);

	for (;;)
	{
		int			events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH;
		long		timeout = -1;
		int			rc;

		events |= (want == KIPC_WANT_WRITE) ? WL_SOCKET_WRITEABLE
			: WL_SOCKET_READABLE;
		if (deadline != 0)
		{
			TimestampTz now = GetCurrentTimestamp();

			if (now >= deadline)
				return false;
			timeout = TimestampDifferenceMilliseconds(now, deadline);
			if (timeout <= 0)
				timeout = 1;
			events |= WL_TIMEOUT;
		}

		rc = WaitLatchOrSocket(MyLatch, events, sock, timeout,
							   PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			CHECK_FOR_INTERRUPTS();
		}
		if (rc & (WL_SOCKET_READABLE | WL_SOCKET_WRITEABLE))
			return true;
		if ((rc & WL_TIMEOUT) && deadline != 0 &&
			GetCurrentTimestamp() >= deadline)
			return false;
	}
}

/*
 * sleep_interruptible
 *		Sleep for the given number of seconds; interrupts end it at once.
 */
static void
sleep_interruptible(double seconds)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   (int64) (seconds * 1000.0));

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		long		ms;

		if (now >= deadline)
			break;
		ms = TimestampDifferenceMilliseconds(now, deadline);
		if (ms <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * qipc_request
 *		See qipc_fdw.h.
 */
KipcMsg *
qipc_request(QipcConnection *conn, const KipcObject *request,
			 const char *qtext)
{
	return qipc_request_ext(conn, request, qtext, 0);
}

/*
 * qipc_request_ext
 *		See qipc_fdw.h.  A request is resent at most once: when the link
 *		turns out to be dead before any byte of the request went out, or,
 *		with QIPC_REQUEST_IDEMPOTENT, before any byte of the response came
 *		back.
 */
KipcMsg *
qipc_request_ext(QipcConnection *conn, const KipcObject *request,
				 const char *qtext, int flags)
{
	QipcConnCacheEntry *entry = conn;
	KipcMsg    *msg = NULL;
	MemoryContextCallback *cb;

	/* allocate the callback first: nothing can fail once msg exists */
	cb = palloc(sizeof(MemoryContextCallback));
	msg = request_sync(entry, request, qtext, flags);
	return finish_response(entry, msg, cb, qtext, flags);
}

/*
 * request_sync
 *		Send a sync request and read its reply (untracked), resending it at
 *		most once as qipc_request_ext says.  The reply of a pipelined
 *		request still on the wire is read first and kept for its owner.
 */
static KipcMsg *
request_sync(QipcConnCacheEntry *entry, const KipcObject *request,
			 const char *qtext, int flags)
{
	KipcMsg    *msg = NULL;
	int			attempt;

	for (attempt = 0;; attempt++)
	{
		ensure_connected(entry);
		settle_pending(entry);
		if (run_exchange(entry, request, KIPC_MSG_SYNC, qtext,
						 attempt == 0 ? flags : (flags | REQUEST_NO_RETRY),
						 &msg) == REQUEST_DONE)
			break;
		/* the link died before anything irrevocable: one more go */
	}
	return msg;
}

/*
 * finish_response
 *		Tie reply msg to CurrentMemoryContext (with the callback cb the
 *		caller allocated before msg existed) and raise a q error reply
 *		unless flags allow it.
 */
static KipcMsg *
finish_response(QipcConnCacheEntry *entry, KipcMsg *msg,
				MemoryContextCallback *cb, const char *qtext, int flags)
{
	cb->func = free_msg_callback;
	cb->arg = msg;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);

	if (msg->root != NULL && msg->root->type == KIPC_T_ERROR &&
		!(flags & QIPC_REQUEST_ALLOW_ERROR))
		qipc_report_q_error(entry, msg->root, qtext, NULL);
	return msg;
}

/*
 * qipc_report_q_error
 *		See qipc_fdw.h.
 */
void
qipc_report_q_error(QipcConnection *conn, const KipcObject *err,
					const char *qtext, const char *hint)
{
	QipcConnCacheEntry *entry = (QipcConnCacheEntry *) conn;
	const char *qerr = err->a.s ? err->a.s : "";

	remember_error(entry, qerr);
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("q error on server \"%s\": '%s",
					entry->server_name, qerr),
			 hint ? errhint("%s", hint) : 0,
			 qtext ? qipc_error_context_qtext(qtext) : 0));
}

/*
 * settle_pending
 *		Before the connection carries another request, read the reply of a
 *		pipelined request that is still on the wire and keep it for its
 *		owner (qipc_receive_response finds it there).  When every slot is
 *		taken, the oldest kept reply is dropped: its owner resends its
 *		request (only idempotent requests are pipelined by the scans).
 */
static void
settle_pending(QipcConnCacheEntry *entry)
{
	KipcMsg    *m = NULL;
	uint64		id = entry->pending_id;
	int			slot = -1;
	int			k;

	if (id == 0)
		return;
	if (entry->conn == NULL)
	{
		entry->pending_id = 0;
		return;
	}
	(void) run_exchange(entry, NULL, KIPC_MSG_SYNC, NULL,
						REQUEST_RECEIVE_ONLY | REQUEST_NO_RETRY, &m);
	entry->pending_id = 0;

	for (k = 0; k < QIPC_STASH_SIZE; k++)
	{
		if (entry->stash[k] == NULL)
		{
			slot = k;
			break;
		}
		if (slot < 0 || entry->stash_id[k] < entry->stash_id[slot])
			slot = k;
	}
	kipc_msg_free(entry->stash[slot]);
	entry->stash[slot] = m;
	entry->stash_id[slot] = id;
}

/*
 * qipc_send_request
 *		See qipc_fdw.h.
 */
uint64
qipc_send_request(QipcConnection *conn, const KipcObject *request,
				  const char *qtext, int flags)
{
	QipcConnCacheEntry *entry = conn;
	int			attempt;

	for (attempt = 0;; attempt++)
	{
		ensure_connected(entry);
		settle_pending(entry);
		if (run_exchange(entry, request, KIPC_MSG_SYNC, qtext,
						 REQUEST_SEND_ONLY |
						 (attempt == 0 ? flags : (flags | REQUEST_NO_RETRY)),
						 NULL) == REQUEST_DONE)
			break;
	}
	entry->pending_id = ++entry->last_request_id;
	return entry->pending_id;
}

/*
 * qipc_receive_response
 *		See qipc_fdw.h.
 */
KipcMsg *
qipc_receive_response(QipcConnection *conn, uint64 id,
					  const KipcObject *request, const char *qtext, int flags)
{
	QipcConnCacheEntry *entry = conn;
	KipcMsg    *msg = NULL;
	MemoryContextCallback *cb;
	int			k;

	cb = palloc(sizeof(MemoryContextCallback));

	/* kept for us while another request used the connection */
	for (k = 0; k < QIPC_STASH_SIZE; k++)
	{
		if (entry->stash[k] != NULL && entry->stash_id[k] == id)
		{
			msg = entry->stash[k];
			entry->stash[k] = NULL;
			return finish_response(entry, msg, cb, qtext, flags);
		}
	}

	/* still on the wire */
	if (entry->pending_id == id && entry->conn != NULL)
	{
		RequestOutcome outcome;

		outcome = run_exchange(entry, NULL, KIPC_MSG_SYNC, qtext,
							   flags | REQUEST_RECEIVE_ONLY, &msg);
		entry->pending_id = 0;
		if (outcome == REQUEST_DONE)
			return finish_response(entry, msg, cb, qtext, flags);
	}
	else if (entry->pending_id == id)
		entry->pending_id = 0;

	/*
	 * The reply is gone: the connection was closed since the request was sent
	 * (invalidation, another request's failure), or the link died before the
	 * first byte of the reply.  A read-only request is resent.
	 */
	if (!(flags & QIPC_REQUEST_IDEMPOTENT))
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("lost connection to q server \"%s\"",
						entry->server_name),
				 errdetail("The reply to a pipelined request was lost."),
				 qtext ? qipc_error_context_qtext(qtext) : 0));
	msg = request_sync(entry, request, qtext, flags | REQUEST_NO_RETRY);
	return finish_response(entry, msg, cb, qtext, flags);
}

/*
 * qipc_discard_response
 *		See qipc_fdw.h.
 */
void
qipc_discard_response(QipcConnection *conn, uint64 id)
{
	QipcConnCacheEntry *entry = conn;
	int			k;

	if (id == 0)
		return;
	for (k = 0; k < QIPC_STASH_SIZE; k++)
	{
		if (entry->stash[k] != NULL && entry->stash_id[k] == id)
		{
			kipc_msg_free(entry->stash[k]);
			entry->stash[k] = NULL;
		}
	}
	if (entry->pending_id == id)
	{
		KipcMsg    *m = NULL;

		entry->pending_id = 0;
		if (entry->conn != NULL &&
			run_exchange(entry, NULL, KIPC_MSG_SYNC, NULL,
						 REQUEST_RECEIVE_ONLY | REQUEST_NO_RETRY,
						 &m) == REQUEST_DONE)
			kipc_msg_free(m);
	}
}

/* ----------------------------------------------------------------
 * Asynchronous execution (Async Append, scan.c)
 *
 * An async scan waits for its reply in the executor's wait event set, not
 * here: it needs the socket, whether its reply is still on the wire, and
 * which scan the reply on the wire belongs to, since scans of the same
 * server share one connection and so take turns.
 * ----------------------------------------------------------------
 */

/*
 * qipc_connection_socket
 *		See qipc_fdw.h.
 */
int
qipc_connection_socket(QipcConnection *conn)
{
	return conn->conn != NULL ? kipc_conn_socket(conn->conn) : -1;
}

/*
 * qipc_connection_wait_socket
 *		See qipc_fdw.h.  The executor, not this file, waits on the socket
 *		and raises the interrupt that ends the wait, so the request cannot
 *		be caught in the act as run_exchange catches a synchronous one: the
 *		transaction callback recognises it (the reply of the request waited
 *		for is still on the wire) and says the same.
 */
int
qipc_connection_wait_socket(QipcConnection *conn, uint64 id)
{
	conn->waited_id = id;
	return qipc_connection_socket(conn);
}

/*
 * qipc_response_on_wire
 *		See qipc_fdw.h.
 */
bool
qipc_response_on_wire(QipcConnection *conn, uint64 id)
{
	return id != 0 && conn->conn != NULL && conn->pending_id == id;
}

/*
 * qipc_set_request_owner
 *		See qipc_fdw.h.
 */
void
qipc_set_request_owner(QipcConnection *conn, uint64 id, void *owner)
{
	conn->owner = owner;
	conn->owner_id = id;
}

/*
 * qipc_request_owner
 *		See qipc_fdw.h.
 */
void *
qipc_request_owner(QipcConnection *conn)
{
	if (conn->owner != NULL && conn->conn != NULL && conn->pending_id != 0 &&
		conn->pending_id == conn->owner_id)
		return conn->owner;
	return NULL;
}

/*
 * qipc_forget_request_owner
 *		See qipc_fdw.h.
 */
void
qipc_forget_request_owner(QipcConnection *conn, void *owner)
{
	if (conn->owner == owner)
	{
		conn->owner = NULL;
		conn->owner_id = 0;
	}
}

/* ---- end of asynchronous execution ---- */

/*
 * free_stash
 *		Drop every kept reply and forget the one on the wire (end of
 *		transaction: their owners are gone).
 */
static void
free_stash(QipcConnCacheEntry *entry)
{
	int			k;

	for (k = 0; k < QIPC_STASH_SIZE; k++)
	{
		kipc_msg_free(entry->stash[k]);
		entry->stash[k] = NULL;
	}
	entry->pending_id = 0;
}

/*
 * qipc_send_async
 *		See qipc_fdw.h.
 */
void
qipc_send_async(QipcConnection *conn, const KipcObject *msg,
				const char *qtext)
{
	QipcConnCacheEntry *entry = conn;
	int			attempt;

	for (attempt = 0;; attempt++)
	{
		ensure_connected(entry);
		settle_pending(entry);
		if (run_exchange(entry, msg, KIPC_MSG_ASYNC, qtext,
						 attempt == 0 ? 0 : REQUEST_NO_RETRY,
						 NULL) == REQUEST_DONE)
			break;
	}
}

/*
 * run_exchange
 *		exchange() under a PG_TRY: if anything throws while a message is in
 *		flight (an interrupt, typically), the connection is in an unknown
 *		state in the middle of the protocol.  q has no cancel message, so it
 *		is closed and discarded, and the user is told that the server may
 *		still be computing.
 */
static RequestOutcome
run_exchange(QipcConnCacheEntry *volatile entry, const KipcObject *request,
			 int msgtype, const char *qtext, int flags, KipcMsg **msg)
{
	RequestOutcome result;

	PG_TRY();
	{
		result = exchange(entry, request, msgtype, qtext, flags, msg);
	}
	PG_CATCH();
	{
		if (entry->in_request && entry->conn != NULL)
		{
			disconnect(entry, false);
			remember_error(entry, "request interrupted");
			ereport(NOTICE,
					(errmsg("closed the connection to q server \"%s\" in the middle of a request",
							entry->server_name),
					 errdetail("The q server may still be computing the interrupted request: q has no cancel message.")));
		}
		PG_RE_THROW();
	}
	PG_END_TRY();

	return result;
}

/*
 * exchange
 *		Send one message and, for a sync message, read its response into
 *		*msg.  Returns REQUEST_RETRY (with the connection closed) when the
 *		link was found dead before anything irrevocable happened; raises an
 *		ERROR on any other failure, after closing the connection.
 *
 * Pipelined requests use one half at a time: REQUEST_SEND_ONLY sends a
 * sync request and returns with the connection still in_request (the
 * reply stays on the wire), REQUEST_RECEIVE_ONLY reads the reply of the
 * request sent last (request is then unused).
 */
static RequestOutcome
exchange(QipcConnCacheEntry *entry, const KipcObject *request, int msgtype,
		 const char *qtext, int flags, KipcMsg **msg)
{
	KipcConn   *c = entry->conn;
	uint64		out0 = kipc_conn_bytes_out(c);
	uint64		in0 = kipc_conn_bytes_in(c);
	KipcStatus	st;

	if (flags & REQUEST_RECEIVE_ONLY)
	{
		in0 = entry->pending_in0;
		goto receive;
	}

	st = kipc_conn_send(c, msgtype, request);
	if (st != KIPC_OK)
	{
		if (st == KIPC_ERR_ARG || st == KIPC_ERR_NOMEM)
		{
			/* nothing was queued: the connection is still usable */
			if (st == KIPC_ERR_NOMEM)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
						 errmsg("out of memory while encoding a q request")));
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("could not encode a q request for server \"%s\"",
							entry->server_name),
					 errdetail_internal("%s", kipc_conn_error(c)),
					 qtext ? qipc_error_context_qtext(qtext) : 0));
		}
		raise_transport_error(entry, st, qtext);
	}

	entry->in_request = true;
	entry->stats.requests++;

	/* write the whole message */
	for (;;)
	{
		st = kipc_conn_flush(c);
		if (st == KIPC_OK)
			break;
		if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			(void) wait_socket(entry, st, 0);
			continue;
		}
		if (kipc_conn_bytes_out(c) == out0 && !(flags & REQUEST_NO_RETRY))
		{
			/* not one byte went out: safe to resend on a new connection */
			remember_error(entry, kipc_conn_error(c));
			disconnect(entry, true);
			return REQUEST_RETRY;
		}
		raise_transport_error(entry, st, qtext);
	}

	if (msgtype != KIPC_MSG_SYNC || (flags & REQUEST_SEND_ONLY))
	{
		/* a pipelined sync request stays in_request until its reply is read */
		entry->in_request = (msgtype == KIPC_MSG_SYNC);
		entry->pending_in0 = in0;
		entry->stats.bytes_out = entry->closed_bytes_out + kipc_conn_bytes_out(c);
		return REQUEST_DONE;
	}

receive:
	/* read until the response: skip async messages, refuse sync requests */
	for (;;)
	{
		KipcMsg    *m = NULL;

		st = kipc_conn_read(c, &m);
		if (st == KIPC_OK)
		{
			if (m->msgtype == KIPC_MSG_RESPONSE)
			{
				*msg = m;
				break;
			}
			if (m->msgtype == KIPC_MSG_SYNC)
			{
				kipc_msg_free(m);
				answer_sync_request(entry);
			}
			else
				kipc_msg_free(m);
			continue;
		}
		if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			(void) wait_socket(entry, st, 0);
			continue;
		}
		if (st == KIPC_ERR_IO && (flags & QIPC_REQUEST_IDEMPOTENT) &&
			!(flags & REQUEST_NO_RETRY) && kipc_conn_bytes_in(c) == in0)
		{
			/* closed before any byte of the response: resend (read-only) */
			remember_error(entry, kipc_conn_error(c));
			disconnect(entry, true);
			return REQUEST_RETRY;
		}
		if (st == KIPC_ERR_PROTOCOL && (flags & QIPC_REQUEST_PAGE) &&
			strstr(kipc_conn_error(c), "exceeds the limit") != NULL)
		{
			/* one page of a paged scan is larger than max_message_size */
			remember_error(entry, kipc_conn_error(c));
			disconnect(entry, false);
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a page of the q result is larger than max_message_size of server \"%s\"",
							entry->server_name),
					 errdetail_internal("%s", entry->stats.last_error),
					 errhint("Lower the fetch_size option of the foreign table or server, set the fetch_bytes option to bound pages in bytes, or raise max_message_size."),
					 qtext ? qipc_error_context_qtext(qtext) : 0));
		}
		raise_transport_error(entry, st, qtext);
	}

	entry->in_request = false;
	entry->stats.bytes_in = entry->closed_bytes_in + kipc_conn_bytes_in(c);
	entry->stats.bytes_out = entry->closed_bytes_out + kipc_conn_bytes_out(c);
	return REQUEST_DONE;
}

/*
 * answer_sync_request
 *		The server sent us a sync request while we wait for our response (a
 *		.z.w"..." call from a handler).  We cannot evaluate q, and if we never
 *		answer the server blocks forever, so answer with an error response,
 *		as javakdb's default handler does.
 */
static void
answer_sync_request(QipcConnCacheEntry *entry)
{
	KipcObject *err = kipc_new_error("qipc_fdw: unable to process sync requests");
	KipcStatus	st;

	if (err == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	st = kipc_conn_send(entry->conn, KIPC_MSG_RESPONSE, err);
	kipc_unref(err);
	if (st != KIPC_OK)
		raise_transport_error(entry, st, NULL);
	for (;;)
	{
		st = kipc_conn_flush(entry->conn);
		if (st == KIPC_OK)
			break;
		if (st == KIPC_WANT_READ || st == KIPC_WANT_WRITE)
		{
			(void) wait_socket(entry, st, 0);
			continue;
		}
		raise_transport_error(entry, st, NULL);
	}
}

/*
 * raise_transport_error
 *		Remember the transport's error text, close the connection (it is
 *		never reused after a failure) and raise the error.  While connecting,
 *		connect_once has already closed it and remembered the reason.
 */
static void
raise_transport_error(QipcConnCacheEntry *entry, KipcStatus st,
					  const char *qtext)
{
	if (entry->conn != NULL)
		remember_error(entry, kipc_conn_error(entry->conn));
	disconnect(entry, !entry->connecting);
	qipc_report_error(ERROR, st, entry, qtext);
}

/*
 * qipc_report_error
 *		See qipc_fdw.h.  The text shown is the last error remembered for the
 *		connection (the transport's own message), never a password: libkipc
 *		does not put credentials into its messages.  An I/O error while the
 *		connection is being made is "could not connect" (08001), afterwards
 *		it is a lost connection (08006).
 */
void
qipc_report_error(int elevel, KipcStatus status, QipcConnection *conn,
				  const char *qtext)
{
	const char *server = conn && conn->server_name ? conn->server_name : "?";
	const char *host = conn && conn->host ? conn->host : "?";
	int			port = conn ? conn->port : 0;
	const char *detail = conn ? conn->stats.last_error : "";

	/* while connecting, I/O errors and refused parameters: cannot connect */
	if ((status == KIPC_ERR_IO || status == KIPC_ERR_ARG) &&
		conn && conn->connecting)
		status = KIPC_ERR_TIMEOUT;
	if (conn)
		conn->connecting = false;

	switch (status)
	{
		case KIPC_ERR_TIMEOUT:
			ereport(elevel,
					(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
					 errmsg("could not connect to q server \"%s\"", server),
					 detail[0] ? errdetail_internal("%s", detail)
					 : errdetail("Host \"%s\", port %d.", host, port)));
			break;
		case KIPC_ERR_TLS:
			ereport(elevel,
					(errcode(ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION),
					 errmsg("could not establish a TLS connection to q server \"%s\"",
							server),
					 detail[0] ? errdetail_internal("%s", detail)
					 : errdetail("Host \"%s\", port %d.", host, port)));
			break;
		case KIPC_ERR_AUTH:
			ereport(elevel,
					(errcode(ERRCODE_INVALID_PASSWORD),
					 errmsg("q server \"%s\" rejected the credentials",
							server),
					 (conn && !conn->tls) ?
					 errdetail("The q server at %s:%d closed the connection during the handshake, as q does when it refuses the credentials or when it accepts only TLS connections.",
							   host, port) :
					 errdetail("The q server at %s:%d closed the connection during the handshake.",
							   host, port),
					 errhint("Check the user and password options of the user mapping for foreign server \"%s\".",
							 server)));
			break;
		case KIPC_ERR_PROTOCOL:
			ereport(elevel,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("invalid message from q server \"%s\"", server),
					 detail[0] ? errdetail_internal("%s", detail) : 0,
					 qtext ? qipc_error_context_qtext(qtext) : 0));
			break;
		case KIPC_ERR_NOMEM:
			ereport(elevel,
					(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
					 errmsg("out of memory while talking to q server \"%s\"",
							server),
					 qtext ? qipc_error_context_qtext(qtext) : 0));
			break;
		case KIPC_ERR_ARG:
			ereport(elevel,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("could not encode a q request for server \"%s\"",
							server),
					 detail[0] ? errdetail_internal("%s", detail) : 0,
					 qtext ? qipc_error_context_qtext(qtext) : 0));
			break;
		case KIPC_ERR_IO:
		default:
			ereport(elevel,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("lost connection to q server \"%s\"", server),
					 detail[0] ? errdetail_internal("%s", detail) : 0,
					 qtext ? qipc_error_context_qtext(qtext) : 0));
			break;
	}
}

/* errcontext showing the q being run (truncated: it may be long) */
static int
qipc_error_context_qtext(const char *qtext)
{
	if (strlen(qtext) > 1000)
		return errcontext("remote q: %.1000s...", qtext);
	return errcontext("remote q: %s", qtext);
}

/* remember text as the entry's last error (truncated) */
static void
remember_error(QipcConnCacheEntry *entry, const char *text)
{
	strlcpy(entry->stats.last_error, text ? text : "",
			sizeof(entry->stats.last_error));
}

/*
 * qipc_release_connection
 *		See qipc_fdw.h.
 */
void
qipc_release_connection(QipcConnection *conn)
{
	if (conn->invalidated && !conn->in_request && conn->conn != NULL)
		disconnect(conn, false);
}

/*
 * qipc_connection_server_name
 *		See qipc_fdw.h.
 */
const char *
qipc_connection_server_name(QipcConnection *conn)
{
	return conn->server_name ? conn->server_name : "";
}

/*
 * qipc_connection_list
 *		See qipc_fdw.h.
 */
List *
qipc_connection_list(void)
{
	List	   *result = NIL;
	HASH_SEQ_STATUS scan;
	QipcConnCacheEntry *entry;

	if (ConnectionHash == NULL)
		return NIL;

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (QipcConnCacheEntry *) hash_seq_search(&scan)))
	{
		QipcConnInfo *info;

		if (entry->server_name == NULL)
			continue;			/* never got as far as connecting */
		info = palloc0(sizeof(QipcConnInfo));
		info->serverid = entry->serverid;
		info->umid = entry->key;
		info->userid = entry->mapping_userid;
		info->host = pstrdup(entry->host);
		info->port = entry->port;
		info->connected = entry->conn != NULL;
		info->tls = entry->conn != NULL && kipc_conn_is_tls(entry->conn);
		info->invalidated = entry->invalidated;
		info->stats = entry->stats;
		info->stats.bytes_in = entry->closed_bytes_in +
			(entry->conn ? kipc_conn_bytes_in(entry->conn) : 0);
		info->stats.bytes_out = entry->closed_bytes_out +
			(entry->conn ? kipc_conn_bytes_out(entry->conn) : 0);
		result = lappend(result, info);
	}
	return result;
}

/*
 * disconnect_matching
 *		Close the connections of serverid (InvalidOid: all).
 */
static bool
disconnect_matching(Oid serverid)
{
	HASH_SEQ_STATUS scan;
	QipcConnCacheEntry *entry;
	bool		result = false;

	if (ConnectionHash == NULL)
		return false;

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (QipcConnCacheEntry *) hash_seq_search(&scan)))
	{
		if (entry->conn == NULL)
			continue;
		if (OidIsValid(serverid) && entry->serverid != serverid)
			continue;
		if (entry->in_request)
		{
			ereport(WARNING,
					(errmsg("cannot close the connection to q server \"%s\" because it is still in use",
							entry->server_name)));
			continue;
		}
		disconnect(entry, false);
		result = true;
	}
	return result;
}

bool
qipc_disconnect_server(Oid serverid)
{
	Assert(OidIsValid(serverid));
	return disconnect_matching(serverid);
}

bool
qipc_disconnect_all(void)
{
	return disconnect_matching(InvalidOid);
}

/*
 * qipc_xact_callback
 *		At the end of a transaction, close the connections that must not
 *		survive it: those left in the middle of a request by an error
 *		(poisoned), those whose server or mapping changed, and those of
 *		servers with keep_connections off.
 */
static void
qipc_xact_callback(XactEvent event, void *arg)
{
	HASH_SEQ_STATUS scan;
	QipcConnCacheEntry *entry;
	List	   *interrupted = NIL;
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT && event != XACT_EVENT_PREPARE)
		return;

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (QipcConnCacheEntry *) hash_seq_search(&scan)))
	{
		if (entry->conn != NULL)
		{
			if (entry->in_request)
			{
				bool		waited = (entry->pending_id != 0 &&
									  entry->pending_id == entry->waited_id);

				elog(DEBUG3, "qipc_fdw: discarding connection %p left in the middle of a request",
					 entry->conn);
				disconnect(entry, false);
				/* an Async Append's wait for this reply was interrupted */
				if (waited && (event == XACT_EVENT_ABORT ||
							   event == XACT_EVENT_PARALLEL_ABORT))
					interrupted = lappend(interrupted, entry->server_name);
			}
			else if (entry->invalidated ||
					 (entry->used_in_xact && !entry->keep_connections))
			{
				elog(DEBUG3, "qipc_fdw: closing connection %p at end of transaction",
					 entry->conn);
				disconnect(entry, false);
			}
		}
		free_stash(entry);
		entry->waited_id = 0;
		entry->used_in_xact = false;
		entry->in_request = false;
		entry->connecting = false;
	}

	/* as run_exchange says it, in the order of the servers' names */
	list_sort(interrupted, compare_names);
	foreach(lc, interrupted)
		ereport(NOTICE,
				(errmsg("closed the connection to q server \"%s\" in the middle of a request",
						(char *) lfirst(lc)),
				 errdetail("The q server may still be computing the interrupted request: q has no cancel message.")));
	list_free(interrupted);
}

/* list_sort comparator of C strings */
static int
compare_names(const ListCell *a, const ListCell *b)
{
	return strcmp((const char *) lfirst(a), (const char *) lfirst(b));
}

/*
 * qipc_inval_callback
 *		Connection invalidation callback: close the connections that depend
 *		on a changed or dropped server or user mapping, now if they are idle,
 *		otherwise when the request in flight ends (invalidated flag).
 *		hashvalue 0 means "everything".
 */
static void
qipc_inval_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	QipcConnCacheEntry *entry;

	Assert(cacheid == FOREIGNSERVEROID || cacheid == USERMAPPINGOID);

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (QipcConnCacheEntry *) hash_seq_search(&scan)))
	{
		if (entry->conn == NULL)
			continue;
		if (hashvalue == 0 ||
			(cacheid == FOREIGNSERVEROID &&
			 entry->server_hashvalue == hashvalue) ||
			(cacheid == USERMAPPINGOID &&
			 entry->mapping_hashvalue == hashvalue))
		{
			if (entry->in_request)
				entry->invalidated = true;
			else
			{
				elog(DEBUG3, "qipc_fdw: closing connection %p for option changes",
					 entry->conn);
				disconnect(entry, false);
			}
		}
	}
}

/* reset callback: free a response message */
static void
free_msg_callback(void *arg)
{
	kipc_msg_free((KipcMsg *) arg);
}

/* reset callback: release a heap object */
static void
unref_object_callback(void *arg)
{
	kipc_unref((KipcObject *) arg);
}

/*
 * qipc_track_object
 *		See qipc_fdw.h.
 */
KipcObject *
qipc_track_object(KipcObject *o)
{
	MemoryContextCallback *cb;

	if (o == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	cb = MemoryContextAlloc(CurrentMemoryContext, sizeof(MemoryContextCallback));
	cb->func = unref_object_callback;
	cb->arg = o;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	return o;
}
