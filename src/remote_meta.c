/*-------------------------------------------------------------------------
 *
 * remote_meta.c
 *		  What a q server says about a table's columns (q's meta), and the
 *		  per-backend cache of it that the planner uses.
 *
 * "meta t" answers a keyed table c -> t f a: per column its name (c), its
 * type letter (t, upper case for a column of vectors, " " for a mixed
 * list), a foreign key (f) and its attribute (a: `s sorted, `u unique, `p
 * parted, `g grouped, ` none).  qipc_remote_meta asks it once and returns
 * names, types and attributes; IMPORT FOREIGN SCHEMA (import.c) and the
 * planner (deparse.c, through qipc_relation_meta) both use it.
 *
 * The planner asks once per foreign table and backend: the answer is kept
 * in CacheMemoryContext and forgotten when the foreign table, any foreign
 * server or any user mapping changes (relcache and syscache callbacks), as
 * the remote table they name may then be another.  A table whose meta
 * failed is cached too (as invalid), so that a bad table costs one round
 * trip, not one per query.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/remote_meta.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "qipc_fdw.h"

/* cache entry: the meta of one foreign table */
typedef struct QipcMetaEntry
{
	Oid			relid;			/* hash key (must be first) */
	bool		valid;			/* false: meta failed, meta is NULL */
	QipcRemoteMeta *meta;		/* in CacheMemoryContext */
} QipcMetaEntry;

static HTAB *meta_cache = NULL;

static QipcRemoteMeta *parse_meta(const KipcObject *res);

/*
 * qipc_remote_meta
 *		See qipc_fdw.h.
 */
QipcRemoteMeta *
qipc_remote_meta(QipcConnection *conn, const char *table, bool missing_ok)
{
	StringInfoData q;
	KipcObject *req;
	KipcMsg    *msg;
	QipcRemoteMeta *meta = NULL;

	initStringInfo(&q);
	appendStringInfoString(&q, "meta ");
	qipc_append_symbol(&q, table);
	req = qipc_track_object(kipc_new_cstring(q.data));
	msg = qipc_request_ext(conn, req, q.data,
						   QIPC_REQUEST_IDEMPOTENT |
						   (missing_ok ? QIPC_REQUEST_ALLOW_ERROR : 0));

	if (msg->root->type != KIPC_T_ERROR)
		meta = parse_meta(msg->root);
	if (meta == NULL && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected result of \"%s\" from q server \"%s\"",
						q.data, qipc_connection_server_name(conn))));
	return meta;
}

/*
 * parse_meta
 *		The columns of a meta result, palloc'd; NULL if it is not shaped
 *		like one.  A result without the a column (which every kdb+ sends)
 *		is read as having no attributes.
 */
static QipcRemoteMeta *
parse_meta(const KipcObject *res)
{
	const KipcObject *mk;
	const KipcObject *mv;
	const KipcObject *cnames = NULL;
	const KipcObject *ctypes = NULL;
	const KipcObject *cattrs = NULL;
	QipcRemoteMeta *meta;
	int64		c;

	if (!kipc_is_keyed_table(res))
		return NULL;
	mk = kipc_dict_keys(res);
	mv = kipc_dict_values(res);
	for (c = 0; c < kipc_table_ncols(mk); c++)
		if (strcmp(kipc_table_colname(mk, c), "c") == 0)
			cnames = kipc_table_column(mk, c);
	for (c = 0; c < kipc_table_ncols(mv); c++)
	{
		if (strcmp(kipc_table_colname(mv, c), "t") == 0)
			ctypes = kipc_table_column(mv, c);
		else if (strcmp(kipc_table_colname(mv, c), "a") == 0)
			cattrs = kipc_table_column(mv, c);
	}
	if (cnames == NULL || ctypes == NULL ||
		cnames->type != KIPC_T_SYMBOL || ctypes->type != KIPC_T_CHAR ||
		cnames->n != ctypes->n)
		return NULL;
	if (cattrs != NULL &&
		(cattrs->type != KIPC_T_SYMBOL || cattrs->n != cnames->n))
		return NULL;

	meta = palloc(sizeof(QipcRemoteMeta));
	meta->ncols = (int) cnames->n;
	meta->names = palloc(sizeof(char *) * Max(meta->ncols, 1));
	meta->types = palloc0(meta->ncols + 1);
	meta->attrs = palloc0(meta->ncols + 1);
	for (c = 0; c < cnames->n; c++)
	{
		meta->names[c] = pstrdup(cnames->v.syms[c]);
		meta->types[c] = (char) kipc_get_g(ctypes, c);
		/* s u p g are the only attributes; anything else reads as none */
		if (cattrs != NULL && cattrs->v.syms[c][0] != '\0' &&
			cattrs->v.syms[c][1] == '\0' &&
			strchr("supg", cattrs->v.syms[c][0]) != NULL)
			meta->attrs[c] = cattrs->v.syms[c][0];
	}
	return meta;
}

/* ----------------------------------------------------------------
 * The planner's cache
 * ----------------------------------------------------------------
 */

/* a copy of meta (or NULL) in CacheMemoryContext */
static QipcRemoteMeta *
copy_meta(const QipcRemoteMeta *meta)
{
	MemoryContext oldcxt;
	QipcRemoteMeta *copy;
	int			c;

	if (meta == NULL)
		return NULL;
	oldcxt = MemoryContextSwitchTo(CacheMemoryContext);
	copy = palloc(sizeof(QipcRemoteMeta));
	copy->ncols = meta->ncols;
	copy->names = palloc(sizeof(char *) * Max(meta->ncols, 1));
	for (c = 0; c < meta->ncols; c++)
		copy->names[c] = pstrdup(meta->names[c]);
	copy->types = palloc0(meta->ncols + 1);
	memcpy(copy->types, meta->types, meta->ncols);
	copy->attrs = palloc0(meta->ncols + 1);
	memcpy(copy->attrs, meta->attrs, meta->ncols);
	MemoryContextSwitchTo(oldcxt);
	return copy;
}

/* free an entry's meta (CacheMemoryContext) */
static void
free_meta(QipcRemoteMeta *meta)
{
	int			c;

	if (meta == NULL)
		return;
	for (c = 0; c < meta->ncols; c++)
		pfree(meta->names[c]);
	pfree(meta->names);
	pfree(meta->types);
	pfree(meta->attrs);
	pfree(meta);
}

static void
meta_cache_inval(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	QipcMetaEntry *entry;

	if (meta_cache == NULL)
		return;
	hash_seq_init(&status, meta_cache);
	while ((entry = (QipcMetaEntry *) hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || entry->relid == relid)
		{
			free_meta(entry->meta);
			hash_search(meta_cache, &entry->relid, HASH_REMOVE, NULL);
		}
	}
}

static void
meta_cache_syscache_inval(Datum arg, int cacheid, uint32 hashvalue)
{
	meta_cache_inval(arg, InvalidOid);
}

/*
 * qipc_relation_meta
 *		See qipc_fdw.h.
 */
const QipcRemoteMeta *
qipc_relation_meta(Oid relid, Oid serverid, Oid userid, const char *table)
{
	QipcMetaEntry *entry;
	bool		found;

	if (meta_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(QipcMetaEntry);
		meta_cache = hash_create("qipc_fdw remote meta", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS);
		CacheRegisterRelcacheCallback(meta_cache_inval, (Datum) 0);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID,
									  meta_cache_syscache_inval, (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID,
									  meta_cache_syscache_inval, (Datum) 0);
		CacheRegisterSyscacheCallback(FOREIGNTABLEREL,
									  meta_cache_syscache_inval, (Datum) 0);
	}

	entry = (QipcMetaEntry *) hash_search(meta_cache, &relid, HASH_FIND, &found);
	if (!found)
	{
		UserMapping *user = GetUserMapping(userid, serverid);
		QipcConnection *conn = qipc_get_connection(user);
		QipcRemoteMeta *meta;

		meta = copy_meta(qipc_remote_meta(conn, table, true));
		qipc_release_connection(conn);

		/* the request may have invalidated the cache: search again */
		entry = (QipcMetaEntry *) hash_search(meta_cache, &relid, HASH_ENTER,
											  &found);
		if (found)
			free_meta(entry->meta);
		entry->valid = (meta != NULL);
		entry->meta = meta;
	}
	return entry->valid ? entry->meta : NULL;
}
