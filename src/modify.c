/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  INSERT and COPY FROM into q tables, UPDATE and DELETE on keyed q
 *		  tables: the write path of qipc_fdw.
 *
 * Rows are sent to q in batches.  A batch is one typed, column-oriented q
 * table built with libkipc's constructors (never q text): one q vector per
 * column of the q table, of exactly the type q's meta reports, so that q
 * appends it without conversion.  The request is the general list
 *		(function; `name; batch)
 * whose first item is the function as a string, which kdb+ evaluates and
 * applies to the rest (what k.h's k(h, "insert", ks(name), batch, (K) 0)
 * sends): "insert" by default, "upsert" for keyed tables (insert fails on
 * an existing key), or the table option insert_function, e.g. ".u.upd" for
 * a tickerplant, which receives the table name and the batch.
 *
 * Batching.  PostgreSQL batches INSERT itself through ExecForeignBatchInsert
 * (GetForeignModifyBatchSize returns the batch_size option, or 1 when
 * RETURNING, row triggers or WITH CHECK OPTION need each row at once, as
 * postgres_fdw does).  COPY FROM (and INSERT routed through a partitioned
 * table) calls ExecForeignInsert once per row; for COPY the rows are
 * buffered here, converted as they arrive, and a batch is sent every
 * batch_size rows and at EndForeignInsert.
 *
 * Sync and async.  By default each batch is a sync request and q's answer
 * is checked.  With insert_async, batches go out as async messages and the
 * statement ends with one sync request that confirms them.  kdb+ never
 * answers an async message, not even with an error (a failed async insert is
 * silent on the client), so each async batch is wrapped in a small q lambda
 * that applies the insert function under protected evaluation (@[f;x;h])
 * and records, under a token unique to the statement, the rows accepted
 * and the first error in the q global dictionary .qipc_fdw.w; once a batch
 * failed the later ones of the statement are skipped.  The confirming sync
 * request reads (and removes) the statement's entry: because q handles the
 * messages of one connection in order, it runs after every batch.  An
 * error recorded there is raised, as is a count that differs from the
 * rows sent (the connection was lost and re-established in between, so
 * batches were lost).
 *
 * kdb+ has no transactions.  Batches that q accepted before an error stay
 * in the q table whatever happens to the PostgreSQL transaction (ROLLBACK
 * does not remove them); the batch that failed and every later row are not
 * inserted (q's insert and upsert check the whole batch before changing the
 * table; a user insert_function may behave otherwise).  Every error raised
 * while a statement inserts carries a detail saying how many rows q had
 * accepted by then.  A value that q cannot hold raises a 22xxx error naming
 * the column before its batch is sent.
 *
 * Types.  The declared PostgreSQL type of a column and the q type from meta
 * decide the conversion (the reverse of typemap.c's, so that what reads back
 * equal was written equal): SQL NULL becomes the q null of the column's type
 * (booleans and bytes have none: error 22004), +/-infinity the q infinities
 * of timestamp, date, month and float columns, timestamps and timespans are
 * multiplied by 1000 (range errors 22008: q timestamps hold 1707-09-22 to
 * 2292-04-10), timestamptz is written as UTC.  q strings, byte lists and
 * vectors have no null: NULL becomes the empty one.  A q column the foreign
 * table lacks is filled with nulls.  The conversion lives here rather than
 * in typemap.c's qipc_datum_to_kipc, which makes one heap atom per value
 * for request arguments: a batch writes each value straight into item k of
 * a column vector of the type meta reports, with no allocation for
 * scalars, and its errors name the column.
 *
 * UPDATE and DELETE.  q identifies a row only by the key of a keyed table,
 * so both need one (0A000 otherwise).  The old row comes from the plan's
 * whole-row junk column; DELETE sends q's functional delete of the row's
 * key, ![`t; ((=;`k1;v1); ...); 0b; `symbol$()] with typed values, inside a
 * lambda that returns the count of rows removed; UPDATE upserts the new row
 * (after deleting the old key's row when the key changed).  One request per
 * row: PostgreSQL hands these rows over one at a time.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/modify.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "access/htup_details.h"
#include "access/table.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/appendinfo.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "qipc_fdw.h"

#define NS_PER_US	INT64CONST(1000)


/*
 * One column of the q table, as a column of the batches sent.
 */
typedef struct QipcWriteColumn
{
	char	   *qname;			/* q column name */
	char		qchar;			/* meta type letter */
	int			vtype;			/* batch column: vector type 1..19, or 0 for a
								 * general list */
	int			itemtype;		/* general lists: KIPC_T_CHAR (strings),
								 * KIPC_T_BYTE (byte lists) or the vector type
								 * of an array's elements */
	AttrNumber	attnum;			/* local attribute, 0 if the foreign table
								 * lacks the column (nulls are sent) */
	const char *attname;		/* local name, for messages */
	Oid			typid;			/* declared PostgreSQL type */
	Oid			elemtype;		/* arrays: element type */
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;
	KipcObject *vec;			/* this batch's column: owned by the state,
								 * reused by the next batch when nothing else
								 * holds it (release_vectors frees it) */
} QipcWriteColumn;

/*
 * Execution state of an INSERT or COPY FROM into one foreign table.
 */
typedef struct QipcModifyState
{
	Relation	rel;
	char	   *relname;		/* local name, for messages */
	char	   *qtable;			/* q table name */
	char	   *function;		/* q function applied to (name; batch) */
	QipcConnection *conn;
	bool		async;
	int			batch_size;
	bool		buffered;		/* COPY: collect batch_size rows per request */

	int			ncols;
	QipcWriteColumn *cols;
	KipcObject *colnames;		/* symbol vector of the q column names */

	/* the batch being built */
	int64		nrows;			/* rows converted into it */
	int64		cap;			/* rows its vectors hold */

	/* what happened so far in this statement */
	int64		accepted;		/* rows q confirmed (sync batches, or the
								 * async confirmation) */
	int64		sent_async;		/* rows sent as async messages, not yet
								 * confirmed */
	char	   *token;			/* async: key of this statement's entry in
								 * .qipc_fdw.w */
	char	   *async_lambda;	/* async: the wrapper lambda's source */
	bool		in_confirm;		/* the confirmation request is running */

	/* UPDATE and DELETE (keyed tables): the key columns, the old row */
	CmdType		operation;
	int			nkeys;
	int		   *keycols;		/* index into cols of each key column */
	AttrNumber	wholerow_attno; /* the old row in the plan's output */

	/* error context: the column being converted, -1 if none */
	int			cur_col;

	MemoryContext state_cxt;	/* this struct and its strings */
	MemoryContext batch_cxt;	/* the batch's request objects and q's answer */
	MemoryContext temp_cxt;		/* per-row conversion garbage */
} QipcModifyState;

/* the q of DELETE: delete the rows matching the conditions, count them */
#define DELETE_LAMBDA \
	"{[qipc_t;qipc_c] qipc_n:count get qipc_t; " \
	"![qipc_t;qipc_c;0b;`symbol$()]; qipc_n - count get qipc_t}"

/* the q text of the async confirmation (the wrapper is built per table) */
#define CONFIRM_LAMBDA \
	"{[qipc_k] w:@[get;`.qipc_fdw.w;()!()]; " \
	"r:$[qipc_k in key w; w qipc_k; (0;\"\")]; " \
	".qipc_fdw.w:enlist[qipc_k] _ w; r}"

static QipcModifyState *create_modify_state(ModifyTableState *mtstate,
											ResultRelInfo *rinfo,
											CmdType operation, bool buffered);
static void fetch_q_meta(QipcModifyState *st, bool *keyed, KipcMsg **keys);
static void setup_row_identity(QipcModifyState *st, const KipcObject *keys,
							   ModifyTableState *mtstate);
static void old_row(QipcModifyState *st, TupleTableSlot *planSlot,
					Datum *values, bool *nulls);
static int64 delete_rows(QipcModifyState *st, Datum *values, bool *nulls);
static void choose_column_types(QipcModifyState *st, QipcWriteColumn *c);
static void batch_start(QipcModifyState *st, int64 cap);
static void batch_add_row(QipcModifyState *st, TupleTableSlot *slot);
static void batch_send(QipcModifyState *st);
static void confirm_async(QipcModifyState *st);
static void finish_statement(QipcModifyState *st);
pg_noreturn static void rethrow_with_row_count(QipcModifyState *st);
static void put_value(QipcModifyState *st, QipcWriteColumn *c, int vtype,
					  Oid typid, KipcObject *vec, int64 k, Datum d,
					  bool isnull);
static void fill_nulls(QipcWriteColumn *c, KipcObject *vec, int64 from,
					   int64 to);
static void write_error_callback(void *arg);
static void release_vectors(void *arg);
pg_noreturn static void out_of_memory(void);

/* ----------------------------------------------------------------
 * Planner callbacks
 * ----------------------------------------------------------------
 */

/*
 * qipc_is_foreign_rel_updatable
 *		INSERT only, unless the option updatable is false; tables defined by
 *		a query or a function are never written to.
 */
int
qipc_is_foreign_rel_updatable(Relation rel)
{
	ForeignTable *table = GetForeignTable(RelationGetRelid(rel));
	QipcFdwTableOptions topts;
	QipcFdwWriteOptions wopts;

	qipc_get_table_options(table, rel, &topts);
	if (topts.query != NULL || topts.function != NULL)
		return 0;
	qipc_get_write_options(table, &wopts);
	return wopts.updatable ?
		((1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE)) : 0;
}

/*
 * qipc_add_foreign_update_targets
 *		UPDATE and DELETE identify a row of a keyed q table by its key, read
 *		from the old row: ask for the whole row (the same junk column
 *		PostgreSQL adds itself for UPDATE).
 */
void
qipc_add_foreign_update_targets(PlannerInfo *root, Index rtindex,
								RangeTblEntry *target_rte,
								Relation target_relation)
{
	Var		   *var = makeVar(rtindex, InvalidAttrNumber, RECORDOID, -1,
							  InvalidOid, 0);

	add_row_identity_var(root, var, rtindex, "wholerow");
}

/*
 * qipc_plan_foreign_modify
 *		Nothing to plan: the q table's layout is read when the statement
 *		starts.  ON CONFLICT is refused here.
 */
List *
qipc_plan_foreign_modify(PlannerInfo *root, ModifyTable *plan,
						 Index resultRelation, int subplan_index)
{
	if (plan->operation == CMD_INSERT &&
		plan->onConflictAction != ONCONFLICT_NONE)
	{
		RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);

		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("INSERT with ON CONFLICT is not supported on foreign table \"%s\"",
						get_rel_name(rte->relid)),
				 errhint("Leave out ON CONFLICT: a keyed q table is written with upsert, which replaces the rows of existing keys.")));
	}
	return NIL;
}

/* ----------------------------------------------------------------
 * Executor callbacks
 * ----------------------------------------------------------------
 */

/*
 * qipc_begin_foreign_modify
 *		INSERT: connect and read the q table's layout.  Does nothing for
 *		EXPLAIN without ANALYZE.
 */
void
qipc_begin_foreign_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						  List *fdw_private, int subplan_index, int eflags)
{
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	rinfo->ri_FdwState = create_modify_state(mtstate, rinfo,
											 mtstate->operation, false);
}

/*
 * qipc_begin_foreign_insert
 *		COPY FROM, or a row routed to this foreign partition.  COPY comes
 *		without a plan; its rows are buffered into batches, unless row
 *		triggers must see each row inserted before the next.
 */
void
qipc_begin_foreign_insert(ModifyTableState *mtstate, ResultRelInfo *rinfo)
{
	bool		is_copy = (mtstate->ps.plan == NULL);
	TriggerDesc *trig = rinfo->ri_TrigDesc;
	bool		buffered;

	buffered = is_copy &&
		!(trig && (trig->trig_insert_after_row || trig->trig_insert_before_row));
	/* (an UPDATE that moves a row into this partition inserts it) */
	rinfo->ri_FdwState = create_modify_state(mtstate, rinfo, CMD_INSERT,
											 buffered);
}

/*
 * qipc_get_foreign_modify_batch_size
 *		Rows PostgreSQL hands to ExecForeignBatchInsert at once: batch_size,
 *		or 1 when RETURNING, row triggers or WITH CHECK OPTION need the rows
 *		one at a time.
 */
int
qipc_get_foreign_modify_batch_size(ResultRelInfo *rinfo)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;
	TriggerDesc *trig = rinfo->ri_TrigDesc;
	int			batch_size;

	if (st != NULL)
		batch_size = st->batch_size;
	else
	{
		QipcFdwWriteOptions wopts;

		qipc_get_write_options(GetForeignTable(RelationGetRelid(rinfo->ri_RelationDesc)),
							   &wopts);
		batch_size = wopts.batch_size;
	}

	if (rinfo->ri_projectReturning != NULL ||
		rinfo->ri_WithCheckOptions != NIL ||
		(trig && (trig->trig_insert_before_row || trig->trig_insert_after_row)))
		return 1;
	return batch_size;
}

/*
 * qipc_exec_foreign_insert
 *		One row.  Sent at once, except under COPY, where it joins the batch
 *		being built and the batch goes out when full.
 */
TupleTableSlot *
qipc_exec_foreign_insert(EState *estate, ResultRelInfo *rinfo,
						 TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;

	PG_TRY();
	{
		if (st->cap == 0)
			batch_start(st, st->buffered ? st->batch_size : 1);
		batch_add_row(st, slot);
		if (st->nrows >= st->cap)
			batch_send(st);
	}
	PG_CATCH();
	{
		rethrow_with_row_count(st);
	}
	PG_END_TRY();
	return slot;
}

/*
 * qipc_exec_foreign_batch_insert
 *		*numSlots rows from PostgreSQL's INSERT batching: one request.
 */
TupleTableSlot **
qipc_exec_foreign_batch_insert(EState *estate, ResultRelInfo *rinfo,
							   TupleTableSlot **slots,
							   TupleTableSlot **planSlots, int *numSlots)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;
	int			n = *numSlots;

	PG_TRY();
	{
		int			i;

		/* rows buffered by ExecForeignInsert come first (not expected) */
		if (st->cap > 0 && st->nrows > 0)
			batch_send(st);
		batch_start(st, n);
		for (i = 0; i < n; i++)
			batch_add_row(st, slots[i]);
		batch_send(st);
	}
	PG_CATCH();
	{
		rethrow_with_row_count(st);
	}
	PG_END_TRY();
	return slots;
}

/*
 * qipc_exec_foreign_update
 *		Replace a row of a keyed q table: upsert the new row; when its key
 *		changed, the row of the old key is deleted first.
 */
TupleTableSlot *
qipc_exec_foreign_update(EState *estate, ResultRelInfo *rinfo,
						 TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;
	TupleDesc	tupdesc = RelationGetDescr(st->rel);
	Datum	   *oldvalues = palloc(sizeof(Datum) * tupdesc->natts);
	bool	   *oldnulls = palloc(sizeof(bool) * tupdesc->natts);
	bool		key_changed = false;
	int			k;

	PG_TRY();
	{
		old_row(st, planSlot, oldvalues, oldnulls);
		slot_getallattrs(slot);
		for (k = 0; k < st->nkeys; k++)
		{
			QipcWriteColumn *col = &st->cols[st->keycols[k]];
			int			a = col->attnum - 1;
			Form_pg_attribute attr = TupleDescAttr(tupdesc, a);

			if (oldnulls[a] != slot->tts_isnull[a] ||
				(!oldnulls[a] &&
				 !datumIsEqual(oldvalues[a], slot->tts_values[a],
							   attr->attbyval, attr->attlen)))
				key_changed = true;
		}
		if (key_changed && delete_rows(st, oldvalues, oldnulls) == 0)
			slot = NULL;		/* the row is gone: nothing updated */
		else
		{
			batch_start(st, 1);
			batch_add_row(st, slot);
			batch_send(st);
		}
	}
	PG_CATCH();
	{
		rethrow_with_row_count(st);
	}
	PG_END_TRY();
	return slot;
}

/*
 * qipc_exec_foreign_delete
 *		Delete the row of the old row's key from a keyed q table.
 */
TupleTableSlot *
qipc_exec_foreign_delete(EState *estate, ResultRelInfo *rinfo,
						 TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;
	TupleDesc	tupdesc = RelationGetDescr(st->rel);
	Datum	   *oldvalues = palloc(sizeof(Datum) * tupdesc->natts);
	bool	   *oldnulls = palloc(sizeof(bool) * tupdesc->natts);
	int64		n = 0;

	PG_TRY();
	{
		old_row(st, planSlot, oldvalues, oldnulls);
		n = delete_rows(st, oldvalues, oldnulls);
	}
	PG_CATCH();
	{
		rethrow_with_row_count(st);
	}
	PG_END_TRY();
	/* a row that was no longer there was not deleted */
	if (n == 0)
		return NULL;
	/* RETURNING sees the deleted row */
	ExecClearTuple(slot);
	memcpy(slot->tts_values, oldvalues, sizeof(Datum) * tupdesc->natts);
	memcpy(slot->tts_isnull, oldnulls, sizeof(bool) * tupdesc->natts);
	ExecStoreVirtualTuple(slot);
	return slot;
}

/*
 * qipc_end_foreign_modify / qipc_end_foreign_insert
 *		Send the last rows and confirm async batches: a failure is reported
 *		before the statement returns.
 */
void
qipc_end_foreign_modify(EState *estate, ResultRelInfo *rinfo)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;

	if (st == NULL)
		return;
	finish_statement(st);
	rinfo->ri_FdwState = NULL;
}

void
qipc_end_foreign_insert(EState *estate, ResultRelInfo *rinfo)
{
	qipc_end_foreign_modify(estate, rinfo);
}

/*
 * qipc_explain_foreign_modify
 *		VERBOSE: the q function, table and batching.
 */
void
qipc_explain_foreign_modify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
							List *fdw_private, int subplan_index,
							ExplainState *es)
{
	QipcModifyState *st = (QipcModifyState *) rinfo->ri_FdwState;
	Relation	rel = rinfo->ri_RelationDesc;
	ForeignTable *table = GetForeignTable(RelationGetRelid(rel));
	QipcFdwTableOptions topts;
	QipcFdwWriteOptions wopts;
	const char *function;

	if (!es->verbose)
		return;
	qipc_get_table_options(table, rel, &topts);
	qipc_get_write_options(table, &wopts);
	ExplainPropertyText("q Table", topts.table ? topts.table : "", es);
	if (mtstate->operation == CMD_UPDATE)
	{
		ExplainPropertyText("q Function", "upsert (one row at a time)", es);
		return;
	}
	if (mtstate->operation == CMD_DELETE)
	{
		ExplainPropertyText("q Function",
							"![name; key conditions; 0b; `symbol$()] (one row at a time)",
							es);
		return;
	}
	if (st != NULL)
		function = st->function;
	else if (wopts.insert_function != NULL)
		function = wopts.insert_function;
	else
		function = "insert (upsert for a keyed table)";
	ExplainPropertyText("q Function", function, es);
	ExplainPropertyInteger("Batch Size", NULL,
						   rinfo->ri_BatchSize > 1 ? rinfo->ri_BatchSize :
						   wopts.batch_size, es);
	ExplainPropertyBool("Async", wopts.insert_async, es);
}

/* ----------------------------------------------------------------
 * Statement state
 * ----------------------------------------------------------------
 */

/*
 * create_modify_state
 *		Options, connection (the user mapping of the user the statement
 *		checks permissions as) and the q table's layout.
 */
static QipcModifyState *
create_modify_state(ModifyTableState *mtstate, ResultRelInfo *rinfo,
					CmdType operation, bool buffered)
{
	Relation	rel = rinfo->ri_RelationDesc;
	EState	   *estate = mtstate->ps.state;
	KipcMsg    *keys = NULL;
	QipcModifyState *st;
	MemoryContext cxt;
	MemoryContext oldcxt;
	ForeignTable *table;
	QipcFdwTableOptions topts;
	QipcFdwWriteOptions wopts;
	Oid			userid;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool		keyed = false;
	int			i;
	static uint32 statement_counter = 0;

	cxt = AllocSetContextCreate(estate->es_query_cxt, "qipc_fdw insert state",
								ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);

	st = (QipcModifyState *) palloc0(sizeof(QipcModifyState));
	st->state_cxt = cxt;
	st->batch_cxt = AllocSetContextCreate(cxt, "qipc_fdw insert batch",
										  ALLOCSET_DEFAULT_SIZES);
	st->temp_cxt = AllocSetContextCreate(cxt, "qipc_fdw insert row",
										 ALLOCSET_SMALL_SIZES);
	st->rel = rel;
	st->relname = pstrdup(RelationGetRelationName(rel));
	st->buffered = buffered;
	st->operation = operation;
	st->cur_col = -1;

	table = GetForeignTable(RelationGetRelid(rel));
	qipc_get_table_options(table, rel, &topts);
	qipc_get_write_options(table, &wopts);
	if (topts.table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot insert into foreign table \"%s\"", st->relname),
				 errdetail("The foreign table is defined by a q query or function, not a q table.")));
	st->qtable = pstrdup(topts.table);
	st->async = wopts.insert_async;
	st->batch_size = wopts.batch_size;

	userid = qipc_result_rel_user(rinfo, estate);
	st->conn = qipc_get_connection(GetUserMapping(userid, table->serverid));

	/* the q table's columns and types, and whether it is keyed */
	fetch_q_meta(st, &keyed, &keys);

	/* match the local columns to the q columns by (remote) name */
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		char	   *qname;
		int			c;

		if (attr->attisdropped)
			continue;
		qname = qipc_get_column_name(RelationGetRelid(rel), attr->attnum);
		for (c = 0; c < st->ncols; c++)
			if (strcmp(st->cols[c].qname, qname) == 0)
				break;
		if (c == st->ncols)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column \"%s\" of foreign table \"%s\" is not in q table \"%s\"",
							qname, st->relname, st->qtable)));
		if (st->cols[c].attnum != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INCONSISTENT_DESCRIPTOR_INFORMATION),
					 errmsg("q column \"%s\" of q table \"%s\" is mapped by two columns of foreign table \"%s\"",
							qname, st->qtable, st->relname)));
		st->cols[c].attnum = attr->attnum;
		st->cols[c].attname = pstrdup(NameStr(attr->attname));
		st->cols[c].typid = attr->atttypid;
	}
	for (i = 0; i < st->ncols; i++)
		choose_column_types(st, &st->cols[i]);
	if (operation != CMD_INSERT)
		setup_row_identity(st, keys->root, mtstate);

	/* the column vectors live across batches: freed with the state */
	{
		MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));

		cb->func = release_vectors;
		cb->arg = (void *) st;
		MemoryContextRegisterResetCallback(cxt, cb);
	}

	if (operation == CMD_UPDATE)
	{
		/* the new row replaces the row of its key */
		st->function = "upsert";
		st->async = false;
	}
	else if (operation == CMD_DELETE)
	{
		st->function = "delete";
		st->async = false;
	}
	else if (wopts.insert_function != NULL)
		st->function = pstrdup(wopts.insert_function);
	else
		st->function = keyed ? "upsert" : "insert";

	if (st->async)
	{
		StringInfoData buf;

		st->token = psprintf("qipc_fdw_%d_%lld_%u", MyProcPid,
							 (long long) MyStartTime, ++statement_counter);

		/*
		 * The async wrapper: skip if an earlier batch of the statement
		 * failed, else apply the function under protected evaluation and
		 * record (rows accepted; "" or the error).  The parameter names are
		 * unusual so that they cannot shadow a table name.
		 */
		initStringInfo(&buf);
		appendStringInfo(&buf,
						 "{[qipc_k;qipc_n;qipc_b] w:@[get;`.qipc_fdw.w;()!()]; "
						 "qipc_s:$[qipc_k in key w; w qipc_k; (0;\"\")]; "
						 "if[count qipc_s 1; :(::)]; "
						 "w[qipc_k]:@[{[qipc_n;qipc_b;qipc_s] %s[qipc_n;qipc_b]; "
						 "(qipc_s[0]+count qipc_b;\"\")}[qipc_n;qipc_b]; qipc_s; "
						 "{[qipc_s;qipc_e] (qipc_s 0;qipc_e)}[qipc_s]]; "
						 ".qipc_fdw.w:w;}",
						 st->function);
		st->async_lambda = buf.data;
	}

	MemoryContextSwitchTo(oldcxt);
	return st;
}

/*
 * fetch_q_meta
 *		The q table's columns and meta type letters (remote_meta.c, asked
 *		afresh: a write must match the table as it is now) and whether it is
 *		keyed (keys t); sets up st->cols, not yet matched to local columns.
 */
static void
fetch_q_meta(QipcModifyState *st, bool *keyed, KipcMsg **keys)
{
	QipcRemoteMeta *meta;
	KipcObject *req;
	KipcMsg    *msg;
	int			c;

	meta = qipc_remote_meta(st->conn, st->qtable, false);

	/* ("keys"; `name): the key columns, none for an unkeyed table */
	req = qipc_build_request(qipc_track_object(kipc_new_cstring("keys")),
							 list_make1(qipc_track_object(kipc_new_symbol(st->qtable))));
	msg = qipc_request_ext(st->conn, req, "keys", QIPC_REQUEST_IDEMPOTENT);
	if (msg->root->type != KIPC_T_SYMBOL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected q answer to keys of q table \"%s\" for foreign table \"%s\"",
						st->qtable, st->relname)));
	*keyed = msg->root->n > 0;
	*keys = msg;

	st->ncols = meta->ncols;
	st->cols = palloc0(sizeof(QipcWriteColumn) * Max(st->ncols, 1));
	st->colnames = kipc_new_vector(KIPC_T_SYMBOL, meta->ncols);
	if (st->colnames == NULL)
		out_of_memory();
	qipc_track_object(st->colnames);
	for (c = 0; c < meta->ncols; c++)
	{
		st->cols[c].qname = meta->names[c];
		st->cols[c].qchar = meta->types[c];
		if (kipc_set_symbol(st->colnames, c, meta->names[c]) != KIPC_OK)
			out_of_memory();
	}
}

/*
 * setup_row_identity
 *		UPDATE and DELETE: the key columns of the q table (which must be a
 *		keyed table whose key columns the foreign table has) and the old
 *		row's junk column.
 */
static void
setup_row_identity(QipcModifyState *st, const KipcObject *keys,
				   ModifyTableState *mtstate)
{
	Plan	   *subplan = outerPlanState(mtstate)->plan;
	const char *verb = st->operation == CMD_UPDATE ? "update" : "delete from";
	int64		k;

	if (keys->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot %s foreign table \"%s\"", verb, st->relname),
				 errdetail("q table \"%s\" has no key: only the rows of a keyed q table can be identified, by their key.",
						   st->qtable)));
	st->nkeys = (int) keys->n;
	st->keycols = palloc(sizeof(int) * st->nkeys);
	for (k = 0; k < keys->n; k++)
	{
		int			c;

		for (c = 0; c < st->ncols; c++)
			if (strcmp(st->cols[c].qname, keys->v.syms[k]) == 0)
				break;
		if (c == st->ncols || st->cols[c].attnum == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot %s foreign table \"%s\"", verb, st->relname),
					 errdetail("Key column \"%s\" of q table \"%s\" is not a column of the foreign table.",
							   keys->v.syms[k], st->qtable)));
		if (st->cols[c].vtype == KIPC_T_LIST)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot %s foreign table \"%s\"", verb, st->relname),
					 errdetail("Key column \"%s\" of q table \"%s\" is a column of lists.",
							   keys->v.syms[k], st->qtable)));
		st->keycols[k] = c;
	}
	st->wholerow_attno = ExecFindJunkAttributeInTlist(subplan->targetlist,
													  "wholerow");
	if (!AttributeNumberIsValid(st->wholerow_attno))
		elog(ERROR, "could not find junk wholerow column");
}

/*
 * old_row
 *		The old row of an UPDATE or DELETE, from the plan's whole-row junk
 *		column, deformed into values/nulls by attribute number.
 */
static void
old_row(QipcModifyState *st, TupleTableSlot *planSlot, Datum *values,
		bool *nulls)
{
	HeapTupleData tuple;
	HeapTupleHeader th;
	bool		isnull;
	Datum		d;

	d = ExecGetJunkAttribute(planSlot, st->wholerow_attno, &isnull);
	if (isnull)
		elog(ERROR, "wholerow is NULL");
	th = DatumGetHeapTupleHeader(d);
	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	heap_deform_tuple(&tuple, RelationGetDescr(st->rel), values, nulls);
}

/*
 * delete_rows
 *		Delete the row of the key in values/nulls (by attribute number) with
 *		q's functional delete ![t; c; 0b; `symbol$()], c the conditions
 *		(=; `key; value) with typed q values (a symbol enlisted, so that it
 *		is not read as a column name).  Returns the rows q deleted.
 */
static int64
delete_rows(QipcModifyState *st, Datum *values, bool *nulls)
{
	MemoryContext oldcxt;
	KipcObject *conds;
	KipcObject *req;
	KipcMsg    *msg;
	int64		n;
	int			k;

	MemoryContextReset(st->batch_cxt);
	oldcxt = MemoryContextSwitchTo(st->batch_cxt);
	conds = qipc_track_object(kipc_new_list(st->nkeys));
	for (k = 0; k < st->nkeys; k++)
	{
		QipcWriteColumn *col = &st->cols[st->keycols[k]];
		int			a = col->attnum - 1;
		KipcObject *cond = kipc_new_list(3);
		KipcObject *vec;
		KipcObject *value;

		if (cond == NULL)
			out_of_memory();
		conds->v.objs[k] = cond;
		cond->v.objs[0] = kipc_new_primitive(KIPC_T_BINARY, 8); /* = */
		cond->v.objs[1] = kipc_new_symbol(col->qname);
		vec = kipc_new_vector(col->vtype, 1);
		if (cond->v.objs[0] == NULL || cond->v.objs[1] == NULL || vec == NULL)
		{
			kipc_unref(vec);
			out_of_memory();
		}
		cond->v.objs[2] = vec;	/* owned by cond from here */
		st->cur_col = st->keycols[k];
		put_value(st, col, col->vtype, col->typid, vec, 0, values[a], nulls[a]);
		st->cur_col = -1;
		if (col->vtype != KIPC_T_SYMBOL)
		{
			/* an atom of the item (a symbol stays a one-item list) */
			value = kipc_new_atom(-col->vtype);
			if (value == NULL)
				out_of_memory();
			memcpy(&value->a, vec->v.items, kipc_type_size(col->vtype));
			cond->v.objs[2] = value;
			kipc_unref(vec);
		}
	}

	/* ({...}; `name; conditions): the count of rows deleted */
	req = qipc_track_object(kipc_new_list(3));
	req->v.objs[0] = kipc_new_cstring(DELETE_LAMBDA);
	req->v.objs[1] = kipc_new_symbol(st->qtable);
	req->v.objs[2] = kipc_ref(conds);
	if (req->v.objs[0] == NULL || req->v.objs[1] == NULL)
		out_of_memory();
	msg = qipc_request_ext(st->conn, req, DELETE_LAMBDA, 0);
	if (msg->root->type != -KIPC_T_LONG)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected q answer to a delete from q table \"%s\"",
						st->qtable)));
	n = msg->root->a.j;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(st->batch_cxt);
	return n;
}

/* q vector type of a meta letter (lower case), 0 if none */
static int
vtype_of_letter(char ch)
{
	static const char letters[] = " bg xhijefcspmdznuvt";
	const char *p;

	if (ch == ' ' || ch == '\0')
		return 0;
	p = strchr(letters, ch);
	return p ? (int) (p - letters) : 0;
}

/* the q vector type PostgreSQL type typid is written as into an untyped
 * (empty general list) q column; 0 for strings/byte lists, -1 if none */
static int
natural_vtype(Oid typid)
{
	switch (typid)
	{
		case BOOLOID:
			return KIPC_T_BOOLEAN;
		case INT2OID:
			return KIPC_T_SHORT;
		case INT4OID:
			return KIPC_T_INT;
		case INT8OID:
			return KIPC_T_LONG;
		case FLOAT4OID:
			return KIPC_T_REAL;
		case FLOAT8OID:
		case NUMERICOID:
			return KIPC_T_FLOAT;
		case NAMEOID:
			return KIPC_T_SYMBOL;
		case CHAROID:
			return KIPC_T_CHAR;
		case DATEOID:
			return KIPC_T_DATE;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			return KIPC_T_TIMESTAMP;
		case TIMEOID:
		case INTERVALOID:
			return KIPC_T_TIMESPAN;
		case UUIDOID:
			return KIPC_T_GUID;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case BYTEAOID:
			return 0;
		default:
			return -1;
	}
}

static bool
is_text_type(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID ||
		typid == NAMEOID;
}

/* can a value of typid be written into a q vector of type vtype? */
static bool
scalar_supported(Oid typid, int vtype)
{
	switch (vtype)
	{
		case KIPC_T_BOOLEAN:
			return typid == BOOLOID;
		case KIPC_T_BYTE:
			return typid == INT2OID || typid == INT4OID || typid == INT8OID;
		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_LONG:
			return typid == INT2OID || typid == INT4OID || typid == INT8OID ||
				typid == NUMERICOID || typid == FLOAT4OID ||
				typid == FLOAT8OID || typid == BOOLOID;
		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
			return typid == FLOAT4OID || typid == FLOAT8OID ||
				typid == NUMERICOID || typid == INT2OID ||
				typid == INT4OID || typid == INT8OID;
		case KIPC_T_CHAR:
			return typid == CHAROID || typid == TEXTOID ||
				typid == VARCHAROID || typid == BPCHAROID;
		case KIPC_T_SYMBOL:
			return is_text_type(typid);
		case KIPC_T_GUID:
			return typid == UUIDOID;
		case KIPC_T_TIMESTAMP:
		case KIPC_T_DATE:
			return typid == TIMESTAMPOID || typid == TIMESTAMPTZOID ||
				typid == DATEOID;
		case KIPC_T_MONTH:
			return typid == DATEOID;
		case KIPC_T_DATETIME:
			return typid == TIMESTAMPOID || typid == TIMESTAMPTZOID;
		case KIPC_T_TIMESPAN:
		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			return typid == TIMEOID || typid == INTERVALOID;
		default:
			return false;
	}
}

/*
 * choose_column_types
 *		The batch column type of q column c and whether the declared
 *		PostgreSQL type can be written into it; HV004 if not.
 */
static void
choose_column_types(QipcModifyState *st, QipcWriteColumn *c)
{
	char		ch = c->qchar;
	bool		ok = false;
	Oid			elemtype;

	if (ch >= 'a' && ch <= 'z')
	{
		c->vtype = vtype_of_letter(ch);
		ok = c->vtype != 0 &&
			(c->attnum == 0 || scalar_supported(c->typid, c->vtype));
	}
	else if (ch == 'C' || ch == 'X')
	{
		c->vtype = KIPC_T_LIST;
		c->itemtype = ch == 'C' ? KIPC_T_CHAR : KIPC_T_BYTE;
		ok = c->attnum == 0 ||
			(ch == 'C' ? (is_text_type(c->typid) && c->typid != NAMEOID)
			 : c->typid == BYTEAOID);
	}
	else if (ch >= 'A' && ch <= 'Z')
	{
		/* a column of vectors: PostgreSQL arrays */
		c->vtype = KIPC_T_LIST;
		c->itemtype = vtype_of_letter(ch - 'A' + 'a');
		ok = c->itemtype != 0;
		if (ok && c->attnum != 0)
		{
			elemtype = get_element_type(c->typid);
			ok = OidIsValid(elemtype) && scalar_supported(elemtype, c->itemtype);
		}
	}
	else if (ch == ' ')
	{
		/* untyped (empty or mixed) column: the natural q type */
		if (c->attnum == 0)
		{
			c->vtype = KIPC_T_LIST;
			c->itemtype = KIPC_T_LIST;
			ok = true;
		}
		else if ((elemtype = get_element_type(c->typid)) != InvalidOid &&
				 c->typid != NAMEOID)
		{
			/* text arrays are symbol lists, q's usual list of names */
			int			ev = is_text_type(elemtype) ? KIPC_T_SYMBOL :
			natural_vtype(elemtype);

			c->vtype = KIPC_T_LIST;
			c->itemtype = ev;
			ok = ev > 0;
		}
		else
		{
			int			v = natural_vtype(c->typid);

			if (v > 0)
			{
				c->vtype = v;
				ok = true;
			}
			else if (v == 0)
			{
				c->vtype = KIPC_T_LIST;
				c->itemtype = c->typid == BYTEAOID ? KIPC_T_BYTE : KIPC_T_CHAR;
				ok = true;
			}
		}
	}

	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("column \"%s\" of foreign table \"%s\" cannot be written to q column \"%s\" of type \"%c\"",
						c->attname ? c->attname : c->qname, st->relname,
						c->qname, ch),
				 c->attnum != 0 ?
				 errdetail("The column is declared as %s.",
						   format_type_be(c->typid)) : 0));

	if (c->attnum != 0 && c->vtype == KIPC_T_LIST &&
		c->itemtype != KIPC_T_CHAR && c->itemtype != KIPC_T_BYTE &&
		c->itemtype != KIPC_T_LIST)
	{
		c->elemtype = get_element_type(c->typid);
		get_typlenbyvalalign(c->elemtype, &c->elmlen, &c->elmbyval,
							 &c->elmalign);
	}
}

/* ----------------------------------------------------------------
 * Batches
 * ----------------------------------------------------------------
 */

static void
out_of_memory(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_OUT_OF_MEMORY),
			 errmsg("out of memory")));
}

/*
 * batch_start
 *		Fresh column vectors for up to cap rows.
 */
static void
batch_start(QipcModifyState *st, int64 cap)
{
	int			c;

	MemoryContextReset(st->batch_cxt);
	for (c = 0; c < st->ncols; c++)
	{
		QipcWriteColumn *col = &st->cols[c];

		/*
		 * A vector of the previous batch is reused when nothing else holds it
		 * and it has the size: every item is overwritten (symbols free their
		 * old string), and big vectors are not unmapped and faulted in again
		 * for every batch.  General lists start afresh.
		 */
		if (col->vec != NULL && col->vtype != KIPC_T_LIST &&
			col->vec->refcount == 1 && col->vec->n == cap)
			continue;
		if (col->vec != NULL)
			kipc_unref(col->vec);
		col->vec = col->vtype == KIPC_T_LIST ? kipc_new_list(cap) :
			kipc_new_vector(col->vtype, cap);
		if (col->vec == NULL)
			out_of_memory();
	}
	st->cap = cap;
	st->nrows = 0;
}

/*
 * batch_add_row
 *		Convert the row in slot into item nrows of every column.
 */
static void
batch_add_row(QipcModifyState *st, TupleTableSlot *slot)
{
	ErrorContextCallback errcallback;
	MemoryContext oldcxt;
	int64		k = st->nrows;
	int			c;

	slot_getallattrs(slot);

	errcallback.callback = write_error_callback;
	errcallback.arg = (void *) st;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	for (c = 0; c < st->ncols; c++)
	{
		QipcWriteColumn *col = &st->cols[c];
		int			a = col->attnum - 1;

		if (col->attnum == 0)
			continue;			/* filled with nulls when sent */
		st->cur_col = c;
		put_value(st, col, col->vtype, col->typid, col->vec, k,
				  slot->tts_values[a], slot->tts_isnull[a]);
	}
	st->cur_col = -1;

	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(st->temp_cxt);
	error_context_stack = errcallback.previous;
	st->nrows++;
}

/*
 * batch_send
 *		Send the batch (nrows rows) as one request, sync or async.
 */
static void
batch_send(QipcModifyState *st)
{
	MemoryContext oldcxt;
	KipcObject *columns;
	KipcObject *table;
	KipcObject *req;
	int64		n = st->nrows;
	int			c;

	if (n == 0)
		return;
	oldcxt = MemoryContextSwitchTo(st->batch_cxt);

	columns = kipc_new_list(st->ncols);
	if (columns == NULL)
		out_of_memory();
	qipc_track_object(columns);
	for (c = 0; c < st->ncols; c++)
	{
		QipcWriteColumn *col = &st->cols[c];

		if (n < st->cap && kipc_resize(col->vec, n) != KIPC_OK)
			out_of_memory();
		if (col->attnum == 0)
			fill_nulls(col, col->vec, 0, n);
		columns->v.objs[c] = kipc_ref(col->vec);
	}
	table = kipc_new_table(kipc_ref(st->colnames), kipc_ref(columns));
	if (table == NULL)
		out_of_memory();
	qipc_track_object(table);

	if (!st->async)
	{
		KipcMsg    *msg;

		/* (function; `name; batch) */
		req = qipc_track_object(kipc_new_list(3));
		req->v.objs[0] = kipc_new_cstring(st->function);
		req->v.objs[1] = kipc_new_symbol(st->qtable);
		req->v.objs[2] = kipc_ref(table);
		if (req->v.objs[0] == NULL || req->v.objs[1] == NULL)
			out_of_memory();

		/* not idempotent: an insert is never resent */
		msg = qipc_request_ext(st->conn, req, st->function,
							   QIPC_REQUEST_ALLOW_ERROR);
		if (msg->root->type == KIPC_T_ERROR)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("q error on server \"%s\" while inserting into q table \"%s\": '%s",
							qipc_connection_server_name(st->conn),
							st->qtable,
							msg->root->a.s ? msg->root->a.s : ""),
					 errcontext("remote q: %s[`%s; <%lld-row table>]",
								st->function, st->qtable, (long long) n)));
		st->accepted += n;
	}
	else
	{
		/* (wrapper; `token; `name; batch), see the file header */
		req = qipc_track_object(kipc_new_list(4));
		req->v.objs[0] = kipc_new_cstring(st->async_lambda);
		req->v.objs[1] = kipc_new_symbol(st->token);
		req->v.objs[2] = kipc_new_symbol(st->qtable);
		req->v.objs[3] = kipc_ref(table);
		if (req->v.objs[0] == NULL || req->v.objs[1] == NULL ||
			req->v.objs[2] == NULL)
			out_of_memory();
		qipc_send_async(st->conn, req, st->function);
		st->sent_async += n;
	}

	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(st->batch_cxt);
	st->cap = 0;
	st->nrows = 0;
}

/*
 * confirm_async
 *		One sync request after the async batches: reads what q recorded
 *		for the statement.  Raises the recorded q error, or an error when
 *		fewer rows arrived than were sent.
 */
static void
confirm_async(QipcModifyState *st)
{
	MemoryContext oldcxt;
	KipcObject *req;
	KipcMsg    *msg;
	KipcObject *r;
	int64		got;
	const char *err = "";
	int			errlen = 0;
	int64		sent = st->sent_async;

	if (!st->async || sent == 0)
		return;
	oldcxt = MemoryContextSwitchTo(st->batch_cxt);
	st->in_confirm = true;
	req = qipc_track_object(kipc_new_list(2));
	req->v.objs[0] = kipc_new_cstring(CONFIRM_LAMBDA);
	req->v.objs[1] = kipc_new_symbol(st->token);
	if (req->v.objs[0] == NULL || req->v.objs[1] == NULL)
		out_of_memory();
	msg = qipc_request_ext(st->conn, req, CONFIRM_LAMBDA, 0);
	st->in_confirm = false;
	r = msg->root;
	if (r->type != KIPC_T_LIST || r->n != 2 || r->v.objs[0]->type != -KIPC_T_LONG)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected q answer to the confirmation of the async inserts into q table \"%s\"",
						st->qtable)));
	got = r->v.objs[0]->a.j;
	if (r->v.objs[1]->type == KIPC_T_CHAR)
	{
		err = (const char *) r->v.objs[1]->v.items;
		errlen = (int) r->v.objs[1]->n;
	}
	else if (r->v.objs[1]->type == -KIPC_T_CHAR)
	{
		err = (const char *) &r->v.objs[1]->a.g;
		errlen = 1;
	}

	/* from here on, the count is what q confirmed */
	st->sent_async = 0;
	st->accepted += got;
	if (errlen > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("q error on server \"%s\" while inserting into q table \"%s\": '%.*s",
						qipc_connection_server_name(st->conn), st->qtable,
						errlen, err),
				 errcontext("remote q: %s[`%s; <table>] sent as async messages",
							st->function, st->qtable)));
	if (got != sent)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("q server \"%s\" confirmed %lld of the %lld rows sent asynchronously to q table \"%s\"",
						qipc_connection_server_name(st->conn),
						(long long) got, (long long) sent, st->qtable),
				 errhint("The connection was lost and re-established while the rows were sent: the other rows were lost.")));
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(st->batch_cxt);
}

/*
 * finish_statement
 *		Send what is buffered and confirm the async batches.
 */
static void
finish_statement(QipcModifyState *st)
{
	PG_TRY();
	{
		if (st->cap > 0 && st->nrows > 0)
			batch_send(st);
		confirm_async(st);
	}
	PG_CATCH();
	{
		rethrow_with_row_count(st);
	}
	PG_END_TRY();
	if (st->conn)
		qipc_release_connection(st->conn);
	st->conn = NULL;
}

/*
 * rethrow_with_row_count
 *		Called in PG_CATCH: re-raise the error with a detail saying how many
 *		rows q had accepted, since they stay in the q table.  With async
 *		batches not yet confirmed, the confirmation is attempted first when
 *		the connection can still be trusted.
 */
static void
rethrow_with_row_count(QipcModifyState *st)
{
	ErrorData  *edata;
	char	   *detail;
	bool		confirmed = true;

	MemoryContextSwitchTo(st->state_cxt);
	edata = CopyErrorData();
	FlushErrorState();

	if (st->sent_async > 0)
	{
		int			cls = ERRCODE_TO_CATEGORY(edata->sqlerrcode);

		confirmed = false;
		if (!st->in_confirm &&
			cls != ERRCODE_TO_CATEGORY(ERRCODE_CONNECTION_EXCEPTION) &&
			cls != ERRCODE_TO_CATEGORY(ERRCODE_QUERY_CANCELED) &&
			cls != ERRCODE_TO_CATEGORY(ERRCODE_FDW_ERROR))
		{
			PG_TRY();
			{
				st->in_confirm = true;
				confirm_async(st);
				confirmed = true;
			}
			PG_CATCH();
			{
				ErrorData  *e2;

				MemoryContextSwitchTo(st->state_cxt);
				e2 = CopyErrorData();
				FlushErrorState();
				/* a q error recorded for an earlier batch: that one counts */
				if (st->sent_async == 0)
				{
					confirmed = true;
					edata = e2;
				}
			}
			PG_END_TRY();
		}
		st->in_confirm = false;
	}

	if (confirmed)
		detail = psprintf(st->accepted == 1 ?
						  "%lld row was inserted into the q table before the error." :
						  "%lld rows were inserted into the q table before the error.",
						  (long long) st->accepted);
	else
		detail = psprintf("%lld rows were inserted into the q table before the error, and %lld more were sent asynchronously; q may have inserted some or all of those.",
						  (long long) st->accepted, (long long) st->sent_async);
	if (edata->detail != NULL)
		edata->detail = psprintf("%s %s", edata->detail, detail);
	else
		edata->detail = detail;
	if (edata->hint == NULL && (st->accepted > 0 || !confirmed))
		edata->hint = pstrdup("q has no transactions: rows it accepted stay in the q table even though the statement failed.");

	/* the state is dead: End* is not called after an error */
	st->sent_async = 0;
	st->cap = 0;
	st->nrows = 0;
	ReThrowError(edata);
}

/* memory context callback: drop the column vectors */
static void
release_vectors(void *arg)
{
	QipcModifyState *st = (QipcModifyState *) arg;
	int			c;

	for (c = 0; c < st->ncols; c++)
	{
		kipc_unref(st->cols[c].vec);
		st->cols[c].vec = NULL;
	}
}

/* error context: the column whose value is being converted */
static void
write_error_callback(void *arg)
{
	QipcModifyState *st = (QipcModifyState *) arg;

	if (st->cur_col >= 0 && st->cur_col < st->ncols)
		errcontext("column \"%s\" of foreign table \"%s\", q column \"%s\" of type \"%c\"",
				   st->cols[st->cur_col].attname, st->relname,
				   st->cols[st->cur_col].qname, st->cols[st->cur_col].qchar);
}

/* ----------------------------------------------------------------
 * Values: PostgreSQL Datum -> item k of a q vector
 * ----------------------------------------------------------------
 */

pg_noreturn static void value_error(QipcModifyState *st, QipcWriteColumn *c,
									int sqlstate, const char *msg,
									const char *detail);

static void
value_error(QipcModifyState *st, QipcWriteColumn *c, int sqlstate,
			const char *msg, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", msg),
			 detail ? errdetail("%s", detail) : 0));
}

/* q's finite range of integer-like vector type vtype */
static void
int_range(int vtype, int64 *lo, int64 *hi)
{
	switch (vtype)
	{
		case KIPC_T_SHORT:
			*lo = KIPC_NINF_SHORT + 1;
			*hi = KIPC_INF_SHORT - 1;
			break;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			*lo = KIPC_NINF_LONG + 1;
			*hi = KIPC_INF_LONG - 1;
			break;
		default:
			*lo = KIPC_NINF_INT + 1;
			*hi = KIPC_INF_INT - 1;
			break;
	}
}

/* store an integer-like value in item k (widths by vector type) */
static inline void
store_int(KipcObject *vec, int vtype, int64 k, int64 v)
{
	switch (vtype)
	{
		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			((uint8 *) vec->v.items)[k] = (uint8) v;
			break;
		case KIPC_T_SHORT:
			kipc_set_h(vec, k, (int16) v);
			break;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			kipc_set_j(vec, k, v);
			break;
		default:
			kipc_set_i(vec, k, (int32) v);
			break;
	}
}

/* the q null of vector type vtype as an integer bit pattern */
static inline int64
int_null(int vtype)
{
	switch (vtype)
	{
		case KIPC_T_SHORT:
			return KIPC_NULL_SHORT;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return KIPC_NULL_LONG;
		default:
			return KIPC_NULL_INT;
	}
}

static inline int64
int_inf(int vtype, bool neg)
{
	switch (vtype)
	{
		case KIPC_T_SHORT:
			return neg ? KIPC_NINF_SHORT : KIPC_INF_SHORT;
		case KIPC_T_LONG:
		case KIPC_T_TIMESTAMP:
		case KIPC_T_TIMESPAN:
			return neg ? KIPC_NINF_LONG : KIPC_INF_LONG;
		default:
			return neg ? KIPC_NINF_INT : KIPC_INF_INT;
	}
}

/* text bytes of a text-like datum; bpchar without its padding */
static const char *
text_bytes(Oid typid, Datum d, int *len)
{
	if (typid == NAMEOID)
	{
		const char *s = NameStr(*DatumGetName(d));

		*len = strlen(s);
		return s;
	}
	else
	{
		struct varlena *t = PG_DETOAST_DATUM_PACKED(d);
		const char *s = VARDATA_ANY(t);
		int			n = VARSIZE_ANY_EXHDR(t);

		if (typid == BPCHAROID)
			while (n > 0 && s[n - 1] == ' ')
				n--;
		*len = n;
		return s;
	}
}

pg_noreturn static void nan_error(QipcModifyState *st, QipcWriteColumn *c);

static void
nan_error(QipcModifyState *st, QipcWriteColumn *c)
{
	value_error(st, c, ERRCODE_INVALID_PARAMETER_VALUE,
				"NaN cannot be sent to q",
				"q's floating-point NaN is its null (0n), which reads back as NULL.");
}

pg_noreturn static void timestamp_range_error(QipcModifyState *st,
											  QipcWriteColumn *c);

static void
timestamp_range_error(QipcModifyState *st, QipcWriteColumn *c)
{
	value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
				"timestamp out of range for q type timestamp",
				"q timestamps hold 1707-09-22 00:12:43.145225 to 2292-04-10 23:47:16.854775 (nanoseconds since 2000 in 64 bits).");
}

/* a float for real/float columns, from a float, numeric or integer type */
static double
datum_to_double(QipcModifyState *st, QipcWriteColumn *c, Oid typid, Datum d)
{
	switch (typid)
	{
		case FLOAT4OID:
			return DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		default:
			elog(ERROR, "unexpected type %u for a q float", typid);
	}
	return 0;					/* keep compiler quiet */
}

/* an integer for integer-like columns; non-integral floats are errors */
static int64
datum_to_int64(QipcModifyState *st, QipcWriteColumn *c, Oid typid, Datum d)
{
	switch (typid)
	{
		case BOOLOID:
			return DatumGetBool(d) ? 1 : 0;
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return DatumGetInt64(d);
		case NUMERICOID:
			/* rounds to the nearest integer, as PostgreSQL's cast does */
			return DatumGetInt64(DirectFunctionCall1(numeric_int8, d));
		case FLOAT4OID:
		case FLOAT8OID:
			{
				double		f = typid == FLOAT4OID ? DatumGetFloat4(d) :
				DatumGetFloat8(d);

				if (isnan(f) || f != rint(f) || f < -9.2e18 || f > 9.2e18)
					value_error(st, c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
								"floating-point value is not an integer that a q integer column can hold",
								NULL);
				return (int64) f;
			}
		default:
			elog(ERROR, "unexpected type %u for a q integer", typid);
	}
	return 0;					/* keep compiler quiet */
}

/* microseconds of a time or of an interval without months */
static int64
time_us(QipcModifyState *st, QipcWriteColumn *c, Oid typid, Datum d)
{
	if (typid == TIMEOID)
		return DatumGetTimeADT(d);
	else
	{
		Interval   *iv = DatumGetIntervalP(d);
		int64		us;

		if (iv->month != 0)
			value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
						"interval with months or years cannot be sent to q",
						"q timespans and times have no months; express the interval in days.");
		if (pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &us) ||
			pg_add_s64_overflow(us, iv->time, &us))
			value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
						"interval out of range for q", NULL);
		return us;
	}
}

/*
 * put_value
 *		Convert one value (typid, or NULL) into item k of vec, a vector of
 *		type vtype (or a general list of column c's items).
 */
static void
put_value(QipcModifyState *st, QipcWriteColumn *c, int vtype, Oid typid,
		  KipcObject *vec, int64 k, Datum d, bool isnull)
{
	int64		v;
	int64		lo;
	int64		hi;

	switch (vtype)
	{
		case KIPC_T_LIST:
			{
				KipcObject *item;

				if (c->itemtype == KIPC_T_CHAR || c->itemtype == KIPC_T_BYTE)
				{
					const char *s = "";
					int			len = 0;

					/* q strings and byte lists have no null: empty */
					if (!isnull)
					{
						if (typid == BYTEAOID)
						{
							bytea	   *b = DatumGetByteaPP(d);

							s = VARDATA_ANY(b);
							len = VARSIZE_ANY_EXHDR(b);
						}
						else
							s = text_bytes(typid, d, &len);
					}
					item = kipc_new_vector(c->itemtype, len);
					if (item == NULL)
						out_of_memory();
					if (len > 0)
						memcpy(item->v.items, s, len);
				}
				else
				{
					/* an array: a vector of the element type */
					ArrayType  *arr;
					Datum	   *elems = NULL;
					bool	   *nulls = NULL;
					int			nelems = 0;
					int			i;
					int			ivtype = c->itemtype;

					if (!isnull)
					{
						arr = DatumGetArrayTypeP(d);
						if (ARR_NDIM(arr) > 1)
							value_error(st, c, ERRCODE_ARRAY_SUBSCRIPT_ERROR,
										"multidimensional arrays cannot be sent to q",
										"A q column of vectors holds one-dimensional arrays.");
						deconstruct_array(arr, c->elemtype, c->elmlen,
										  c->elmbyval, c->elmalign,
										  &elems, &nulls, &nelems);
					}
					item = kipc_new_vector(ivtype, nelems);
					if (item == NULL)
						out_of_memory();
					/* owned by the list from here, freed with the batch */
					vec->v.objs[k] = item;
					for (i = 0; i < nelems; i++)
						put_value(st, c, ivtype, c->elemtype, item, i,
								  elems[i], nulls[i]);
					return;
				}
				vec->v.objs[k] = item;
				return;
			}

		case KIPC_T_BOOLEAN:
		case KIPC_T_BYTE:
			if (isnull)
				value_error(st, c, ERRCODE_NULL_VALUE_NOT_ALLOWED,
							psprintf("null value cannot be sent to q type %s",
									 kipc_type_name(vtype)),
							psprintf("q type %s has no null.",
									 kipc_type_name(vtype)));
			v = datum_to_int64(st, c, typid, d);
			if (vtype == KIPC_T_BYTE && (v < 0 || v > 255))
				value_error(st, c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value %lld is out of range for q type byte",
									 (long long) v),
							"q bytes hold 0 to 255.");
			store_int(vec, vtype, k, v);
			return;

		case KIPC_T_SHORT:
		case KIPC_T_INT:
		case KIPC_T_LONG:
			if (isnull)
			{
				store_int(vec, vtype, k, int_null(vtype));
				return;
			}
			v = datum_to_int64(st, c, typid, d);
			int_range(vtype, &lo, &hi);
			if (v < lo || v > hi)
				value_error(st, c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value %lld is out of range for q type %s",
									 (long long) v, kipc_type_name(vtype)),
							psprintf("q type %s holds %lld to %lld; q uses the values beyond for its null and infinities.",
									 kipc_type_name(vtype), (long long) lo,
									 (long long) hi));
			store_int(vec, vtype, k, v);
			return;

		case KIPC_T_REAL:
		case KIPC_T_FLOAT:
			{
				double		f;

				if (isnull)
				{
					if (vtype == KIPC_T_REAL)
						kipc_set_e(vec, k, kipc_null_real());
					else
						kipc_set_f(vec, k, kipc_null_float());
					return;
				}
				f = datum_to_double(st, c, typid, d);
				if (isnan(f))
					nan_error(st, c);
				if (vtype == KIPC_T_REAL)
				{
					if (!isinf(f) && (f > FLT_MAX || f < -FLT_MAX))
						value_error(st, c, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
									"value out of range for q type real: overflow",
									NULL);
					kipc_set_e(vec, k, (float) f);
				}
				else
					kipc_set_f(vec, k, f);
				return;
			}

		case KIPC_T_CHAR:
			if (isnull)
				((uint8 *) vec->v.items)[k] = KIPC_NULL_CHAR;
			else if (typid == CHAROID)
				((uint8 *) vec->v.items)[k] = (uint8) DatumGetChar(d);
			else
			{
				int			len;
				const char *s = text_bytes(typid, d, &len);

				if (len != 1)
					value_error(st, c, ERRCODE_STRING_DATA_LENGTH_MISMATCH,
								"value does not fit q type char",
								"A q char column holds exactly one byte per row.");
				((uint8 *) vec->v.items)[k] = (uint8) s[0];
			}
			return;

		case KIPC_T_SYMBOL:
			{
				int			len = 0;
				const char *s = isnull ? "" : text_bytes(typid, d, &len);
				char		buf[256];
				char	   *z;

				/* the empty string is the null symbol */
				if (len == 0)
				{
					/* (a reused vector may hold a symbol here) */
					if (vec->v.syms[k][0] != '\0' &&
						kipc_set_symbol(vec, k, "") != KIPC_OK)
						out_of_memory();
					return;
				}
				z = len < (int) sizeof(buf) ? buf : palloc(len + 1);
				memcpy(z, s, len);
				z[len] = '\0';
				if (kipc_set_symbol(vec, k, z) != KIPC_OK)
					out_of_memory();
				return;
			}

		case KIPC_T_GUID:
			if (isnull)
				memset((char *) vec->v.items + k * 16, 0, 16);
			else
				memcpy((char *) vec->v.items + k * 16,
					   DatumGetUUIDP(d)->data, 16);
			return;

		case KIPC_T_TIMESTAMP:
			if (isnull)
			{
				kipc_set_j(vec, k, KIPC_NULL_LONG);
				return;
			}
			if (typid == DATEOID)
			{
				DateADT		dt = DatumGetDateADT(d);

				if (DATE_NOT_FINITE(dt))
				{
					kipc_set_j(vec, k, int_inf(vtype, DATE_IS_NOBEGIN(dt)));
					return;
				}
				if (pg_mul_s64_overflow((int64) dt, USECS_PER_DAY * NS_PER_US, &v))
					timestamp_range_error(st, c);
			}
			else
			{
				Timestamp	ts = DatumGetTimestamp(d);

				if (TIMESTAMP_NOT_FINITE(ts))
				{
					kipc_set_j(vec, k, int_inf(vtype, TIMESTAMP_IS_NOBEGIN(ts)));
					return;
				}
				if (pg_mul_s64_overflow(ts, NS_PER_US, &v))
					timestamp_range_error(st, c);
			}
			int_range(vtype, &lo, &hi);
			if (v < lo || v > hi)
				timestamp_range_error(st, c);
			kipc_set_j(vec, k, v);
			return;

		case KIPC_T_DATE:
			if (isnull)
			{
				kipc_set_i(vec, k, KIPC_NULL_INT);
				return;
			}
			if (typid == DATEOID)
			{
				DateADT		dt = DatumGetDateADT(d);

				/* PostgreSQL's date range lies within q's */
				if (DATE_NOT_FINITE(dt))
					kipc_set_i(vec, k, (int32) int_inf(vtype, DATE_IS_NOBEGIN(dt)));
				else
					kipc_set_i(vec, k, dt);
			}
			else
			{
				Timestamp	ts = DatumGetTimestamp(d);

				if (TIMESTAMP_NOT_FINITE(ts))
					kipc_set_i(vec, k, (int32) int_inf(vtype, TIMESTAMP_IS_NOBEGIN(ts)));
				else
				{
					if (ts % USECS_PER_DAY != 0)
						value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
									"timestamp with a time of day cannot be sent to q type date",
									"A q date holds days only; cast the value to date first.");
					kipc_set_i(vec, k, (int32) (ts / USECS_PER_DAY));
				}
			}
			return;

		case KIPC_T_MONTH:
			if (isnull)
				kipc_set_i(vec, k, KIPC_NULL_INT);
			else
			{
				DateADT		dt = DatumGetDateADT(d);
				int			y,
							m,
							dd;

				if (DATE_NOT_FINITE(dt))
				{
					kipc_set_i(vec, k, (int32) int_inf(vtype, DATE_IS_NOBEGIN(dt)));
					return;
				}
				j2date(dt + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
				if (dd != 1)
					value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
								"date that is not the first of a month cannot be sent to q type month",
								"A q month is read back as the first day of the month.");
				kipc_set_i(vec, k, (int32) ((int64) (y - 2000) * 12 + (m - 1)));
			}
			return;

		case KIPC_T_DATETIME:
			if (isnull)
				kipc_set_f(vec, k, kipc_null_float());
			else
			{
				Timestamp	ts = DatumGetTimestamp(d);

				if (TIMESTAMP_NOT_FINITE(ts))
					kipc_set_f(vec, k, TIMESTAMP_IS_NOBEGIN(ts) ?
							   -INFINITY : INFINITY);
				else
					kipc_set_f(vec, k, (double) ts / (double) USECS_PER_DAY);
			}
			return;

		case KIPC_T_TIMESPAN:
			if (isnull)
			{
				kipc_set_j(vec, k, KIPC_NULL_LONG);
				return;
			}
			if (pg_mul_s64_overflow(time_us(st, c, typid, d), NS_PER_US, &v) ||
				v == KIPC_INF_LONG || v == KIPC_NINF_LONG)
				value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
							"interval out of range for q type timespan",
							"q timespans hold about 106751 days either way (nanoseconds in 64 bits).");
			kipc_set_j(vec, k, v);
			return;

		case KIPC_T_MINUTE:
		case KIPC_T_SECOND:
		case KIPC_T_TIME:
			if (isnull)
			{
				kipc_set_i(vec, k, KIPC_NULL_INT);
				return;
			}
			{
				int64		us = time_us(st, c, typid, d);
				int64		unit = vtype == KIPC_T_MINUTE ? USECS_PER_MINUTE :
				vtype == KIPC_T_SECOND ? USECS_PER_SEC : INT64CONST(1000);

				if (us % unit != 0)
					value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
								psprintf("time value has a fraction that q type %s cannot hold",
										 kipc_type_name(vtype)),
								psprintf("q type %s counts whole %s.",
										 kipc_type_name(vtype),
										 vtype == KIPC_T_MINUTE ? "minutes" :
										 vtype == KIPC_T_SECOND ? "seconds" :
										 "milliseconds"));
				v = us / unit;
				int_range(vtype, &lo, &hi);
				if (v < lo || v > hi)
					value_error(st, c, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE,
								psprintf("time value out of range for q type %s",
										 kipc_type_name(vtype)),
								NULL);
				kipc_set_i(vec, k, (int32) v);
			}
			return;

		default:
			elog(ERROR, "unexpected q type %d for a write", vtype);
	}
}

/*
 * fill_nulls
 *		Items from..to-1 of a q column the foreign table lacks: the q null
 *		of its type (false and 0x00 for booleans and bytes, which have
 *		none; empty strings and vectors in general lists).
 */
static void
fill_nulls(QipcWriteColumn *c, KipcObject *vec, int64 from, int64 to)
{
	int64		k;

	for (k = from; k < to; k++)
	{
		switch (c->vtype)
		{
			case KIPC_T_LIST:
				if (vec->v.objs[k] == NULL)
				{
					vec->v.objs[k] = c->itemtype == KIPC_T_LIST ?
						kipc_new_list(0) : kipc_new_vector(c->itemtype, 0);
					if (vec->v.objs[k] == NULL)
						out_of_memory();
				}
				break;
			case KIPC_T_BOOLEAN:
			case KIPC_T_BYTE:
			case KIPC_T_GUID:
			case KIPC_T_SYMBOL:
				/* new vectors are zeroed / hold the empty symbol */
				break;
			case KIPC_T_REAL:
				kipc_set_e(vec, k, kipc_null_real());
				break;
			case KIPC_T_FLOAT:
			case KIPC_T_DATETIME:
				kipc_set_f(vec, k, kipc_null_float());
				break;
			case KIPC_T_CHAR:
				((uint8 *) vec->v.items)[k] = KIPC_NULL_CHAR;
				break;
			default:
				store_int(vec, c->vtype, k, int_null(c->vtype));
				break;
		}
	}
}
