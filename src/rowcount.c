/*-------------------------------------------------------------------------
 *
 * rowcount.c
 *		  The row count of a q table, asked of the q server and kept for a
 *		  while per backend, for the planner's estimates.
 *
 * Without statistics the planner would take a foreign table for a few
 * pages (about a thousand rows), and with statistics from ANALYZE for the
 * size it had then, while a kdb+ table may hold millions of rows and grow
 * all day.  A count of the table is cheap in q (the length of a column;
 * for a partitioned table the sum of the partitions' counts, which kdb+
 * keeps), so the planner asks for it: ({count get x}; `table), one small
 * request.  The planner opens the connection for it when the backend has
 * none yet (qipc_fdw.row_count_connect, default on), as postgres_fdw does
 * at plan time with use_remote_estimate: the count is asked when the
 * table's size is estimated, before anything else of the plan talks to q,
 * and without it the first query of a session would be planned for the
 * default of about a thousand rows.  EXPLAIN without ANALYZE therefore
 * connects, and a server that cannot be reached fails the plan with the connection error, as postgres_fdw's
 * use_remote_estimate does (and as the pushed conditions do, whose column
 * types the planner asks q for).  Dropping that error instead would cost
 * a query on a server that does not answer two connection timeouts, one
 * here and one in the scan.  With
 * qipc_fdw.row_count_connect off the count is asked only over a
 * connection already open.  The answer is kept per foreign table and
 * backend for qipc_fdw.row_count_ttl seconds (0: never asked), and
 * forgotten when the foreign table, a server or a user mapping changes,
 * as the table it names may then be another.  A failed count is
 * remembered as unknown for the same time, so that a table q cannot count
 * costs one round trip, and the planner falls back to its own estimates.
 * use_remote_estimate asks q for more (the rows the pushed conditions
 * keep) at every planning and does not use this count.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/rowcount.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "qipc_fdw.h"

/* cache entry: the row count of one foreign table */
typedef struct QipcRowCountEntry
{
	Oid			relid;			/* hash key (must be first) */
	double		rows;			/* -1: unknown (the count failed) */
	TimestampTz asked;			/* when q answered */
} QipcRowCountEntry;

/* seconds a row count is trusted (qipc_fdw.row_count_ttl) */
int			qipc_row_count_ttl = 60;

/* may the planner connect to ask it (qipc_fdw.row_count_connect) */
bool		qipc_row_count_connect = true;

static HTAB *rowcount_cache = NULL;

/* forget every count: the table, server or user mapping changed */
static void
rowcount_inval(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS status;
	QipcRowCountEntry *entry;

	if (rowcount_cache == NULL)
		return;
	hash_seq_init(&status, rowcount_cache);
	while ((entry = (QipcRowCountEntry *) hash_seq_search(&status)) != NULL)
		hash_search(rowcount_cache, &entry->relid, HASH_REMOVE, NULL);
}

static void
rowcount_relcache_inval(Datum arg, Oid relid)
{
	if (rowcount_cache != NULL && OidIsValid(relid))
		hash_search(rowcount_cache, &relid, HASH_REMOVE, NULL);
	else
		rowcount_inval(arg, 0, 0);
}

/*
 * qipc_define_rowcount_guc
 *		qipc_fdw.row_count_ttl, defined from _PG_init.
 */
void
qipc_define_rowcount_guc(void)
{
	DefineCustomIntVariable("qipc_fdw.row_count_ttl",
							"Seconds a foreign table's row count from q is used for planning.",
							"The planner asks q for the row count of a table "
							"it plans a scan of and keeps the answer this long; "
							"0 never asks.",
							&qipc_row_count_ttl,
							60, 0, INT_MAX / 1000,
							PGC_USERSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("qipc_fdw.row_count_connect",
							 "Lets the planner connect to q to ask a foreign table's row count.",
							 "When off, the row count is asked only over a "
							 "connection the backend already has open.",
							 &qipc_row_count_connect,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
}

/*
 * ask_count
 *		q's count of table over user mapping user (connecting if needed),
 *		or -1 when q cannot count it.  A connection that cannot be made
 *		raises its error, as when the scan connects.
 */
static double
ask_count(UserMapping *user, const char *table)
{
	QipcConnection *conn;
	KipcObject *req;
	KipcMsg    *msg;
	const char *text = "{count get x}";
	double		rows = -1;

	conn = qipc_get_connection(user);
	req = qipc_build_request(qipc_track_object(kipc_new_cstring(text)),
							 list_make1(qipc_track_object(kipc_new_symbol(table))));
	msg = qipc_request_ext(conn, req, text,
						   QIPC_REQUEST_IDEMPOTENT | QIPC_REQUEST_ALLOW_ERROR);
	if (msg->root->type == -KIPC_T_LONG && msg->root->a.j >= 0)
		rows = (double) msg->root->a.j;
	else if (msg->root->type == -KIPC_T_INT && msg->root->a.i >= 0)
		rows = (double) msg->root->a.i;
	qipc_release_connection(conn);
	return rows;
}

/*
 * qipc_table_row_count
 *		The row count of q table "table" (foreign table relid on serverid,
 *		as userid), from the cache while it is fresh; -1 when it is not
 *		known (qipc_fdw.row_count_ttl is 0, or q could not count it).
 */
double
qipc_table_row_count(Oid relid, Oid serverid, Oid userid, const char *table)
{
	QipcRowCountEntry *entry;
	TimestampTz now;
	bool		found;
	double		rows = -1;

	if (qipc_row_count_ttl <= 0 || table == NULL)
		return -1;
	if (rowcount_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(QipcRowCountEntry);
		rowcount_cache = hash_create("qipc_fdw row counts", 64, &ctl,
									 HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(rowcount_relcache_inval, (Datum) 0);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, rowcount_inval,
									  (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID, rowcount_inval,
									  (Datum) 0);
		CacheRegisterSyscacheCallback(FOREIGNTABLEREL, rowcount_inval,
									  (Datum) 0);
	}

	now = GetCurrentTimestamp();
	entry = (QipcRowCountEntry *) hash_search(rowcount_cache, &relid,
											  HASH_FIND, &found);
	if (found &&
		!TimestampDifferenceExceeds(entry->asked, now,
									qipc_row_count_ttl * 1000))
		return entry->rows;

	{
		UserMapping *user = GetUserMapping(userid, serverid);

		/* busy or not allowed to connect: keep what was known */
		if (!qipc_connection_is_open(user) &&
			(qipc_connection_busy(user) || !qipc_row_count_connect))
			return found ? entry->rows : -1;
		rows = ask_count(user, table);
	}

	/* the request may have invalidated the cache: enter afresh */
	entry = (QipcRowCountEntry *) hash_search(rowcount_cache, &relid,
											  HASH_ENTER, &found);
	entry->rows = rows;
	entry->asked = now;
	return rows;
}
