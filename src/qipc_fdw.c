/*-------------------------------------------------------------------------
 *
 * qipc_fdw.c
 *		  Foreign data wrapper for kdb+/q over q IPC: handler and planner
 *		  callbacks.
 *
 * A scan selects only the referenced columns, with the functional form
 * ?[t;c;b;a] so that any column name is safe; constants never appear in
 * the text: when the scan has parameters (pushed conditions) the request is
 * a general list (lambda; arg1; ...) of typed q values.  A table given by
 * the query option is sent as is and its columns are picked by name from
 * the result.  Execution (one result, or pages of fetch_size rows for plain
 * selects of named tables) and EXPLAIN are in scan.c; the plan says which
 * (qipc_plan_paging).
 *
 * Planning keeps postgres_fdw's shape so that pushdown (deparse.c for
 * conditions, sort and limit; upper.c for aggregates) slots in:
 * QipcFdwRelationInfo in baserel->fdw_private with remote_conds and
 * local_conds, and an enum-indexed fdw_private list in the plan.  As in
 * postgres_fdw, the base scan's extra paths (sorted, parameterized), the
 * remote estimates and ANALYZE live here beside the callbacks; the q they
 * send is written by deparse.c.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/qipc_fdw.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "commands/vacuum.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"

#include "qipc_fdw.h"

PG_MODULE_MAGIC;

#define LOG2(x)  (log(x) / 0.693147180559945)

/* rows assumed for a foreign table that was never analyzed */
#define DEFAULT_FDW_PAGES		10

static void estimate_rel_size(PlannerInfo *root, RelOptInfo *baserel);
static void set_scan_costs(PlannerInfo *root, RelOptInfo *baserel,
						   QipcFdwRelationInfo *fpinfo);
static AttrNumber single_column(RelOptInfo *baserel, RestrictInfo *ri);
static void add_foreign_paths(PlannerInfo *root, RelOptInfo *baserel);
static bool qipcAnalyzeForeignTable(Relation relation,
									AcquireSampleRowsFunc *func,
									BlockNumber *totalpages);

/* FDW callback routines */
static void qipcGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
static void qipcGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static ForeignScan *qipcGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid,
									   ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
static List *qipcImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);

/* Helper functions */
static void classify_conditions(PlannerInfo *root, RelOptInfo *baserel,
								List *input_conds, List **remote_conds,
								List **local_conds);

PG_FUNCTION_INFO_V1(qipc_fdw_handler);

/*
 * qipc_fdw_handler
 *		Foreign-data wrapper handler: the FdwRoutine with our callbacks.
 */
Datum
qipc_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	/* scanning */
	routine->GetForeignRelSize = qipcGetForeignRelSize;
	routine->GetForeignPaths = qipcGetForeignPaths;
	routine->GetForeignPlan = qipcGetForeignPlan;
	routine->BeginForeignScan = qipc_begin_foreign_scan;
	routine->IterateForeignScan = qipc_iterate_foreign_scan;
	routine->ReScanForeignScan = qipc_rescan_foreign_scan;
	routine->EndForeignScan = qipc_end_foreign_scan;

	/* joins of two foreign tables computed by q (joinrel.c) */
	routine->GetForeignJoinPaths = qipc_get_foreign_join_paths;

	/* pushdown of aggregates, ORDER BY and LIMIT (upper.c) */
	routine->GetForeignUpperPaths = qipc_get_foreign_upper_paths;

	/* asynchronous execution under an Append (scan.c) */
	routine->IsForeignPathAsyncCapable = qipc_is_foreign_path_async_capable;
	routine->ForeignAsyncRequest = qipc_foreign_async_request;
	routine->ForeignAsyncConfigureWait = qipc_foreign_async_configure_wait;
	routine->ForeignAsyncNotify = qipc_foreign_async_notify;

	/* ANALYZE, sampled by q */
	routine->AnalyzeForeignTable = qipcAnalyzeForeignTable;

	/* INSERT, COPY FROM, UPDATE and DELETE (modify.c) */
	routine->IsForeignRelUpdatable = qipc_is_foreign_rel_updatable;
	routine->AddForeignUpdateTargets = qipc_add_foreign_update_targets;
	routine->ExecForeignUpdate = qipc_exec_foreign_update;
	routine->ExecForeignDelete = qipc_exec_foreign_delete;
	routine->PlanForeignModify = qipc_plan_foreign_modify;
	routine->BeginForeignModify = qipc_begin_foreign_modify;
	routine->ExecForeignInsert = qipc_exec_foreign_insert;
	routine->ExecForeignBatchInsert = qipc_exec_foreign_batch_insert;
	routine->GetForeignModifyBatchSize = qipc_get_foreign_modify_batch_size;
	routine->EndForeignModify = qipc_end_foreign_modify;
	routine->BeginForeignInsert = qipc_begin_foreign_insert;
	routine->EndForeignInsert = qipc_end_foreign_insert;
	routine->ExplainForeignModify = qipc_explain_foreign_modify;

	/* EXPLAIN */
	routine->ExplainForeignScan = qipc_explain_foreign_scan;

	/* IMPORT FOREIGN SCHEMA */
	routine->ImportForeignSchema = qipcImportForeignSchema;

	PG_RETURN_POINTER(routine);
}

/*
 * qipcGetForeignRelSize
 *		Estimate the number of rows and width of the scan; build the
 *		QipcFdwRelationInfo that the later planner callbacks use.
 */
static void
qipcGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					  Oid foreigntableid)
{
	QipcFdwRelationInfo *fpinfo;
	ListCell   *lc;

	fpinfo = (QipcFdwRelationInfo *) palloc0(sizeof(QipcFdwRelationInfo));
	baserel->fdw_private = (void *) fpinfo;

	fpinfo->table = GetForeignTable(foreigntableid);
	fpinfo->server = GetForeignServer(fpinfo->table->serverid);
	qipc_get_server_options(fpinfo->server, &fpinfo->sopts);
	qipc_get_table_options(fpinfo->table, NULL, &fpinfo->topts);
	fpinfo->relname = get_rel_name(foreigntableid);

	/* split the restriction clauses into remote and local ones */
	classify_conditions(root, baserel, baserel->baserestrictinfo,
						&fpinfo->remote_conds, &fpinfo->local_conds);

	/* columns the query needs: targetlist plus local conditions */
	fpinfo->attrs_used = NULL;
	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &fpinfo->attrs_used);
	foreach(lc, fpinfo->local_conds)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		pull_varattnos((Node *) rinfo->clause, baserel->relid,
					   &fpinfo->attrs_used);
	}

	fpinfo->local_conds_sel = clauselist_selectivity(root,
													 fpinfo->local_conds,
													 baserel->relid,
													 JOIN_INNER,
													 NULL);
	cost_qual_eval(&fpinfo->local_conds_cost, fpinfo->local_conds, root);

	/*
	 * Without statistics (never ANALYZEd), assume a small table as
	 * postgres_fdw does; set_baserel_size_estimates applies the quals.
	 */
	if (baserel->tuples < 0)
	{
		baserel->pages = DEFAULT_FDW_PAGES;
		baserel->tuples =
			(DEFAULT_FDW_PAGES * BLCKSZ) /
			(baserel->reltarget->width +
			 MAXALIGN(SizeofHeapTupleHeader));
	}

	/*
	 * The table's row count from q (rowcount.c, cached for a while) when it
	 * is larger: a kdb+ table may hold millions of rows, far from both the
	 * default above and an old ANALYZE.  A smaller table keeps the larger
	 * estimate: below a thousand rows the request's fixed cost dominates
	 * (shipping all rows and shipping a few cost about the same, and the
	 * planner's 1% fuzz would hide the difference), while the estimate
	 * keeps the choices that ship fewer rows.  use_remote_estimate asks q
	 * for more, below.
	 */
	if (!fpinfo->topts.use_remote_estimate && fpinfo->topts.table != NULL &&
		fpinfo->topts.query == NULL && fpinfo->topts.function == NULL)
	{
		Oid			userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
		double		ntuples = qipc_table_row_count(foreigntableid,
												   fpinfo->server->serverid,
												   userid, fpinfo->topts.table);

		if (ntuples > baserel->tuples)
		{
			baserel->tuples = ntuples;
			baserel->pages = Max(1, (BlockNumber) Min(ntuples * (baserel->reltarget->width + MAXALIGN(SizeofHeapTupleHeader)) / BLCKSZ, (double) MaxBlockNumber));
		}
	}
	set_baserel_size_estimates(root, baserel);

	fpinfo->rows = baserel->rows;
	fpinfo->width = baserel->reltarget->width;

	/* use_remote_estimate: row counts from q */
	if (fpinfo->topts.use_remote_estimate)
		estimate_rel_size(root, baserel);

	set_scan_costs(root, baserel, fpinfo);
}

/*
 * set_scan_costs
 *		The cost of the plain scan of baserel, as postgres_fdw's
 *		estimate_path_cost_size counts it: one request (fdw_startup_cost),
 *		each row shipped (fdw_tuple_cost, plus cpu_tuple_cost to form it
 *		here), the remote evaluation of the pushed conditions, and the
 *		local conditions on the shipped rows.
 *
 * Only the remote part is q's own.  postgres_fdw charges the remote
 * server a sequential scan of every page and row; q keeps its columns in
 * memory and evaluates a where subphrase as one vector operation over the
 * rows still selected: the subphrases are successive filters, each
 * applied to the rows the previous ones left
 * (code.kx.com/q/basics/qsql/#where-phrase), after the partition column
 * has pruned the partitions, and an attribute (s# u# p# g#) finds the
 * rows of a value without a scan (code.kx.com/q/ref/set-attribute/).  So
 * q's work is each pushed condition's evaluation cost (cost_qual_eval: a
 * comparison is one cpu_operator_cost) for each row it sees, in the order
 * deparse.c sends them; a condition answered by the partition column
 * costs nothing, one answered by an attribute one cpu_operator_cost per
 * row it finds.  A scan without conditions costs q nothing beyond the
 * shipping: fdw_startup_cost plus (fdw_tuple_cost + cpu_tuple_cost) per
 * row of the table.
 *
 * fpinfo->remote_cost (q's work per request) and fpinfo->retrieved_rows
 * (rows q ships) are the base that upper.c (aggregates), joinrel.c and
 * bindjoin.c add to, so that all paths of one table are costed alike.
 */
static void
set_scan_costs(PlannerInfo *root, RelOptInfo *baserel,
			   QipcFdwRelationInfo *fpinfo)
{
	double		seen = Max(baserel->tuples, 1.0);
	double		retrieved;
	Cost		qcost = 0;
	List	   *rest = NIL;
	RestrictInfo *lookup = NULL;
	Selectivity lookup_sel = 1.0;
	AttrNumber	partattno = InvalidAttrNumber;
	ListCell   *lc;

	/*
	 * Partition pruning: conditions on the partition column alone select
	 * the partitions q opens.
	 */
	if (fpinfo->topts.partition_column != NULL && fpinfo->remote_conds != NIL)
		partattno = qipc_partition_attnum(root, baserel);
	foreach(lc, fpinfo->remote_conds)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (partattno != InvalidAttrNumber &&
			single_column(baserel, ri) == partattno)
			seen *= clause_selectivity(root, (Node *) ri->clause,
									   baserel->relid, JOIN_INNER, NULL);
		else
			rest = lappend(rest, ri);
	}
	seen = clamp_row_est(seen);

	/*
	 * The most selective condition an attribute answers: a lookup that
	 * reads the rows it finds (deparse.c puts it first).
	 */
	foreach(lc, rest)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Selectivity sel;

		if (!qipc_conditions_use_attribute(root, baserel, list_make1(ri)))
			continue;
		sel = clause_selectivity(root, (Node *) ri->clause, baserel->relid,
								 JOIN_INNER, NULL);
		if (lookup == NULL || sel < lookup_sel)
		{
			lookup = ri;
			lookup_sel = sel;
		}
	}
	if (lookup != NULL)
	{
		seen = clamp_row_est(seen * lookup_sel);
		qcost += cpu_operator_cost * seen;
		rest = list_delete_ptr(rest, lookup);
	}

	/* the other conditions, each on the rows the previous ones left */
	foreach(lc, rest)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		QualCost	c;

		cost_qual_eval_node(&c, (Node *) ri->clause, root);
		qcost += c.startup + c.per_tuple * seen;
		seen = clamp_row_est(seen *
							 clause_selectivity(root, (Node *) ri->clause,
												baserel->relid, JOIN_INNER,
												NULL));
	}

	/*
	 * Rows shipped: those all pushed conditions keep, estimated together
	 * (the planner's own estimate; the product above ignores how
	 * conditions on one column combine), before the local conditions.
	 */
	retrieved = fpinfo->local_conds_sel > 0 ?
		baserel->rows / fpinfo->local_conds_sel : baserel->rows;
	retrieved = clamp_row_est(Min(retrieved, Max(baserel->tuples, 1.0)));

	fpinfo->retrieved_rows = retrieved;
	fpinfo->remote_cost = qcost;
	fpinfo->startup_cost = fpinfo->sopts.fdw_startup_cost +
		fpinfo->local_conds_cost.startup;
	fpinfo->total_cost = fpinfo->startup_cost + qcost +
		(fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost +
		 fpinfo->local_conds_cost.per_tuple) * retrieved;
}

/*
 * single_column
 *		The one column of baserel that condition ri reads, or
 *		InvalidAttrNumber when it reads none, several or a system column.
 */
static AttrNumber
single_column(RelOptInfo *baserel, RestrictInfo *ri)
{
	Bitmapset  *attrs = NULL;
	AttrNumber	attnum;

	pull_varattnos((Node *) ri->clause, baserel->relid, &attrs);
	if (bms_num_members(attrs) != 1)
		return InvalidAttrNumber;
	attnum = bms_next_member(attrs, -1) + FirstLowInvalidHeapAttributeNumber;
	return attnum > 0 ? attnum : InvalidAttrNumber;
}

/*
 * classify_conditions
 *		Split input_conds (RestrictInfos) into those q can evaluate
 *		(remote_conds) and the rest (local_conds).
 *
 * The decision is deparse.c's (qipc_classify_conditions): everything is
 * local when qipc_fdw.enable_pushdown is off, for "query" and "function"
 * tables, and when q cannot tell the column types.
 */
static void
classify_conditions(PlannerInfo *root, RelOptInfo *baserel,
					List *input_conds, List **remote_conds,
					List **local_conds)
{
	/* pushdown (deparse.c); honours qipc_fdw.enable_pushdown */
	qipc_classify_conditions(root, baserel, input_conds, remote_conds,
							 local_conds);
}

/*
 * qipcGetForeignPaths
 *		Create the access path for a scan of the foreign table.
 */
static void
qipcGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
					Oid foreigntableid)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	ForeignPath *path;

	path = qipc_create_foreignscan_path(root, baserel,
										NULL,	/* default pathtarget */
										fpinfo->rows,
										fpinfo->startup_cost,
										fpinfo->total_cost,
										NIL, /* no pathkeys */
										baserel->lateral_relids,
										NULL,	/* no extra plan */
										NIL);	/* no fdw_private */
	add_path(baserel, (Path *) path);

	/* pushdown: sorted and parameterized paths */
	add_foreign_paths(root, baserel);
}

/*
 * qipcGetForeignPlan
 *		Create the ForeignScan plan node: decide the columns to fetch and
 *		build the q request.
 */
static ForeignScan *
qipcGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
				   Oid foreigntableid, ForeignPath *best_path,
				   List *tlist, List *scan_clauses, Plan *outer_plan)
{
	QipcFdwRelationInfo *fpinfo;
	List	   *local_exprs = NIL;
	List	   *params_list = NIL;
	List	   *retrieved_attrs = NIL;
	List	   *colnames = NIL;
	List	   *fdw_private;
	List	   *remote_list = NIL;
	List	   *fdw_private_extra = NIL;
	ListCell   *lc;
	char	   *query;
	Relation	rel;
	TupleDesc	tupdesc;
	bool		whole_row;
	int			i;

	/* aggregates, ORDER BY and LIMIT pushed into q (upper.c) */
	if (IS_UPPER_REL(baserel))
		return qipc_get_upper_plan(root, baserel, best_path, tlist,
								   scan_clauses, outer_plan);
	/* joins computed by q (joinrel.c) */
	if (IS_JOIN_REL(baserel))
		return qipc_get_join_plan(root, baserel, best_path, tlist,
								  scan_clauses, outer_plan);
	fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;

	/*
	 * Remote conditions are checked by q (deparse.c puts them into the
	 * request); everything else stays in the plan's qual.  Join clauses of a
	 * parameterized path are remote when q can evaluate them.
	 */
	foreach(lc, scan_clauses)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

		if (rinfo->pseudoconstant)
			continue;
		if (list_member_ptr(fpinfo->remote_conds, rinfo) ||
			(!list_member_ptr(fpinfo->local_conds, rinfo) &&
			 qipc_is_foreign_expr(root, baserel, rinfo->clause)))
		{
			remote_list = lappend(remote_list, rinfo);
			/* q selects a superset: checked again here (deparse.c) */
			if (list_member_ptr(fpinfo->local_conds, rinfo))
				local_exprs = lappend(local_exprs, rinfo->clause);
			continue;
		}
		local_exprs = lappend(local_exprs, rinfo->clause);
	}

	/*
	 * Pushdown: conditions that do not fit into the q lambda's arguments stay
	 * local, and their columns must be fetched.
	 */
	if (remote_list != NIL && fpinfo->topts.table != NULL &&
		fpinfo->topts.query == NULL && fpinfo->topts.function == NULL)
	{
		List	   *ignore_exprs = NIL;
		List	   *ignore_extra = NIL;
		List	   *rejected = NIL;

		(void) qipc_deparse_scan(root, baserel, best_path, remote_list, NIL,
								 &ignore_exprs, &ignore_extra, &rejected);
		foreach(lc, rejected)
		{
			RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

			pull_varattnos((Node *) rinfo->clause, baserel->relid,
						   &fpinfo->attrs_used);
			if (!list_member_ptr(local_exprs, rinfo->clause))
				local_exprs = lappend(local_exprs, rinfo->clause);
			remote_list = list_delete_ptr(remote_list, rinfo);
		}
	}

	/*
	 * Function-backed tables (funcscan.c): every condition is checked
	 * locally, the argument ones included, so that a q function that ignores
	 * or widens an argument cannot return wrong rows.
	 */
	if (fpinfo->topts.function != NULL)
		local_exprs = extract_actual_clauses(scan_clauses, false);

	/* the referenced columns, in attribute order */
	rel = table_open(foreigntableid, NoLock);
	tupdesc = RelationGetDescr(rel);
	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber,
							  fpinfo->attrs_used);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i - 1);

		if (attr->attisdropped)
			continue;
		if (whole_row ||
			bms_is_member(i - FirstLowInvalidHeapAttributeNumber,
						  fpinfo->attrs_used))
		{
			retrieved_attrs = lappend_int(retrieved_attrs, i);
			colnames = lappend(colnames,
							   makeString(qipc_get_column_name(foreigntableid, i)));
		}
	}
	table_close(rel, NoLock);

	if (fpinfo->topts.function != NULL)
		query = qipc_plan_function_scan(root, baserel, foreigntableid,
										fpinfo->relname,
										fpinfo->topts.function,
										scan_clauses, &params_list,
										&fdw_private_extra);
	else if (fpinfo->topts.query != NULL)
		query = pstrdup(fpinfo->topts.query);
	else if (remote_list != NIL || best_path->path.pathkeys != NIL ||
			 qipc_enable_pushdown)
		query = qipc_deparse_scan(root, baserel, best_path, remote_list,
								  colnames, &params_list, &fdw_private_extra,
								  &local_exprs);
	else
		query = qipc_build_select(fpinfo->topts.table, colnames);

	fdw_private = list_make3(makeString(query), retrieved_attrs, colnames);
	fdw_private = list_concat(fdw_private, fdw_private_extra);

	/* paged reading of a plain select (scan.c) */
	if (fpinfo->topts.function == NULL)
	{
		List	   *paging = qipc_plan_paging(root, baserel, foreigntableid,
											  best_path, remote_list,
											  colnames, params_list);

		if (paging != NIL)
		{
			/* the optional items before it: no arguments, q as shown */
			if (list_length(fdw_private) <= QipcScanPrivateArgConvs)
				fdw_private = lappend(fdw_private, NIL);
			if (list_length(fdw_private) <= QipcScanPrivateDisplay)
				fdw_private = lappend(fdw_private, makeString(query));
			if (list_length(fdw_private) <= QipcScanPrivateFixups)
				fdw_private = lappend(fdw_private, NIL);
			fdw_private = lappend(fdw_private, paging);
		}
	}

	return make_foreignscan(tlist,
							local_exprs,
							baserel->relid,
							params_list,
							fdw_private,
							NIL,	/* no custom tlist */
							NIL,	/* no remote quals */
							outer_plan);
}

/*
 * qipcImportForeignSchema
 *		IMPORT FOREIGN SCHEMA: see import.c.
 */
static List *
qipcImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	return qipc_import_foreign_schema(stmt, serverOid);
}

/* ----------------------------------------------------------------
 * Base scan paths and remote estimates
 * ----------------------------------------------------------------
 */

/*
 * uses_runtime_value
 *		expression_tree_walker: does the expression use a value only known
 *		at execution, a Param of any kind or a column of another relation
 *		(context: the range table index of the scanned relation)?
 */
static bool
uses_runtime_value(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param))
		return true;
	if (IsA(node, Var) && ((Var *) node)->varno != *(Index *) context)
		return true;
	return expression_tree_walker(node, uses_runtime_value, context);
}

/*
 * estimate_rel_size
 *		use_remote_estimate: ask q for the table's row count and the number
 *		of rows the pushed conditions keep (count is cheap in q), and set
 *		baserel's estimates from them.  Conditions with parameters are left
 *		out of the count (their values are not known yet).
 */
static void
estimate_rel_size(PlannerInfo *root, RelOptInfo *baserel)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	List	   *conds = NIL;
	List	   *args = NIL;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *rejected = NIL;
	ListCell   *lc;
	ListCell   *lv;
	UserMapping *user;
	QipcConnection *conn;
	KipcObject *req;
	KipcMsg    *msg;
	char	   *query;
	double		total = -1;
	double		kept = -1;
	Oid			userid;

	if (!qipc_enable_pushdown || fpinfo->topts.table == NULL ||
		fpinfo->topts.query != NULL || fpinfo->topts.function != NULL)
		return;

	foreach(lc, fpinfo->remote_conds)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		/*
		 * A parameter has no value at plan time (generic plans, and the join
		 * parameters of parameterized paths): such conditions are not counted
		 * by q but estimated below.  Both kinds count: PARAM_EXEC and the
		 * PARAM_EXTERN parameters of generic plans.
		 */
		if (!uses_runtime_value((Node *) ri->clause, &baserel->relid))
			conds = lappend(conds, ri);
	}

	query = qipc_deparse_count_query(root, baserel, conds, &arg_exprs,
									 &arg_convs, &rejected);

	/* only constants can be sent at plan time (see above) */
	foreach(lv, arg_exprs)
	{
		if (!IsA(lfirst(lv), Const))
			return;				/* keep the local estimates */
	}

	forboth(lv, arg_exprs, lc, arg_convs)
	{
		Const	   *c = (Const *) lfirst(lv);

		args = lappend(args, qipc_param_to_kipc(c->constvalue, c->constisnull,
												c->consttype, lfirst_int(lc)));
	}
	req = qipc_build_request(qipc_track_object(kipc_new_cstring(query)), args);

	userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
	user = GetUserMapping(userid, fpinfo->server->serverid);
	conn = qipc_get_connection(user);
	msg = qipc_request_ext(conn, req, query, QIPC_REQUEST_IDEMPOTENT);
	qipc_release_connection(conn);

	if (msg->root->type == KIPC_T_LONG && msg->root->n == 2)
	{
		total = (double) kipc_get_j(msg->root, 0);
		kept = (double) kipc_get_j(msg->root, 1);
	}
	else if (msg->root->type == KIPC_T_LIST && msg->root->n == 2 &&
			 msg->root->v.objs[0]->type == -KIPC_T_LONG &&
			 msg->root->v.objs[1]->type == -KIPC_T_LONG)
	{
		total = (double) msg->root->v.objs[0]->a.j;
		kept = (double) msg->root->v.objs[1]->a.j;
	}
	if (total < 0 || kept < 0)
		return;

	baserel->tuples = total;
	/* conditions not counted by q (parameters, local ones) as estimated */
	baserel->rows = clamp_row_est(kept *
								  clauselist_selectivity(root, rejected, baserel->relid, JOIN_INNER, NULL) *
								  fpinfo->local_conds_sel);
	foreach(lc, fpinfo->remote_conds)
	{
		if (!list_member_ptr(conds, lfirst(lc)))
			baserel->rows = clamp_row_est(baserel->rows *
										  clause_selectivity(root, (Node *) ((RestrictInfo *) lfirst(lc))->clause,
															 baserel->relid, JOIN_INNER, NULL));
	}
	fpinfo->rows = baserel->rows;
}

/* state of ec_member_matches (as postgres_fdw's ec_member_foreign_arg) */
typedef struct EcMemberArg
{
	Expr	   *current;		/* the member expression being matched */
	List	   *already_used;	/* expressions already done */
} EcMemberArg;

/*
 * ec_member_matches
 *		generate_implied_equalities_for_column callback: match one member
 *		expression of the relation at a time.
 */
static bool
ec_member_matches(PlannerInfo *root, RelOptInfo *rel, EquivalenceClass *ec,
				  EquivalenceMember *em, void *arg)
{
	EcMemberArg *state = (EcMemberArg *) arg;
	Expr	   *expr = em->em_expr;

	if (state->current != NULL)
		return equal(expr, state->current);
	if (list_member(state->already_used, expr))
		return false;
	state->current = expr;
	return true;
}

/*
 * add_foreign_paths
 *		Extra paths of a base scan (GetForeignPaths): one sorted by the
 *		query's ORDER BY when q can sort exactly like PostgreSQL
 *		(deparse.c: qipc_sort_keys_fit), and, with use_remote_estimate,
 *		parameterized paths for join clauses q can evaluate.
 */
static void
add_foreign_paths(PlannerInfo *root, RelOptInfo *baserel)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	ListCell   *lc;
	bool		sortable = true;
	List	   *candidates;

	if (!qipc_enable_pushdown || fpinfo->topts.table == NULL ||
		fpinfo->topts.query != NULL || fpinfo->topts.function != NULL)
		return;

	/* sorted path: every key of the query's ordering must be pushable */
	if (root->query_pathkeys != NIL)
	{
		if (!qipc_sort_keys_fit(root, baserel, root->query_pathkeys))
			sortable = false;

		/*
		 * A sort needs q's whole result in one message: without a LIMIT, a
		 * table estimated larger than one page (fetch_size) is read page by
		 * page and sorted by PostgreSQL instead (scan.c).
		 */
		if (sortable && root->parse->limitCount == NULL &&
			fpinfo->topts.fetch_size > 0 &&
			fpinfo->topts.partition_column == NULL &&
			baserel->tuples > fpinfo->topts.fetch_size)
			sortable = false;
		if (sortable)
		{
			/*
			 * q sorts next to the data; charge half of the comparisons of a
			 * local sort, so that the sorted scan wins when it is usable.
			 */
			ForeignPath *path;

			path = qipc_create_foreignscan_path(root, baserel, NULL,
												fpinfo->rows,
												fpinfo->startup_cost,
												fpinfo->total_cost +
												cpu_operator_cost * fpinfo->rows *
												LOG2(Max(fpinfo->rows, 2.0)),
												root->query_pathkeys,
												baserel->lateral_relids,
												NULL, NIL);
			add_path(baserel, (Path *) path);
		}
	}

	/* parameterized paths: only with remote estimates, as postgres_fdw */
	if (!fpinfo->topts.use_remote_estimate)
		return;

	/* join clauses: plain ones, and equalities of equivalence classes */
	candidates = list_copy(baserel->joininfo);
	if (baserel->has_eclass_joins)
	{
		EcMemberArg arg;

		arg.already_used = NIL;
		for (;;)
		{
			List	   *clauses;

			arg.current = NULL;
			clauses = generate_implied_equalities_for_column(root, baserel,
															 ec_member_matches,
															 (void *) &arg,
															 baserel->lateral_referencers);
			if (arg.current == NULL)
				break;
			candidates = list_concat(candidates, clauses);
			arg.already_used = lappend(arg.already_used, arg.current);
		}
	}

	foreach(lc, candidates)
	{
		RestrictInfo *rinfo = (RestrictInfo *) lfirst(lc);
		Relids		required_outer;
		ParamPathInfo *param_info;
		ForeignPath *path;
		double		rows;

		if (!join_clause_is_movable_to(rinfo, baserel))
			continue;
		if (!qipc_is_foreign_expr(root, baserel, rinfo->clause))
			continue;
		required_outer = bms_union(rinfo->clause_relids, baserel->lateral_relids);
		required_outer = bms_del_member(required_outer, baserel->relid);
		if (bms_is_empty(required_outer))
			continue;
		param_info = get_baserel_parampathinfo(root, baserel, required_outer);
		rows = param_info->ppi_rows;

		/*
		 * Per request: q's work on the table's conditions (set_scan_costs)
		 * and the rows the join clause keeps, shipped.
		 */
		path = qipc_create_foreignscan_path(root, baserel, NULL, rows,
											fpinfo->startup_cost,
											fpinfo->startup_cost +
											fpinfo->remote_cost +
											rows * (fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost),
											NIL, required_outer, NULL, NIL);
		add_path(baserel, (Path *) path);
	}
}

/* ----------------------------------------------------------------
 * ANALYZE: the sample is drawn by q
 * ----------------------------------------------------------------
 */

/*
 * acquire_sample_rows
 *		AcquireSampleRowsFunc: q counts the table and deals targrows
 *		distinct random row numbers ((neg n)?c), so that only the sample
 *		crosses the wire, never the whole table.  The rows are converted
 *		with the scan's converters (typemap.c).
 */
static int
acquire_sample_rows(Relation relation, int elevel, HeapTuple *rows,
					int targrows, double *totalrows, double *totaldeadrows)
{
	ForeignTable *table = GetForeignTable(RelationGetRelid(relation));
	QipcFdwTableOptions topts;
	TupleDesc	tupdesc = RelationGetDescr(relation);
	List	   *colnames = NIL;
	List	   *attnums = NIL;
	char	   *query;
	UserMapping *user;
	QipcConnection *conn;
	KipcObject *req;
	KipcMsg    *msg;
	const KipcObject *res;
	const KipcObject *sample;
	MemoryContext tmpcxt;
	MemoryContext convcxt;
	MemoryContext oldcxt;
	const char *relname = RelationGetRelationName(relation);
	QipcColumnConverter *cvs;
	const KipcObject **cols;
	Datum	   *values;
	bool	   *nulls;
	int64		nrows;
	int64		r;
	int			ncols;
	int			i;
	ListCell   *lc;
	ListCell   *la;

	qipc_get_table_options(table, relation, &topts);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		if (TupleDescAttr(tupdesc, i - 1)->attisdropped)
			continue;
		attnums = lappend_int(attnums, i);
		colnames = lappend(colnames,
						   makeString(qipc_get_column_name(RelationGetRelid(relation), i)));
	}

	query = qipc_build_sample_query(topts.table, colnames);

	req = qipc_build_request(qipc_track_object(kipc_new_cstring(query)),
							 list_make1(qipc_track_object(kipc_new_long(targrows))));

	user = GetUserMapping(relation->rd_rel->relowner, table->serverid);
	conn = qipc_get_connection(user);
	msg = qipc_request_ext(conn, req, query, QIPC_REQUEST_IDEMPOTENT);
	qipc_release_connection(conn);

	res = msg->root;
	if (res->type != KIPC_T_LIST || res->n != 2 ||
		res->v.objs[0]->type != -KIPC_T_LONG ||
		res->v.objs[1]->type != KIPC_T_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected q result while sampling foreign table \"%s\"",
						relname)));
	*totalrows = (double) res->v.objs[0]->a.j;
	*totaldeadrows = 0;
	sample = res->v.objs[1];

	ncols = list_length(attnums);
	cvs = palloc0(sizeof(QipcColumnConverter) * Max(ncols, 1));
	cols = palloc0(sizeof(KipcObject *) * Max(ncols, 1));
	convcxt = AllocSetContextCreate(CurrentMemoryContext,
									"qipc_fdw analyze converters",
									ALLOCSET_DEFAULT_SIZES);
	i = 0;
	forboth(lc, attnums, la, colnames)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, lfirst_int(lc) - 1);
		int64		c;

		for (c = 0; c < kipc_table_ncols(sample); c++)
		{
			if (strcmp(kipc_table_colname(sample, c), strVal(lfirst(la))) == 0)
				cols[i] = kipc_table_column(sample, c);
		}
		if (cols[i] == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("column \"%s\" of foreign table \"%s\" is not in the q result",
							strVal(lfirst(la)), relname)));
		qipc_init_converter(&cvs[i], attr->atttypid, attr->atttypmod, cols[i],
							NameStr(attr->attname), relname, convcxt);
		i++;
	}

	nrows = kipc_table_nrows(sample);
	if (nrows > targrows)
		nrows = targrows;
	values = palloc(sizeof(Datum) * tupdesc->natts);
	nulls = palloc(sizeof(bool) * tupdesc->natts);
	tmpcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "qipc_fdw analyze row",
								   ALLOCSET_SMALL_SIZES);
	for (r = 0; r < nrows; r++)
	{
		qipc_analyze_delay_point();
		memset(nulls, true, sizeof(bool) * tupdesc->natts);
		oldcxt = MemoryContextSwitchTo(tmpcxt);
		i = 0;
		foreach(lc, attnums)
		{
			int			a = lfirst_int(lc) - 1;

			values[a] = cvs[i].convert(&cvs[i], cols[i], r, &nulls[a]);
			i++;
		}
		MemoryContextSwitchTo(oldcxt);
		rows[r] = heap_form_tuple(tupdesc, values, nulls);
		MemoryContextReset(tmpcxt);
	}
	MemoryContextDelete(tmpcxt);
	MemoryContextDelete(convcxt);

	ereport(elevel,
			(errmsg("\"%s\": table contains %.0f rows, %d rows in sample",
					relname, *totalrows, (int) nrows)));
	return (int) nrows;
}

/*
 * qipcAnalyzeForeignTable
 *		AnalyzeForeignTable callback.  Tables defined by the "query" or
 *		"function" options are not analyzed (their q may be expensive or
 *		have side effects).
 */
static bool
qipcAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
						   BlockNumber *totalpages)
{
	ForeignTable *table = GetForeignTable(RelationGetRelid(relation));
	QipcFdwTableOptions topts;

	qipc_get_table_options(table, relation, &topts);
	if (topts.table == NULL || topts.query != NULL || topts.function != NULL)
		return false;
	*func = acquire_sample_rows;
	*totalpages = 1;			/* only used for the log message */
	return true;
}
