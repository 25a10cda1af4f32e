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
 * request, sent only over a connection this backend already has open
 * (the planner fetching the table's meta for the pushed conditions opens
 * one; EXPLAIN without conditions never connects), so the first query of
 * a session may be planned with the default.  The answer is kept per
 * foreign table and backend for
 * qipc_fdw.row_count_ttl seconds (0: never asked), and forgotten when the
 * foreign table, a server or a user mapping changes, as the table it names
 * may then be another.  A failed count is remembered as unknown for the
 * same time, so that a table q cannot count costs one round trip, and the
 * planner falls back to its own estimates.  use_remote_estimate asks q
 * for more (the rows the pushed conditions keep) at every planning and
 * does not use this count.
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
		QipcConnection *conn;
		KipcObject *req;
		KipcMsg    *msg;
		const char *text = "{count get x}";

		/* planning alone never connects (EXPLAIN of an unreachable server) */
		if (!qipc_connection_is_open(user))
			return found ? entry->rows : -1;
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
	}

	/* the request may have invalidated the cache: enter afresh */
	entry = (QipcRowCountEntry *) hash_search(rowcount_cache, &relid,
											  HASH_ENTER, &found);
	entry->rows = rows;
	entry->asked = now;
	return rows;
}
