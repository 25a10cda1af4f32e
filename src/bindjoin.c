/*-------------------------------------------------------------------------
 *
 * bindjoin.c
 *		  Bind joins: equi-joins with a qipc_fdw foreign table that send q
 *		  the other side's keys instead of fetching the whole table.
 *
 * A bind join reads its outer side (any relation) in batches of distinct
 * join keys.  For each batch it sets a PARAM_EXEC parameter per key column
 * to the array of the batch's key values and rescans its inner side, an
 * ordinary scan of the foreign table that carries the extra condition
 * "key = ANY(param)".  deparse.c pushes that condition as "key in a" with
 * the array sent as a typed q vector (never as q text), beside the table's
 * own pushed conditions, so q returns only the rows whose keys occur in
 * the batch.  The reply is hashed by key and the batch's outer rows are
 * joined to it here, in PostgreSQL:
 *	- inner join: every pair whose keys are equal and whose join quals hold;
 *	- left join (the foreign table on the nullable side): as inner, plus the
 *	  outer rows that found no pair, null-extended;
 *	- semi join (IN (SELECT ...), EXISTS): each outer row once if it found a
 *	  pair; anti join (NOT EXISTS): each outer row that found none.
 * A NULL key never matches (the operators are strict).  Integer keys of
 * two widths (integer = bigint, ...) are converted to the foreign column's
 * type, in which they are sent, hashed and compared; an outer value
 * outside its range equals no value of it and is treated like a NULL key.
 * With several key
 * columns each column's condition is a superset filter (q returns the rows
 * whose columns each occur somewhere in the batch); the exact match is the
 * hash lookup, which compares every key column, followed by all of the
 * join's quals.
 *
 * The plan is a CustomScan with two children: the outer plan and the
 * foreign scan.  Its scan tuple (custom_scan_tlist) is the outer child's
 * columns followed by the inner child's; custom_exprs holds the outer key
 * expressions and the join quals, which setrefs rewrites to refer to that
 * scan tuple.  The planner is offered the path from set_join_pathlist_hook
 * when the join has at least one key column that deparse.c can push, and
 * its cost counts one request per batch, so that it wins when the outer
 * side has few keys and the foreign table is big, and loses otherwise.
 *
 * An aggregation over a bind join whose groups each lie within one key
 * value is offered from create_upper_paths_hook as a second CustomScan,
 * QipcBindJoinAggregate, whose inner child is upper.c's pushed aggregation
 * of the foreign table with the key conditions added: q ships only groups
 * (see "Aggregates over a bind join" below).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/bindjoin.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/hash.h"
#include "access/transam.h"
#include "common/int.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paramassign.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/planner.h"
#include "optimizer/tlist.h"
#include "optimizer/restrictinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/selfuncs.h"
#include "utils/typcache.h"

#include "qipc_fdw.h"

/* the most outer rows a batch holds per distinct key of bind_join_batch */
#define BJ_ROWS_PER_KEY		16

/*
 * custom_private of the path and of the plan: a List indexed by this enum
 * (copyObject-able).
 */
enum BjPrivateIndex
{
	BjPrivJoinType,				/* Integer: JOIN_INNER, _LEFT, _SEMI, _ANTI */
	BjPrivBatch,				/* Integer: distinct keys per request */
	BjPrivParamIds,				/* IntList: PARAM_EXEC id per key */
	BjPrivOperators,			/* OidList: equality operator per key */
	BjPrivCollations,			/* OidList: its input collation */
	BjPrivInnerKeys,			/* path: List of the inner key exprs; plan:
								 * IntList, their 1-based positions in the
								 * inner child's tlist */
	BjPrivOuterKeys,			/* path only: List of the outer key exprs */
	BjPrivJoinQuals,			/* path only: List of the join quals (Expr) */
	BjPrivOtherQuals,			/* path only: List of quals applied after the
								 * join (outer joins) */
	BjPrivKeyRinfos,			/* path only: the key clauses' RestrictInfos */
	BjPrivUniqueOuter			/* path only: Integer, 1 when the outer side
								 * was made unique on its keys (IN) */
};

/* plan: number of outer columns, added after BjPrivInnerKeys */
#define BjPrivNumOuterCols	BjPrivOuterKeys

static set_join_pathlist_hook_type prev_join_pathlist_hook = NULL;
static create_upper_paths_hook_type prev_upper_paths_hook = NULL;

/* one hashed row: the batch's outer keys, or the reply's inner rows */
typedef struct BjRow
{
	uint32		hash;
	int			next;			/* next row of the bucket, -1 at the end */
	int64		count;			/* aggregate: outer rows with these keys */
	bool		matched;		/* aggregate: q returned a group for them */
	bool		hasnull;		/* some key column is NULL */
	Datum	   *keys;			/* nkeys values */
	MinimalTuple tuple;			/* the row (outer or inner child's columns) */
} BjRow;

/* a growing array of rows with a hash index over them */
typedef struct BjTable
{
	BjRow	   *rows;
	int			nrows;
	int			maxrows;
	int		   *buckets;		/* -1 = empty */
	int			nbuckets;		/* power of 2, or 0 before indexing */
} BjTable;

typedef struct BjState
{
	CustomScanState css;

	/* from the plan */
	JoinType	jointype;
	int			batch;
	int			nkeys;
	int		   *paramids;
	int		   *inner_keypos;	/* 0-based attribute of the inner child */
	int			n_outer_cols;
	FmgrInfo   *eq_fn;
	FmgrInfo   *hash_fn;		/* hash of the key type */
	Oid		   *collations;
	Oid		   *key_types;		/* the foreign column's type */
	Oid		   *outer_types;	/* the outer value's type */
	int16	   *key_len;
	bool	   *key_byval;
	char	   *key_align;
	List	   *outer_key_states;	/* ExprStates on the scan tuple */
	ExprState  *join_qual;		/* join quals on the scan tuple */

	PlanState  *outer_ps;
	PlanState  *inner_ps;
	TupleTableSlot *outer_mslot;	/* buffered outer rows */
	TupleTableSlot *inner_mslot;	/* buffered inner rows */
	int			n_inner_cols;

	/* the current batch */
	MemoryContext batch_cxt;
	BjTable		outer;			/* buffered outer rows, hashed for dedup */
	BjTable		keys;			/* distinct outer keys (dedup index) */
	BjTable		inner;			/* the reply, hashed by key */
	bool		outer_done;		/* outer child exhausted */
	bool		batch_ready;	/* a batch has been fetched */
	int			cur_outer;		/* outer row being joined */
	int			cur_inner;		/* next candidate in its chain, -1 = none */
	bool		cur_matched;	/* the outer row found a pair */

	/* statistics for EXPLAIN ANALYZE */
	int64		nrequests;
	int64		nkeys_sent;
	int64		nrows_fetched;
} BjState;

static void bj_join_pathlist(PlannerInfo *root, RelOptInfo *joinrel,
							 RelOptInfo *outerrel, RelOptInfo *innerrel,
							 JoinType jointype, JoinPathExtraData *extra);
static Plan *bj_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
								 CustomPath *best_path, List *tlist,
								 List *clauses, List *custom_plans);
static Node *bj_create_state(CustomScan *cscan);
static void bj_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *bj_exec(CustomScanState *node);
static void bj_end(CustomScanState *node);
static void bj_rescan(CustomScanState *node);
static void bj_explain(CustomScanState *node, List *ancestors,
					   ExplainState *es);
static bool bj_recheck(ScanState *ss, TupleTableSlot *slot);
static Oid	key_type(Oid outer_type, Expr *inner_expr);
static void bj_upper_paths(PlannerInfo *root, UpperRelationKind stage,
						   RelOptInfo *input_rel, RelOptInfo *output_rel,
						   void *extra);
static const CustomScanMethods bja_scan_methods;

static const CustomPathMethods bj_path_methods = {
	.CustomName = "QipcBindJoin",
	.PlanCustomPath = bj_plan_custom_path,
};

static const CustomScanMethods bj_scan_methods = {
	.CustomName = "QipcBindJoin",
	.CreateCustomScanState = bj_create_state,
};

static const CustomExecMethods bj_exec_methods = {
	.CustomName = "QipcBindJoin",
	.BeginCustomScan = bj_begin,
	.ExecCustomScan = bj_exec,
	.EndCustomScan = bj_end,
	.ReScanCustomScan = bj_rescan,
	.ExplainCustomScan = bj_explain,
};

extern Datum qipc_fdw_handler(PG_FUNCTION_ARGS);

/*
 * qipc_bind_join_init
 *		See qipc_fdw.h.
 */
void
qipc_bind_join_init(void)
{
	RegisterCustomScanMethods(&bj_scan_methods);
	RegisterCustomScanMethods(&bja_scan_methods);
	prev_join_pathlist_hook = set_join_pathlist_hook;
	set_join_pathlist_hook = bj_join_pathlist;
	prev_upper_paths_hook = create_upper_paths_hook;
	create_upper_paths_hook = bj_upper_paths;
}

/* ----------------------------------------------------------------
 * Planning
 * ----------------------------------------------------------------
 */

/* is rel a base relation scanned by qipc_fdw? */
static bool
is_qipc_rel(RelOptInfo *rel)
{
	static GetForeignRelSize_function our_relsize = NULL;

	if (rel->reloptkind != RELOPT_BASEREL || rel->rtekind != RTE_RELATION ||
		rel->fdwroutine == NULL || rel->fdw_private == NULL)
		return false;
	if (our_relsize == NULL)
	{
		FdwRoutine *r;

		r = (FdwRoutine *) DatumGetPointer(DirectFunctionCall1(qipc_fdw_handler,
															   (Datum) 0));
		our_relsize = r->GetForeignRelSize;
	}
	return rel->fdwroutine->GetForeignRelSize == our_relsize;
}

static bool
is_int_type(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID;
}

static Expr *
strip_relabel(Expr *e)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return e;
}

/*
 * planned_in_preprocessing
 *		Is this query level (or one it is nested in) a SubLink's or CTE's
 *		subquery, planned while its parent's expressions are preprocessed?
 *		The parent then computes the parameters it may see (outer_params)
 *		only after the subquery's plan exists, so declare_params cannot
 *		make the key parameters valid there, and the parent's final
 *		parameter check would fail when the subquery's plan reports them
 *		(a correlated or hashed SubPlan, a CTE).  Bind joins are left out
 *		of such subqueries; those of FROM and of set operations are planned
 *		when the parent's parameters are known.  A parent still in
 *		preprocessing has no range table arrays yet.
 */
static bool
planned_in_preprocessing(PlannerInfo *root)
{
	PlannerInfo *r;

	for (r = root; r->parent_root != NULL; r = r->parent_root)
	{
		if (r->parent_root->simple_rel_array == NULL)
			return true;
	}
	return false;
}

/*
 * bj_join_pathlist
 *		set_join_pathlist_hook: offer a bind join when innerrel is a
 *		qipc_fdw table joined on keys that q can filter by.
 */
static void
bj_join_pathlist(PlannerInfo *root, RelOptInfo *joinrel,
				 RelOptInfo *outerrel, RelOptInfo *innerrel,
				 JoinType jointype, JoinPathExtraData *extra)
{
	QipcFdwRelationInfo *fpinfo;
	Path	   *outer_path;
	CustomPath *cpath;
	ForeignPath *inner_path;
	ParamPathInfo *ppi;
	List	   *opnos = NIL;
	List	   *colls = NIL;
	List	   *outer_keys = NIL;
	List	   *inner_keys = NIL;
	List	   *key_clauses = NIL;
	List	   *saops = NIL;
	List	   *paramids = NIL;
	List	   *join_quals = NIL;
	List	   *other_quals = NIL;
	List	   *ppi_clauses = NIL;
	ListCell   *lc;
	int			batch;
	double		outer_rows;
	double		ndistinct;
	double		nrequests;
	double		fetched;
	Selectivity sel;
	Cost		startup;
	Cost		total;
	QualCost	qcost;
	bool		unique_outer = false;

	if (prev_join_pathlist_hook)
		prev_join_pathlist_hook(root, joinrel, outerrel, innerrel, jointype,
								extra);

	if (!qipc_enable_bind_join || !qipc_enable_pushdown)
		return;
	if (jointype != JOIN_INNER && jointype != JOIN_LEFT &&
		jointype != JOIN_SEMI && jointype != JOIN_ANTI &&
		jointype != JOIN_UNIQUE_OUTER)
		return;
	/*
	 * Row locks and data-modifying statements recheck joined rows under
	 * EvalPlanQual, which would need the join redone from the locked rows
	 * alone: leave those to PostgreSQL's own joins.
	 */
	if (root->parse->commandType != CMD_SELECT || root->rowMarks != NIL)
		return;
	if (planned_in_preprocessing(root))
		return;
	if (!is_qipc_rel(innerrel) || !bms_is_empty(innerrel->lateral_relids) ||
		!bms_is_empty(joinrel->lateral_relids))
		return;
	fpinfo = (QipcFdwRelationInfo *) innerrel->fdw_private;
	if (fpinfo->topts.table == NULL || fpinfo->topts.query != NULL ||
		fpinfo->topts.function != NULL)
		return;
	batch = qipc_get_bind_join_batch(fpinfo->table, fpinfo->server);
	if (batch <= 0)
		return;

#if PG_VERSION_NUM >= 160000
	/* nulled placeholders of the inner side: see match_nullingrels_mutator */
	if (jointype == JOIN_LEFT)
	{
		foreach(lc, innerrel->reltarget->exprs)
		{
			if (!IsA(lfirst(lc), Var))
				return;
		}
	}
#endif

	outer_path = outerrel->cheapest_total_path;
	if (outer_path == NULL || outer_path->param_info != NULL)
		return;

	/*
	 * "foreign key IN (SELECT ...)": the subquery's rows made unique on
	 * their keys, then an inner join, each foreign row found at most once
	 * (the planner offers this form only when it can unique-ify them).
	 */
	if (jointype == JOIN_UNIQUE_OUTER)
	{
		outer_path = (Path *) create_unique_path(root, outerrel, outer_path,
												 extra->sjinfo);
		if (outer_path == NULL)
			return;
		jointype = JOIN_INNER;
		unique_outer = true;
	}

	/*
	 * Key columns: join clauses "outer expr = inner column" with a hashable
	 * equality of one type, which deparse.c can push as "column in
	 * vector".  For outer joins (left, anti) only the join's own clauses
	 * qualify (the others filter the joined rows).
	 */
	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);
		bool		is_join_qual;
		OpExpr	   *op;
		Expr	   *outer_arg;
		Expr	   *inner_arg;
		Var		   *ivar;
		Oid			keytype;
		Oid			arraytype;
		ScalarArrayOpExpr *saop;
		Param	   *dummy;
		Oid			keyop;

		/* as extract_actual_join_clauses: all of them unless outer join */
		is_join_qual = !IS_OUTER_JOIN(jointype) ||
			!RINFO_IS_PUSHED_DOWN(rinfo, joinrel->relids);
		if (is_join_qual)
			join_quals = lappend(join_quals, rinfo->clause);
		else
			other_quals = lappend(other_quals, rinfo->clause);

		if (!is_join_qual || rinfo->pseudoconstant ||
			!OidIsValid(rinfo->hashjoinoperator) ||
			!IsA(rinfo->clause, OpExpr))
			continue;
		op = (OpExpr *) rinfo->clause;
		if (list_length(op->args) != 2 || op->opno != rinfo->hashjoinoperator)
			continue;
		if (!bms_is_empty(rinfo->left_relids) &&
			bms_is_subset(rinfo->left_relids, outerrel->relids) &&
			bms_equal(rinfo->right_relids, innerrel->relids))
		{
			outer_arg = linitial(op->args);
			inner_arg = lsecond(op->args);
		}
		else if (!bms_is_empty(rinfo->right_relids) &&
				 bms_is_subset(rinfo->right_relids, outerrel->relids) &&
				 bms_equal(rinfo->left_relids, innerrel->relids))
		{
			outer_arg = lsecond(op->args);
			inner_arg = linitial(op->args);
		}
		else
			continue;

		ivar = (Var *) strip_relabel(inner_arg);
		if (!IsA(ivar, Var) || ivar->varno != innerrel->relid ||
			ivar->varattno <= 0 || ivar->varlevelsup != 0)
			continue;
		keytype = exprType((Node *) inner_arg);
		if (contain_volatile_functions((Node *) outer_arg))
			continue;
		keyop = op->opno;
		if (exprType((Node *) outer_arg) != keytype)
		{
			/*
			 * Integers of two widths (int4 = int8, ...): the keys are sent,
			 * hashed and compared in the foreign column's type, converted
			 * here; an outer value out of its range equals no value of it
			 * and is not sent (bj_convert_key).
			 */
			if (!is_int_type(keytype) ||
				!is_int_type(exprType((Node *) outer_arg)))
				continue;
			keyop = lookup_type_cache(keytype, TYPECACHE_EQ_OPR)->eq_opr;
			if (!OidIsValid(keyop) || !op_hashjoinable(keyop, keytype))
				continue;
		}
		arraytype = get_array_type(keytype);
		if (!OidIsValid(arraytype))
			continue;

		/* can q filter by it?  (the parameter's number comes later) */
		dummy = makeNode(Param);
		dummy->paramkind = PARAM_EXEC;
		dummy->paramid = 0;
		dummy->paramtype = arraytype;
		dummy->paramtypmod = -1;
		dummy->paramcollid = exprCollation((Node *) inner_arg);
		dummy->location = -1;
		saop = makeNode(ScalarArrayOpExpr);
		saop->opno = keyop;
		saop->opfuncid = get_opcode(keyop);
		saop->useOr = true;
		saop->inputcollid = op->inputcollid;
		saop->args = list_make2(copyObject(inner_arg), dummy);
		saop->location = -1;
		if (!qipc_is_foreign_expr(root, innerrel, (Expr *) saop))
			continue;

		opnos = lappend_oid(opnos, keyop);
		colls = lappend_oid(colls, op->inputcollid);
		outer_keys = lappend(outer_keys, outer_arg);
		inner_keys = lappend(inner_keys, inner_arg);
		key_clauses = lappend(key_clauses, rinfo);
		saops = lappend(saops, saop);
	}
	if (saops == NIL)
		return;

	/*
	 * Cost: the outer side, one request per batch of distinct keys (each
	 * one q's work on the table's own pushed conditions, as a scan of it
	 * costs, and a pass over the key columns of the whole table: "in" on a
	 * column without an attribute reads all of it), the keys sent (each as
	 * dear as a row received), the rows q returns for them, and hashing and
	 * joining here.
	 */
	outer_rows = outer_path->rows;
	ndistinct = estimate_num_groups(root, outer_keys, outer_rows, NULL, NULL);
	ndistinct = Max(1.0, Min(ndistinct, outer_rows));
	nrequests = ceil(ndistinct / batch);
	sel = clauselist_selectivity(root, key_clauses, 0, JOIN_INNER,
								 extra->sjinfo);
	fetched = clamp_row_est(Min(fpinfo->rows, ndistinct * fpinfo->rows * sel));
	cost_qual_eval(&qcost, join_quals, root);

	startup = outer_path->startup_cost + fpinfo->sopts.fdw_startup_cost;
	total = outer_path->total_cost +
		nrequests * (fpinfo->sopts.fdw_startup_cost + fpinfo->remote_cost +
					 innerrel->tuples * cpu_operator_cost) +
		ndistinct * fpinfo->sopts.fdw_tuple_cost * list_length(saops) +
		fetched * (fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost +
				   cpu_operator_cost * list_length(saops)) +
		outer_rows * (cpu_tuple_cost + cpu_operator_cost * list_length(saops)) +
		Max(joinrel->rows, outer_rows) * (qcost.per_tuple + cpu_tuple_cost);
	/* the foreign table's own local conditions, on every fetched row */
	total += fetched * fpinfo->local_conds_cost.per_tuple;

	/* one PARAM_EXEC per key: the batch's array of its values */
	foreach(lc, saops)
	{
		ScalarArrayOpExpr *saop = lfirst_node(ScalarArrayOpExpr, lc);
		Param	   *dummy = lsecond_node(Param, saop->args);
		Param	   *param;

		param = generate_new_exec_param(root, dummy->paramtype, -1,
										dummy->paramcollid);
		saop->args = list_make2(linitial(saop->args), param);
		paramids = lappend_int(paramids, param->paramid);
		ppi_clauses = lappend(ppi_clauses,
							  make_simple_restrictinfo(root, (Expr *) saop));
	}

	/*
	 * The inner side: an unparameterized scan of the foreign table whose
	 * path carries the "key = ANY(param)" conditions as if they were join
	 * clauses, so that the FDW's plan includes them in its request.
	 */
	inner_path = qipc_create_foreignscan_path(root, innerrel, NULL,
											  fetched / nrequests,
											  fpinfo->sopts.fdw_startup_cost,
											  fpinfo->sopts.fdw_startup_cost +
											  fetched / nrequests *
											  (fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost),
											  NIL, NULL, NULL, NIL);
	ppi = makeNode(ParamPathInfo);
	ppi->ppi_req_outer = NULL;
	ppi->ppi_rows = inner_path->path.rows;
	ppi->ppi_clauses = ppi_clauses;
	inner_path->path.param_info = ppi;

	/*
	 * A paged scan (scan.c) walks the whole table a page of rows at a time,
	 * one request per page, each filtering its rows by the keys: for a
	 * reply expected to fit into one page, one request answers it from the
	 * whole table at once.  The scan is then planned from a copy of the
	 * rel whose table options say fetch_size 0.  (The bind join holds each
	 * batch's reply whole anyway.)
	 */
	if (fpinfo->topts.fetch_size > 0 &&
		inner_path->path.rows <= fpinfo->topts.fetch_size)
	{
		RelOptInfo *onepage = makeNode(RelOptInfo);
		QipcFdwRelationInfo *ofpinfo = palloc(sizeof(QipcFdwRelationInfo));

		memcpy(onepage, innerrel, sizeof(RelOptInfo));
		memcpy(ofpinfo, fpinfo, sizeof(QipcFdwRelationInfo));
		ofpinfo->topts.fetch_size = 0;
		onepage->fdw_private = ofpinfo;
		inner_path->path.parent = onepage;
	}

	cpath = makeNode(CustomPath);
	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = joinrel;
	cpath->path.pathtarget = joinrel->reltarget;
	cpath->path.param_info = NULL;
	cpath->path.parallel_aware = false;
	cpath->path.parallel_safe = false;
	cpath->path.parallel_workers = 0;
	cpath->path.rows = joinrel->rows;
	cpath->path.startup_cost = startup;
	cpath->path.total_cost = total;
	cpath->path.pathkeys = NIL;
#if PG_VERSION_NUM >= 180000
	cpath->path.disabled_nodes = outer_path->disabled_nodes;
#endif
	cpath->flags = 0;
	cpath->custom_paths = list_make2(outer_path, inner_path);
	cpath->custom_private = list_make5(makeInteger(jointype),
									   makeInteger(batch),
									   paramids, opnos, colls);
	cpath->custom_private = lappend(cpath->custom_private, inner_keys);
	cpath->custom_private = lappend(cpath->custom_private, outer_keys);
	cpath->custom_private = lappend(cpath->custom_private, join_quals);
	cpath->custom_private = lappend(cpath->custom_private, other_quals);
	cpath->custom_private = lappend(cpath->custom_private, key_clauses);
	cpath->custom_private = lappend(cpath->custom_private,
									makeInteger(unique_outer ? 1 : 0));
	cpath->methods = &bj_path_methods;

	add_path(joinrel, (Path *) cpath);
}

#if PG_VERSION_NUM >= 160000
/*
 * From PostgreSQL 16 a Var above an outer join says which joins may have
 * nulled it (varnullingrels), and setrefs matches the Vars of a custom
 * scan's expressions to its scan tuple only when those sets are equal.  The
 * inner side's columns are nulled by a left join, so its target list has
 * them marked while the join's own quals see them unmarked; both read the
 * same column of the scan tuple here.  These helpers give every Var the
 * marking of the scan tuple's entry for its column.
 */
static Node *
match_nullingrels_mutator(Node *node, void *context)
{
	List	   *scan_tlist = (List *) context;

	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varlevelsup == 0)
	{
		Var		   *v = (Var *) node;
		ListCell   *lc;

		foreach(lc, scan_tlist)
		{
			Var		   *sv = (Var *) lfirst_node(TargetEntry, lc)->expr;

			if (IsA(sv, Var) && sv->varno == v->varno &&
				sv->varattno == v->varattno && sv->varlevelsup == 0)
			{
				v = copyObject(v);
				v->varnullingrels = bms_copy(sv->varnullingrels);
				return (Node *) v;
			}
		}
		return node;
	}
	return expression_tree_mutator(node, match_nullingrels_mutator, context);
}

/*
 * Above a left join the foreign table's Vars in the grouping target are
 * marked as nulled by the join; q's aggregation reads the table itself,
 * where nothing has nulled them.  clear_nullingrels_mutator gives a copy
 * of an expression whose Vars of relation rti carry no marking, as the
 * foreign scan's own Vars do.
 */
static Node *
clear_nullingrels_mutator(Node *node, void *context)
{
	Index		rti = *(Index *) context;

	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varlevelsup == 0 &&
		((Var *) node)->varno == rti)
	{
		Var		   *v = copyObject((Var *) node);

		v->varnullingrels = NULL;
		return (Node *) v;
	}
	return expression_tree_mutator(node, clear_nullingrels_mutator, context);
}

/* the Var of tlist for the same column as v (any marking), or v */
static Expr *
var_as_in_tlist(List *tlist, Expr *e)
{
	ListCell   *lc;

	if (!IsA(e, Var))
		return e;
	foreach(lc, tlist)
	{
		Var		   *tv = (Var *) lfirst_node(TargetEntry, lc)->expr;

		if (IsA(tv, Var) && tv->varno == ((Var *) e)->varno &&
			tv->varattno == ((Var *) e)->varattno &&
			tv->varlevelsup == ((Var *) e)->varlevelsup)
			return (Expr *) tv;
	}
	return e;
}
#endif

/* 1-based position of expression e in tlist, 0 if absent */
static int
tlist_position(List *tlist, Expr *e)
{
	ListCell   *lc;

	foreach(lc, tlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (equal(tle->expr, e))
			return tle->resno;
	}
	return 0;
}

/*
 * declare_params
 *		The key parameters are set by the bind join for its inner child, as
 *		a nested loop sets its nestParams; the planner's final parameter
 *		check (SS_finalize_plan) knows only about those of nested loops,
 *		initplans and outer query levels, so the parameters are declared
 *		available at this query level.  They also show in the extParam of
 *		the nodes above, up to those of the outermost query (a subquery's
 *		scan takes its plan's), which are checked against their own query
 *		level's: so at every level up.  No other node sets or reads them.
 */
static void
declare_params(PlannerInfo *root, List *paramids)
{
	PlannerInfo *r;
	ListCell   *lc;

	for (r = root; r != NULL; r = r->parent_root)
	{
		foreach(lc, paramids)
			r->outer_params = bms_add_member(r->outer_params, lfirst_int(lc));
	}
}

/*
 * bj_plan_custom_path
 *		The CustomScan of a bind join: children (outer plan, foreign scan),
 *		the scan tuple (outer columns, then inner columns), the outer keys
 *		and join quals in custom_exprs, the other quals as the plan's qual.
 */
static Plan *
bj_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
					CustomPath *best_path, List *tlist, List *clauses,
					List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	Plan	   *outer_plan = linitial(custom_plans);
	Plan	   *inner_plan = lsecond(custom_plans);
	List	   *priv = best_path->custom_private;
	List	   *inner_keys = (List *) list_nth(priv, BjPrivInnerKeys);
	List	   *outer_keys = (List *) list_nth(priv, BjPrivOuterKeys);
	List	   *join_quals = (List *) list_nth(priv, BjPrivJoinQuals);
	List	   *other_quals = (List *) list_nth(priv, BjPrivOtherQuals);
	List	   *scan_tlist = NIL;
	List	   *inner_pos = NIL;
	ListCell   *lc;
	AttrNumber	resno = 1;

	foreach(lc, outer_plan->targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(tle->expr), resno++,
											 NULL, false));
	}
	foreach(lc, inner_plan->targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Expr	   *e = tle->expr;

#if PG_VERSION_NUM >= 160000
		/* marked as nulled by this join where the join's output is */
		e = var_as_in_tlist(tlist, e);
#endif
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(e), resno++,
											 NULL, false));
	}
#if PG_VERSION_NUM >= 160000
	outer_keys = (List *) match_nullingrels_mutator((Node *) outer_keys, scan_tlist);
	join_quals = (List *) match_nullingrels_mutator((Node *) join_quals, scan_tlist);
	other_quals = (List *) match_nullingrels_mutator((Node *) other_quals, scan_tlist);
#endif
	foreach(lc, inner_keys)
	{
		Expr	   *k = (Expr *) lfirst(lc);
		int			pos = tlist_position(inner_plan->targetlist, k);

		if (pos == 0)
			pos = tlist_position(inner_plan->targetlist, strip_relabel(k));
		if (pos == 0)
			elog(ERROR, "bind join key is not in the foreign scan's target list");
		inner_pos = lappend_int(inner_pos, pos);
	}

	declare_params(root, (List *) list_nth(priv, BjPrivParamIds));

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = other_quals;
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = custom_plans;
	cscan->custom_exprs = list_concat(list_copy(outer_keys),
									  list_copy(join_quals));
	cscan->custom_private = list_make5(list_nth(priv, BjPrivJoinType),
									   list_nth(priv, BjPrivBatch),
									   list_nth(priv, BjPrivParamIds),
									   list_nth(priv, BjPrivOperators),
									   list_nth(priv, BjPrivCollations));
	cscan->custom_private = lappend(cscan->custom_private, inner_pos);
	cscan->custom_private = lappend(cscan->custom_private,
									makeInteger(list_length(outer_plan->targetlist)));
	cscan->custom_scan_tlist = scan_tlist;
	cscan->custom_relids = NULL;	/* set by the caller */
	cscan->methods = &bj_scan_methods;

	return &cscan->scan.plan;
}

/* ----------------------------------------------------------------
 * Execution
 * ----------------------------------------------------------------
 */

static Node *
bj_create_state(CustomScan *cscan)
{
	BjState    *bj = (BjState *) newNode(sizeof(BjState), T_CustomScanState);

	bj->css.methods = &bj_exec_methods;
	return (Node *) bj;
}

static void
bj_begin(CustomScanState *node, EState *estate, int eflags)
{
	BjState    *bj = (BjState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *priv = cscan->custom_private;
	List	   *paramids = (List *) list_nth(priv, BjPrivParamIds);
	List	   *opnos = (List *) list_nth(priv, BjPrivOperators);
	List	   *colls = (List *) list_nth(priv, BjPrivCollations);
	List	   *inner_pos = (List *) list_nth(priv, BjPrivInnerKeys);
	List	   *join_quals;
	int			k;

	bj->jointype = (JoinType) intVal(list_nth(priv, BjPrivJoinType));
	bj->batch = intVal(list_nth(priv, BjPrivBatch));
	bj->n_outer_cols = intVal(list_nth(priv, BjPrivNumOuterCols));
	bj->nkeys = list_length(paramids);
	bj->paramids = palloc(sizeof(int) * bj->nkeys);
	bj->inner_keypos = palloc(sizeof(int) * bj->nkeys);
	bj->eq_fn = palloc0(sizeof(FmgrInfo) * bj->nkeys);
	bj->hash_fn = palloc0(sizeof(FmgrInfo) * bj->nkeys);
	bj->collations = palloc(sizeof(Oid) * bj->nkeys);
	bj->key_types = palloc(sizeof(Oid) * bj->nkeys);
	bj->outer_types = palloc(sizeof(Oid) * bj->nkeys);
	bj->key_len = palloc(sizeof(int16) * bj->nkeys);
	bj->key_byval = palloc(sizeof(bool) * bj->nkeys);
	bj->key_align = palloc(sizeof(char) * bj->nkeys);

	for (k = 0; k < bj->nkeys; k++)
	{
		Oid			opno = list_nth_oid(opnos, k);
		RegProcedure lhash;
		RegProcedure rhash;
		Expr	   *okey = (Expr *) list_nth(cscan->custom_exprs, k);

		bj->paramids[k] = list_nth_int(paramids, k);
		bj->inner_keypos[k] = list_nth_int(inner_pos, k) - 1;
		bj->collations[k] = list_nth_oid(colls, k);
		fmgr_info(get_opcode(opno), &bj->eq_fn[k]);
		if (!get_op_hash_functions(opno, &lhash, &rhash) || lhash != rhash)
			elog(ERROR, "could not find hash function for operator %u", opno);
		fmgr_info(lhash, &bj->hash_fn[k]);
		bj->outer_types[k] = exprType((Node *) okey);
		bj->key_types[k] = key_type(bj->outer_types[k],
									(Expr *) list_nth_node(TargetEntry,
														   lsecond_node(Plan, cscan->custom_plans)->targetlist,
														   bj->inner_keypos[k])->expr);
		get_typlenbyvalalign(bj->key_types[k], &bj->key_len[k],
							 &bj->key_byval[k], &bj->key_align[k]);
		bj->outer_key_states = lappend(bj->outer_key_states,
									   ExecInitExpr(okey, &node->ss.ps));
	}
	join_quals = list_copy_tail(cscan->custom_exprs, bj->nkeys);
	bj->join_qual = ExecInitQual(join_quals, &node->ss.ps);

	bj->outer_ps = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	bj->inner_ps = ExecInitNode(lsecond(cscan->custom_plans), estate, eflags);
	node->custom_ps = list_make2(bj->outer_ps, bj->inner_ps);

	bj->outer_mslot = MakeSingleTupleTableSlot(ExecGetResultType(bj->outer_ps),
											   &TTSOpsMinimalTuple);
	bj->inner_mslot = MakeSingleTupleTableSlot(ExecGetResultType(bj->inner_ps),
											   &TTSOpsMinimalTuple);
	bj->n_inner_cols = ExecGetResultType(bj->inner_ps)->natts;

	bj->batch_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "qipc_fdw bind join batch",
										  ALLOCSET_DEFAULT_SIZES);
	bj->cur_outer = 0;
	bj->cur_inner = -1;
}

/*
 * key_type
 *		The type keys are hashed and sent in: the foreign column's (inner)
 *		when the two sides are integers of different widths, else the outer
 *		value's (the same or binary-compatible).
 */
static Oid
key_type(Oid outer_type, Expr *inner_expr)
{
	Oid			inner_type = exprType((Node *) inner_expr);

	if (outer_type != inner_type && is_int_type(outer_type) &&
		is_int_type(inner_type))
		return inner_type;
	return outer_type;
}

/*
 * bj_convert_key
 *		Outer key value v of key k in the key type; *isnull set when it is
 *		outside that type's range, since it then equals no foreign value
 *		(the cross-type operators compare exactly, without error).
 */
static Datum
bj_convert_key(BjState *bj, int k, Datum v, bool *isnull)
{
	Oid			from = bj->outer_types[k];
	Oid			to = bj->key_types[k];
	int64		x;

	if (*isnull || from == to || !is_int_type(from))
		return v;
	x = from == INT8OID ? DatumGetInt64(v) :
		from == INT4OID ? (int64) DatumGetInt32(v) : (int64) DatumGetInt16(v);
	if (to == INT8OID)
		return Int64GetDatum(x);
	if (to == INT4OID)
	{
		if (x < PG_INT32_MIN || x > PG_INT32_MAX)
		{
			*isnull = true;
			return (Datum) 0;
		}
		return Int32GetDatum((int32) x);
	}
	if (x < PG_INT16_MIN || x > PG_INT16_MAX)
	{
		*isnull = true;
		return (Datum) 0;
	}
	return Int16GetDatum((int16) x);
}

/* hash and NULL test of the key values */
static uint32
hash_keys(BjState *bj, Datum *keys, bool *isnull, bool *hasnull)
{
	uint32		h = 0;
	int			k;

	*hasnull = false;
	for (k = 0; k < bj->nkeys; k++)
	{
		uint32		hk;

		if (isnull[k])
		{
			*hasnull = true;
			return 0;
		}
		hk = DatumGetUInt32(FunctionCall1Coll(&bj->hash_fn[k],
											  bj->collations[k], keys[k]));
		h = (h << 1) | (h >> 31);
		h ^= hk;
	}
	return h;
}

/* are the keys of two rows equal (no NULLs)? */
static bool
keys_equal(BjState *bj, Datum *a, Datum *b)
{
	int			k;

	for (k = 0; k < bj->nkeys; k++)
	{
		if (!DatumGetBool(FunctionCall2Coll(&bj->eq_fn[k], bj->collations[k],
											a[k], b[k])))
			return false;
	}
	return true;
}

static int
table_add(BjTable *t)
{
	if (t->nrows >= t->maxrows)
	{
		t->maxrows = t->maxrows ? t->maxrows * 2 : 256;
		if (t->rows == NULL)
			t->rows = palloc(sizeof(BjRow) * t->maxrows);
		else
			t->rows = repalloc_huge(t->rows, sizeof(BjRow) * t->maxrows);
	}
	return t->nrows++;
}

/* (re)build the hash index of a table, sized for its rows */
static void
table_index(BjTable *t, int minrows)
{
	int			n = 16;
	int			i;

	while (n < Max(t->nrows, minrows) * 2)
		n *= 2;
	t->nbuckets = n;
	t->buckets = palloc_extended(sizeof(int) * n, MCXT_ALLOC_HUGE);
	memset(t->buckets, -1, sizeof(int) * n);
	for (i = 0; i < t->nrows; i++)
	{
		BjRow	   *r = &t->rows[i];

		if (r->hasnull)
			continue;
		r->next = t->buckets[r->hash & (n - 1)];
		t->buckets[r->hash & (n - 1)] = i;
	}
}

/* the row of t whose keys equal keys (hash h), or -1 */
static int
table_find(BjState *bj, BjTable *t, uint32 h, Datum *keys)
{
	int			i = t->buckets[h & (t->nbuckets - 1)];

	for (; i >= 0; i = t->rows[i].next)
	{
		if (t->rows[i].hash == h && keys_equal(bj, t->rows[i].keys, keys))
			return i;
	}
	return -1;
}

/* put the outer row (deformed in outer_mslot) and NULL inner columns into
 * the scan slot */
static TupleTableSlot *
fill_scan_slot(BjState *bj, MinimalTuple outer_tup, MinimalTuple inner_tup)
{
	TupleTableSlot *scan = bj->css.ss.ss_ScanTupleSlot;
	int			i;

	ExecClearTuple(scan);
	ExecStoreMinimalTuple(outer_tup, bj->outer_mslot, false);
	slot_getallattrs(bj->outer_mslot);
	for (i = 0; i < bj->n_outer_cols; i++)
	{
		scan->tts_values[i] = bj->outer_mslot->tts_values[i];
		scan->tts_isnull[i] = bj->outer_mslot->tts_isnull[i];
	}
	if (inner_tup != NULL)
	{
		ExecStoreMinimalTuple(inner_tup, bj->inner_mslot, false);
		slot_getallattrs(bj->inner_mslot);
	}
	for (i = 0; i < bj->n_inner_cols; i++)
	{
		scan->tts_values[bj->n_outer_cols + i] =
			inner_tup ? bj->inner_mslot->tts_values[i] : (Datum) 0;
		scan->tts_isnull[bj->n_outer_cols + i] =
			inner_tup ? bj->inner_mslot->tts_isnull[i] : true;
	}
	return ExecStoreVirtualTuple(scan);
}

/*
 * read_batch
 *		Read outer rows until the batch holds bj->batch distinct keys (or
 *		BJ_ROWS_PER_KEY times as many rows), send the keys to q and hash the
 *		reply.  Returns false when the outer side is exhausted and nothing
 *		was read.
 */
static bool
read_batch(BjState *bj)
{
	ExprContext *econtext = bj->css.ss.ps.ps_ExprContext;
	MemoryContext oldcxt;
	Datum	   *kv = palloc(sizeof(Datum) * bj->nkeys);
	bool	   *kn = palloc(sizeof(bool) * bj->nkeys);
	int			k;
	int			i;
	int64		maxrows = (int64) bj->batch * BJ_ROWS_PER_KEY;
	EState	   *estate = bj->css.ss.ps.state;
	Bitmapset  *changed = NULL;

	MemoryContextReset(bj->batch_cxt);
	memset(&bj->outer, 0, sizeof(BjTable));
	memset(&bj->keys, 0, sizeof(BjTable));
	memset(&bj->inner, 0, sizeof(BjTable));
	oldcxt = MemoryContextSwitchTo(bj->batch_cxt);
	table_index(&bj->keys, bj->batch);

	while (!bj->outer_done && bj->keys.nrows < bj->batch &&
		   bj->outer.nrows < maxrows)
	{
		TupleTableSlot *oslot;
		BjRow	   *r;
		uint32		h;
		bool		hasnull;
		int			n;

		MemoryContextSwitchTo(oldcxt);
		oslot = ExecProcNode(bj->outer_ps);
		MemoryContextSwitchTo(bj->batch_cxt);
		if (TupIsNull(oslot))
		{
			bj->outer_done = true;
			break;
		}

		n = table_add(&bj->outer);
		r = &bj->outer.rows[n];
		r->tuple = ExecCopySlotMinimalTuple(oslot);
		r->keys = palloc(sizeof(Datum) * bj->nkeys);
		r->next = -1;

		/* the outer keys, on the scan tuple (outer columns, NULL inner) */
		ResetExprContext(econtext);
		econtext->ecxt_scantuple = fill_scan_slot(bj, r->tuple, NULL);
		for (k = 0; k < bj->nkeys; k++)
		{
			ExprState  *es = (ExprState *) list_nth(bj->outer_key_states, k);
			Datum		v;

			MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
			v = ExecEvalExpr(es, econtext, &kn[k]);
			v = bj_convert_key(bj, k, v, &kn[k]);
			MemoryContextSwitchTo(bj->batch_cxt);
			kv[k] = kn[k] ? (Datum) 0 :
				datumCopy(v, bj->key_byval[k], bj->key_len[k]);
		}
		memcpy(r->keys, kv, sizeof(Datum) * bj->nkeys);
		h = hash_keys(bj, kv, kn, &hasnull);
		r->hash = h;
		r->hasnull = hasnull;

		/* a key not seen in this batch yet */
		if (!hasnull && table_find(bj, &bj->keys, h, kv) < 0)
		{
			int			m = table_add(&bj->keys);
			BjRow	   *kr = &bj->keys.rows[m];

			kr->hash = h;
			kr->hasnull = false;
			kr->keys = r->keys;
			kr->tuple = NULL;
			kr->next = bj->keys.buckets[h & (bj->keys.nbuckets - 1)];
			bj->keys.buckets[h & (bj->keys.nbuckets - 1)] = m;
		}
	}

	if (bj->outer.nrows == 0)
	{
		MemoryContextSwitchTo(oldcxt);
		return false;
	}

	/* the reply to the batch's keys (none: no request) */
	if (bj->keys.nrows > 0)
	{
		for (k = 0; k < bj->nkeys; k++)
		{
			Datum	   *elems = palloc(sizeof(Datum) * bj->keys.nrows);
			ParamExecData *prm = &estate->es_param_exec_vals[bj->paramids[k]];

			for (i = 0; i < bj->keys.nrows; i++)
				elems[i] = bj->keys.rows[i].keys[k];
			prm->value = PointerGetDatum(construct_array(elems,
														 bj->keys.nrows,
														 bj->key_types[k],
														 bj->key_len[k],
														 bj->key_byval[k],
														 bj->key_align[k]));
			prm->isnull = false;
			prm->execPlan = NULL;
			changed = bms_add_member(changed, bj->paramids[k]);
		}
		MemoryContextSwitchTo(oldcxt);
		bj->inner_ps->chgParam = bms_join(bj->inner_ps->chgParam, changed);
		ExecReScan(bj->inner_ps);
		bj->nrequests++;
		bj->nkeys_sent += bj->keys.nrows;

		for (;;)
		{
			TupleTableSlot *islot = ExecProcNode(bj->inner_ps);
			BjRow	   *r;
			int			n;

			if (TupIsNull(islot))
				break;
			MemoryContextSwitchTo(bj->batch_cxt);
			n = table_add(&bj->inner);
			r = &bj->inner.rows[n];
			r->tuple = ExecCopySlotMinimalTuple(islot);
			r->keys = palloc(sizeof(Datum) * bj->nkeys);
			slot_getallattrs(islot);
			for (k = 0; k < bj->nkeys; k++)
			{
				int			a = bj->inner_keypos[k];

				kn[k] = islot->tts_isnull[a];
				r->keys[k] = kn[k] ? (Datum) 0 :
					datumCopy(islot->tts_values[a], bj->key_byval[k],
							  bj->key_len[k]);
			}
			r->hash = hash_keys(bj, r->keys, kn, &r->hasnull);
			r->next = -1;
			MemoryContextSwitchTo(oldcxt);
		}
		bj->nrows_fetched += bj->inner.nrows;
		MemoryContextSwitchTo(bj->batch_cxt);
	}
	table_index(&bj->inner, 0);
	MemoryContextSwitchTo(oldcxt);

	bj->cur_outer = 0;
	bj->cur_inner = -1;
	bj->cur_matched = false;
	bj->batch_ready = true;
	return true;
}

/* does the scan slot satisfy the join quals? */
static bool
join_qual_holds(BjState *bj, TupleTableSlot *scan)
{
	ExprContext *econtext = bj->css.ss.ps.ps_ExprContext;

	if (bj->join_qual == NULL)
		return true;
	econtext->ecxt_scantuple = scan;
	return ExecQual(bj->join_qual, econtext);
}

/*
 * bj_next
 *		ExecScan access method: the next joined row in the scan slot, or an
 *		empty slot at the end.
 */
static TupleTableSlot *
bj_next(ScanState *ss)
{
	BjState    *bj = (BjState *) ss;
	TupleTableSlot *scan = ss->ss_ScanTupleSlot;

	for (;;)
	{
		BjRow	   *o;

		CHECK_FOR_INTERRUPTS();
		if (!bj->batch_ready || bj->cur_outer >= bj->outer.nrows)
		{
			bj->batch_ready = false;
			if (!read_batch(bj))
				return ExecClearTuple(scan);
		}
		o = &bj->outer.rows[bj->cur_outer];

		/* the first candidate of a new outer row */
		if (bj->cur_inner == -1 && !bj->cur_matched)
		{
			if (!o->hasnull && bj->inner.nrows > 0)
				bj->cur_inner = bj->inner.buckets[o->hash & (bj->inner.nbuckets - 1)];
			else
				bj->cur_inner = -2;
		}

		while (bj->cur_inner >= 0)
		{
			BjRow	   *in = &bj->inner.rows[bj->cur_inner];

			bj->cur_inner = in->next;
			if (bj->cur_inner < 0)
				bj->cur_inner = -2;
			if (in->hash != o->hash || !keys_equal(bj, o->keys, in->keys))
				continue;
			ResetExprContext(bj->css.ss.ps.ps_ExprContext);
			fill_scan_slot(bj, o->tuple, in->tuple);
			if (!join_qual_holds(bj, scan))
				continue;
			bj->cur_matched = true;
			if (bj->jointype == JOIN_ANTI)
			{
				bj->cur_inner = -2;
				break;
			}
			if (bj->jointype == JOIN_SEMI)
			{
				bj->cur_inner = -2;
				/* the outer row alone, once */
				fill_scan_slot(bj, o->tuple, NULL);
				return scan;
			}
			return scan;		/* inner and left joins: the pair */
		}

		/* the outer row's candidates are exhausted */
		{
			bool		emit_alone = !bj->cur_matched &&
				(bj->jointype == JOIN_LEFT || bj->jointype == JOIN_ANTI);

			bj->cur_outer++;
			bj->cur_inner = -1;
			bj->cur_matched = false;
			if (emit_alone)
				return fill_scan_slot(bj, o->tuple, NULL);
		}
	}
}

static bool
bj_recheck(ScanState *ss, TupleTableSlot *slot)
{
	return true;
}

static TupleTableSlot *
bj_exec(CustomScanState *node)
{
	return ExecScan(&node->ss, bj_next, bj_recheck);
}

static void
bj_end(CustomScanState *node)
{
	BjState    *bj = (BjState *) node;

	ExecEndNode(bj->outer_ps);
	ExecEndNode(bj->inner_ps);
	ExecDropSingleTupleTableSlot(bj->outer_mslot);
	ExecDropSingleTupleTableSlot(bj->inner_mslot);
	MemoryContextDelete(bj->batch_cxt);
}

static void
bj_rescan(CustomScanState *node)
{
	BjState    *bj = (BjState *) node;

	/*
	 * The executor passes changed parameters on to lefttree and righttree
	 * only: tell the children here.  The outer side restarts; the inner one
	 * is rescanned for every batch anyway, with the changed values.
	 */
	if (node->ss.ps.chgParam != NULL)
	{
		UpdateChangedParamSet(bj->outer_ps, node->ss.ps.chgParam);
		UpdateChangedParamSet(bj->inner_ps, node->ss.ps.chgParam);
	}
	if (bj->outer_ps->chgParam == NULL)
		ExecReScan(bj->outer_ps);
	bj->outer_done = false;
	bj->batch_ready = false;
	bj->cur_outer = 0;
	bj->cur_inner = -1;
	bj->cur_matched = false;
	MemoryContextReset(bj->batch_cxt);
	memset(&bj->outer, 0, sizeof(BjTable));
	memset(&bj->keys, 0, sizeof(BjTable));
	memset(&bj->inner, 0, sizeof(BjTable));
}

static void
bj_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	BjState    *bj = (BjState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	const char *jt;

	switch ((JoinType) intVal(list_nth(cscan->custom_private, BjPrivJoinType)))
	{
		case JOIN_INNER:
			jt = "Inner";
			break;
		case JOIN_LEFT:
			jt = "Left";
			break;
		case JOIN_SEMI:
			jt = "Semi";
			break;
		case JOIN_ANTI:
			jt = "Anti";
			break;
		default:
			jt = "?";
			break;
	}
	ExplainPropertyText("Join Type", jt, es);
	ExplainPropertyInteger("Batch Size", NULL,
						   intVal(list_nth(cscan->custom_private, BjPrivBatch)),
						   es);
	if (es->analyze)
	{
		ExplainPropertyInteger("Requests", NULL, bj->nrequests, es);
		ExplainPropertyInteger("Keys Sent", NULL, bj->nkeys_sent, es);
		ExplainPropertyInteger("Rows Fetched", NULL, bj->nrows_fetched, es);
	}
}

/* ----------------------------------------------------------------
 * Aggregates over a bind join
 *
 * "SELECT t.key, count(*), sum(t.x) FROM t JOIN w ON w.key = t.key
 * GROUP BY t.key", t a qipc_fdw table: every group lies within one join
 * key value, so q can aggregate the rows of the batch's keys (the pushed
 * aggregation of upper.c, with "key in vector" added to its conditions)
 * and ship only the groups.  The joined rows of a group are its foreign
 * rows, each repeated once per outer row with that key: for an outer key
 * that occurs m times, count and sum are m times q's (exact in integers,
 * with PostgreSQL's result types and overflow errors), and min, max,
 * count(DISTINCT), bool_and and bool_or are q's.  Aggregates that do not
 * scale exactly (avg, float sums) are pushed only when every outer key is
 * known to occur once (a unique index or DISTINCT/GROUP BY on the outer
 * side, or "IN (SELECT ...)").  The node therefore reads its whole outer
 * side first, counting the rows per distinct key (one request per key
 * across all batches, so no group comes back twice), then sends the keys in
 * batches of bind_join_batch.  Outer NULL keys never match.
 *
 * Left join (the foreign table nullable): the outer rows that find no
 * foreign row (NULL keys, keys without a group) form one more group whose
 * keys are NULL: count(*) counts those rows, count(x) is 0 and every
 * other aggregate NULL, as PostgreSQL computes them over null-extended
 * rows, provided that each aggregate's argument is NULL there too (a
 * strict expression of the foreign table's columns; not coalesce(x, 0))
 * and no FILTER picks among them.  From PostgreSQL 16 the query's Vars of
 * the foreign table carry the left join in varnullingrels; q's
 * aggregation is planned with a copy of the target whose Vars have none,
 * as the foreign scan's own, and the node's scan tuple names the marked
 * ones that the plan above it refers to.
 *
 * Shape: every GROUP BY item is an expression of the foreign table that
 * upper.c can group by, the foreign key columns are among them, the
 * target is group keys and bare aggregates of the foreign table, no
 * HAVING, and the join has no quals beyond the keys.
 * ----------------------------------------------------------------
 */

/* what the node does to an output column for an outer key of multiplicity m */
#define BJA_KEEP		0		/* group key, min, max, ...: unchanged */
#define BJA_SCALE_INT8	1		/* count, sum(int2/int4): bigint times m */
#define BJA_SCALE_NUM	2		/* sum(int8): numeric times m */
#define BJA_UNIQUE		3		/* avg, float sum: only when m is 1 */

/* its value in the left join's group of unmatched outer rows */
#define BJA_NULL_NULL	0		/* NULL (group keys, sum, min, ...) */
#define BJA_NULL_ZERO	1		/* count(x), count(DISTINCT x): 0 */
#define BJA_NULL_ROWS	2		/* count(*): the unmatched outer rows */

/* custom_private of the aggregate's path and plan */
enum BjaPrivateIndex
{
	BjaPrivJoinType,			/* Integer: JOIN_INNER or JOIN_LEFT */
	BjaPrivBatch,				/* Integer: distinct keys per request */
	BjaPrivParamIds,			/* IntList: PARAM_EXEC id per key */
	BjaPrivOperators,			/* OidList: equality operator per key */
	BjaPrivCollations,			/* OidList: its input collation */
	BjaPrivInnerKeyPos,			/* IntList: 1-based position of each key
								 * in the output (= inner child's tlist) */
	BjaPrivActions,				/* IntList: BJA_* per output column */
	BjaPrivNullValues,			/* IntList: BJA_NULL_* per output column */
	BjaPrivOuterKeys			/* path: List of the outer key exprs; plan:
								 * IntList, their 1-based positions in the
								 * outer child's tlist */
};

typedef struct BjaState
{
	BjState		bj;				/* keys, children, contexts (first) */
	int		   *outer_keypos;	/* 1-based attribute of the outer child */
	int			ncols;
	int		   *actions;
	int		   *nullvals;

	MemoryContext keys_cxt;		/* the outer side's distinct keys */
	bool		loaded;			/* outer side read */
	int64		nullrows;		/* outer rows with a NULL key */
	int			next_key;		/* first key of the next batch */
	int			batch_first;	/* keys of the current batch: from here */
	bool		inner_active;	/* reading a batch's groups */
	bool		null_done;		/* left join: unmatched group emitted */
	int64		ngroups;
} BjaState;

static Plan *bja_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
								  CustomPath *best_path, List *tlist,
								  List *clauses, List *custom_plans);
static Node *bja_create_state(CustomScan *cscan);
static void bja_begin(CustomScanState *node, EState *estate, int eflags);
static TupleTableSlot *bja_exec(CustomScanState *node);
static void bja_end(CustomScanState *node);
static void bja_rescan(CustomScanState *node);
static void bja_explain(CustomScanState *node, List *ancestors,
						ExplainState *es);

static const CustomPathMethods bja_path_methods = {
	.CustomName = "QipcBindJoinAggregate",
	.PlanCustomPath = bja_plan_custom_path,
};

static const CustomScanMethods bja_scan_methods = {
	.CustomName = "QipcBindJoinAggregate",
	.CreateCustomScanState = bja_create_state,
};

static const CustomExecMethods bja_exec_methods = {
	.CustomName = "QipcBindJoinAggregate",
	.BeginCustomScan = bja_begin,
	.ExecCustomScan = bja_exec,
	.EndCustomScan = bja_end,
	.ReScanCustomScan = bja_rescan,
	.ExplainCustomScan = bja_explain,
};

/*
 * classify_aggregate
 *		The BJA_* action and BJA_NULL_* value of an aggregate of the foreign
 *		table (upper.c decides whether q computes it at all).
 */
static void
classify_aggregate(Aggref *agg, int *action, int *nullval)
{
	char	   *name = get_func_name(agg->aggfnoid);

	*action = BJA_UNIQUE;
	*nullval = BJA_NULL_NULL;
	if (name == NULL || agg->aggfnoid >= FirstGenbkiObjectId)
		return;
	if (strcmp(name, "count") == 0)
	{
		*nullval = agg->aggstar ? BJA_NULL_ROWS : BJA_NULL_ZERO;
		/* distinct values are the same however often a row repeats */
		*action = agg->aggdistinct != NIL ? BJA_KEEP : BJA_SCALE_INT8;
	}
	else if (strcmp(name, "sum") == 0 && agg->aggdistinct == NIL &&
			 agg->aggtype == INT8OID)
		*action = BJA_SCALE_INT8;	/* sum(smallint), sum(integer) */
	else if (strcmp(name, "sum") == 0 && agg->aggdistinct == NIL &&
			 agg->aggtype == NUMERICOID &&
			 list_length(agg->aggargtypes) == 1 &&
			 linitial_oid(agg->aggargtypes) == INT8OID)
		*action = BJA_SCALE_NUM;	/* sum(bigint) */
	else if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0 ||
			 strcmp(name, "bool_and") == 0 || strcmp(name, "bool_or") == 0)
		*action = BJA_KEEP;
}

/*
 * null_on_nulled_row
 *		Whether every argument of aggregate agg (of the foreign table, rti)
 *		is NULL on a row that the left join null-extended, as the unmatched
 *		group's values assume (count(x) 0, sum(x) NULL, ...): a strict
 *		expression of the table's columns is, coalesce(x, 0) or a CASE is
 *		not.  A FILTER would decide which of those rows count(*) counts.
 */
static bool
null_on_nulled_row(PlannerInfo *root, Aggref *agg, Relids rti)
{
	ListCell   *lc;

	if (agg->aggfilter != NULL)
		return false;
	foreach(lc, agg->args)
	{
		Node	   *arg = (Node *) lfirst_node(TargetEntry, lc)->expr;

		if (!bms_equal(pull_varnos(root, arg), rti) ||
			contain_nonstrict_functions(arg))
			return false;
	}
	return true;
}

/*
 * bja_try_path
 *		Offer the aggregate over bind join path bjpath (of input_rel) to
 *		grouped_rel, when the query's shape allows it.
 */
static void
bja_try_path(PlannerInfo *root, CustomPath *bjpath, RelOptInfo *input_rel,
			 RelOptInfo *grouped_rel, GroupPathExtraData *extra)
{
	Query	   *parse = root->parse;
	List	   *priv = bjpath->custom_private;
	JoinType	jointype = (JoinType) intVal(list_nth(priv, BjPrivJoinType));
	List	   *inner_keys = (List *) list_nth(priv, BjPrivInnerKeys);
	List	   *outer_keys = (List *) list_nth(priv, BjPrivOuterKeys);
	List	   *join_quals = (List *) list_nth(priv, BjPrivJoinQuals);
	List	   *other_quals = (List *) list_nth(priv, BjPrivOtherQuals);
	List	   *key_rinfos = (List *) list_nth(priv, BjPrivKeyRinfos);
	bool		unique = intVal(list_nth(priv, BjPrivUniqueOuter)) != 0;
	Path	   *outer_path = (Path *) linitial(bjpath->custom_paths);
	ForeignPath *inner_path = (ForeignPath *) lsecond(bjpath->custom_paths);
	RelOptInfo *innerrel = inner_path->path.parent;
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) innerrel->fdw_private;
	QipcFdwRelationInfo *kfpinfo;
	RelOptInfo *keyrel;
	RelOptInfo *aggrel;
	PathTarget *target;
	Path	   *upath = NULL;
	CustomPath *cpath;
	List	   *keypos = NIL;
	List	   *actions = NIL;
	List	   *nullvals = NIL;
	ListCell   *lc;
	ListCell   *lk;
	int			i;
	int			batch = intVal(list_nth(priv, BjPrivBatch));
	double		ndistinct;
	double		nrequests;
	double		ngroups;

	if (jointype != JOIN_INNER && jointype != JOIN_LEFT)
		return;
	/*
	 * Under a LIMIT upper.c may stop each batch's aggregation after as many
	 * groups: any groups are right for an inner join, but the left join's
	 * unmatched group would count the keys whose groups were cut off.
	 */
	if (jointype == JOIN_LEFT &&
		(parse->limitCount != NULL || parse->limitOffset != NULL))
		return;
	if (other_quals != NIL || list_length(join_quals) != list_length(inner_keys))
		return;

	/*
	 * The grouping target as q's aggregation of the foreign table computes
	 * it: above a left join (from PostgreSQL 16) its Vars carry the join's
	 * marking, which the table's own columns lack.  The node's output is
	 * the marked target (grouped_rel's): bja_plan_custom_path matches the
	 * two by position.
	 */
	target = copy_pathtarget(grouped_rel->reltarget);
#if PG_VERSION_NUM >= 160000
	target->exprs = (List *) clear_nullingrels_mutator((Node *) target->exprs,
													   &innerrel->relid);
#endif

	/* the target: group keys of the foreign table and bare aggregates */
	i = 0;
	foreach(lc, target->exprs)
	{
		Expr	   *e = (Expr *) lfirst(lc);
		Index		sgref = get_pathtarget_sortgroupref(target, i);

		i++;
		if (sgref && get_sortgroupref_clause_noerr(sgref, parse->groupClause))
		{
			Relids		relids = pull_varnos(root, (Node *) e);

			if (!bms_equal(relids, innerrel->relids))
				return;
			/* the unmatched group's keys are NULL: columns only */
			if (jointype == JOIN_LEFT && !IsA(e, Var))
				return;
			actions = lappend_int(actions, BJA_KEEP);
			nullvals = lappend_int(nullvals, BJA_NULL_NULL);
		}
		else if (IsA(e, Aggref))
		{
			int			action;
			int			nullval;

			if (jointype == JOIN_LEFT &&
				!null_on_nulled_row(root, (Aggref *) e, innerrel->relids))
				return;
			classify_aggregate((Aggref *) e, &action, &nullval);
			actions = lappend_int(actions, action);
			nullvals = lappend_int(nullvals, nullval);
		}
		else
			return;
	}

	/* every foreign key column is a group key: a group has one key value */
	foreach(lk, inner_keys)
	{
		Expr	   *k = strip_relabel((Expr *) lfirst(lk));
		int			pos = 0;

		i = 0;
		foreach(lc, target->exprs)
		{
			Index		sgref = get_pathtarget_sortgroupref(target, i);

			i++;
			if (sgref && get_sortgroupref_clause_noerr(sgref, parse->groupClause) &&
				equal(lfirst(lc), k))
			{
				pos = i;
				break;
			}
		}
		if (pos == 0)
			return;
		keypos = lappend_int(keypos, pos);
	}

	/*
	 * Is every outer key there once?  Then the aggregates that do not scale
	 * are exact too.  (innerrel_is_unique asks it of its "inner" argument:
	 * here the outer side, against the foreign table.)
	 */
	if (!unique && outer_path->parent->reloptkind == RELOPT_BASEREL)
		unique = innerrel_is_unique(root, input_rel->relids, innerrel->relids,
									outer_path->parent, JOIN_INNER,
									key_rinfos, false);
	foreach(lc, actions)
	{
		if (lfirst_int(lc) == BJA_UNIQUE)
		{
			if (!unique)
				return;
			lfirst_int(lc) = BJA_KEEP;
		}
	}

	/*
	 * q's aggregation of the batch's rows: upper.c's, over the foreign
	 * table with the keys' "key = ANY(param)" conditions added to its pushed
	 * ones, into a grouped rel of its own.
	 */
	keyrel = makeNode(RelOptInfo);
	memcpy(keyrel, innerrel, sizeof(RelOptInfo));
	kfpinfo = palloc(sizeof(QipcFdwRelationInfo));
	memcpy(kfpinfo, fpinfo, sizeof(QipcFdwRelationInfo));
	kfpinfo->remote_conds = list_concat(list_copy(fpinfo->remote_conds),
										inner_path->path.param_info->ppi_clauses);
	kfpinfo->rows = inner_path->path.rows;
	/* the batch's scan is the one the aggregation replaces (upper.c) */
	kfpinfo->retrieved_rows = inner_path->path.rows;
	kfpinfo->total_cost = inner_path->path.total_cost;
	keyrel->fdw_private = kfpinfo;
	keyrel->rows = inner_path->path.rows;

	aggrel = makeNode(RelOptInfo);
	aggrel->reloptkind = RELOPT_UPPER_REL;
	aggrel->relids = bms_copy(innerrel->relids);
	aggrel->reltarget = target;
	aggrel->serverid = innerrel->serverid;
	aggrel->userid = innerrel->userid;
	aggrel->useridiscurrent = innerrel->useridiscurrent;
	aggrel->fdwroutine = innerrel->fdwroutine;
	aggrel->consider_startup = grouped_rel->consider_startup;
	aggrel->consider_parallel = false;
	qipc_get_foreign_upper_paths(root, UPPERREL_GROUP_AGG, keyrel, aggrel,
								 extra);
	foreach(lc, aggrel->pathlist)
	{
		Path	   *p = (Path *) lfirst(lc);

		if (p->pathkeys == NIL && (upath == NULL || p->total_cost < upath->total_cost))
			upath = p;
	}
	if (upath == NULL)
		return;

	/*
	 * Cost: the outer side, one aggregation in q per batch of distinct keys
	 * (a pass over the key columns of the table each), the groups shipped,
	 * and the outer keys hashed here.
	 */
	ndistinct = estimate_num_groups(root, outer_keys, outer_path->rows,
									NULL, NULL);
	ndistinct = Max(1.0, Min(ndistinct, outer_path->rows));
	nrequests = ceil(ndistinct / batch);
	ngroups = clamp_row_est(Min(grouped_rel->rows > 0 ? grouped_rel->rows :
								upath->rows * nrequests,
								upath->rows * nrequests) +
							(jointype == JOIN_LEFT ? 1 : 0));

	cpath = makeNode(CustomPath);
	cpath->path.pathtype = T_CustomScan;
	cpath->path.parent = grouped_rel;
	cpath->path.pathtarget = grouped_rel->reltarget;
	cpath->path.param_info = NULL;
	cpath->path.parallel_aware = false;
	cpath->path.parallel_safe = false;
	cpath->path.parallel_workers = 0;
	cpath->path.rows = ngroups;
	cpath->path.startup_cost = outer_path->total_cost + upath->startup_cost;
	cpath->path.total_cost = outer_path->total_cost +
		nrequests * (upath->total_cost + innerrel->tuples * cpu_operator_cost) +
		ndistinct * fpinfo->sopts.fdw_tuple_cost * list_length(inner_keys) +
		outer_path->rows * (cpu_tuple_cost +
							cpu_operator_cost * list_length(inner_keys)) +
		ngroups * cpu_tuple_cost;
	cpath->path.pathkeys = NIL;
#if PG_VERSION_NUM >= 180000
	cpath->path.disabled_nodes = outer_path->disabled_nodes;
#endif
	cpath->flags = 0;
	cpath->custom_paths = list_make2(outer_path, upath);
	cpath->custom_private = list_make5(makeInteger(jointype),
									   makeInteger(batch),
									   list_nth(priv, BjPrivParamIds),
									   list_nth(priv, BjPrivOperators),
									   list_nth(priv, BjPrivCollations));
	cpath->custom_private = lappend(cpath->custom_private, keypos);
	cpath->custom_private = lappend(cpath->custom_private, actions);
	cpath->custom_private = lappend(cpath->custom_private, nullvals);
	cpath->custom_private = lappend(cpath->custom_private, outer_keys);
	cpath->methods = &bja_path_methods;

	add_path(grouped_rel, (Path *) cpath);
}

/*
 * bj_upper_paths
 *		create_upper_paths_hook: an aggregation over a join for which a bind
 *		join path was offered may be pushed into the bind join's requests.
 */
static void
bj_upper_paths(PlannerInfo *root, UpperRelationKind stage,
			   RelOptInfo *input_rel, RelOptInfo *output_rel, void *extra)
{
	Query	   *parse = root->parse;
	GroupPathExtraData *gextra = (GroupPathExtraData *) extra;
	List	   *bjpaths = NIL;
	ListCell   *lc;

	if (prev_upper_paths_hook)
		prev_upper_paths_hook(root, stage, input_rel, output_rel, extra);

	if (stage != UPPERREL_GROUP_AGG || !qipc_enable_bind_join ||
		!qipc_enable_pushdown || gextra == NULL)
		return;
	if (input_rel->reloptkind != RELOPT_JOINREL ||
		parse->groupClause == NIL || parse->groupingSets != NIL ||
		parse->hasWindowFuncs || parse->hasTargetSRFs ||
		gextra->havingQual != NULL ||
		gextra->patype != PARTITIONWISE_AGGREGATE_NONE)
		return;

	foreach(lc, input_rel->pathlist)
	{
		Path	   *p = (Path *) lfirst(lc);

		/* the scan/join target may have been applied by a projection */
		if (IsA(p, ProjectionPath))
			p = ((ProjectionPath *) p)->subpath;
		if (IsA(p, CustomPath) &&
			((CustomPath *) p)->methods == &bj_path_methods)
			bjpaths = lappend(bjpaths, p);
	}
	foreach(lc, bjpaths)
		bja_try_path(root, (CustomPath *) lfirst(lc), input_rel, output_rel,
					 gextra);
}

/*
 * bja_plan_custom_path
 *		The CustomScan: children (outer plan, q's aggregation), its scan
 *		tuple the aggregation's output columns.
 */
static Plan *
bja_plan_custom_path(PlannerInfo *root, RelOptInfo *rel,
					 CustomPath *best_path, List *tlist, List *clauses,
					 List *custom_plans)
{
	CustomScan *cscan = makeNode(CustomScan);
	Plan	   *outer_plan = linitial(custom_plans);
	ForeignScan *inner_plan = lsecond_node(ForeignScan, custom_plans);
	List	   *priv = best_path->custom_private;
	List	   *outer_keys = (List *) list_nth(priv, BjaPrivOuterKeys);
	List	   *outer_tlist = list_copy(outer_plan->targetlist);
	List	   *outer_pos = NIL;
	List	   *scan_tlist = NIL;
	Bitmapset  *inner_relids;
	ListCell   *lc;
	AttrNumber	resno = 1;
	bool		added = false;

	/* the outer keys as columns of the outer child (added if missing) */
	foreach(lc, outer_keys)
	{
		Expr	   *k = (Expr *) lfirst(lc);
		int			pos = tlist_position(outer_tlist, k);

		if (pos == 0)
		{
			pos = list_length(outer_tlist) + 1;
			outer_tlist = lappend(outer_tlist,
								  makeTargetEntry(copyObject(k), pos, NULL,
												  true));
			added = true;
		}
		outer_pos = lappend_int(outer_pos, pos);
	}
	if (added)
		outer_plan = change_plan_targetlist(outer_plan, outer_tlist,
											outer_plan->parallel_safe);

	/* q's aggregation reads the foreign table only */
	inner_relids = bms_copy(((Path *) lsecond(best_path->custom_paths))->parent->relids);
	inner_plan->fs_relids = inner_relids;
#if PG_VERSION_NUM >= 160000
	inner_plan->fs_base_relids = inner_relids;
#endif

	/*
	 * The scan tuple is the aggregation's output, column for column, named
	 * by the node's own target: the expressions the plan above refers to,
	 * with the left join's marking on their Vars (bja_try_path), where the
	 * aggregation's own target list has the foreign table's unmarked ones.
	 */
	if (list_length(best_path->path.pathtarget->exprs) !=
		list_length(inner_plan->scan.plan.targetlist))
		elog(ERROR, "bind join aggregate: the aggregation's target list does not match the node's");
	foreach(lc, best_path->path.pathtarget->exprs)
	{
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry(copyObject(lfirst(lc)), resno++,
											 NULL, false));
	}

	declare_params(root, (List *) list_nth(priv, BjaPrivParamIds));

	cscan->scan.plan.targetlist = tlist;
	cscan->scan.plan.qual = NIL;
	cscan->scan.scanrelid = 0;
	cscan->flags = best_path->flags;
	cscan->custom_plans = list_make2(outer_plan, inner_plan);
	cscan->custom_exprs = NIL;
	cscan->custom_private = list_truncate(list_copy(priv), BjaPrivOuterKeys);
	cscan->custom_private = lappend(cscan->custom_private, outer_pos);
	cscan->custom_scan_tlist = scan_tlist;
	cscan->custom_relids = NULL;
	cscan->methods = &bja_scan_methods;

	return &cscan->scan.plan;
}

static Node *
bja_create_state(CustomScan *cscan)
{
	BjaState   *ba = (BjaState *) newNode(sizeof(BjaState), T_CustomScanState);

	ba->bj.css.methods = &bja_exec_methods;
	return (Node *) ba;
}

static void
bja_begin(CustomScanState *node, EState *estate, int eflags)
{
	BjaState   *ba = (BjaState *) node;
	BjState    *bj = &ba->bj;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;
	List	   *priv = cscan->custom_private;
	List	   *paramids = (List *) list_nth(priv, BjaPrivParamIds);
	List	   *opnos = (List *) list_nth(priv, BjaPrivOperators);
	List	   *colls = (List *) list_nth(priv, BjaPrivCollations);
	List	   *inner_pos = (List *) list_nth(priv, BjaPrivInnerKeyPos);
	List	   *outer_pos = (List *) list_nth(priv, BjaPrivOuterKeys);
	List	   *actions = (List *) list_nth(priv, BjaPrivActions);
	List	   *nullvals = (List *) list_nth(priv, BjaPrivNullValues);
	int			k;

	bj->jointype = (JoinType) intVal(list_nth(priv, BjaPrivJoinType));
	bj->batch = intVal(list_nth(priv, BjaPrivBatch));
	bj->nkeys = list_length(paramids);
	bj->paramids = palloc(sizeof(int) * bj->nkeys);
	bj->inner_keypos = palloc(sizeof(int) * bj->nkeys);
	ba->outer_keypos = palloc(sizeof(int) * bj->nkeys);
	bj->eq_fn = palloc0(sizeof(FmgrInfo) * bj->nkeys);
	bj->hash_fn = palloc0(sizeof(FmgrInfo) * bj->nkeys);
	bj->collations = palloc(sizeof(Oid) * bj->nkeys);
	bj->key_types = palloc(sizeof(Oid) * bj->nkeys);
	bj->outer_types = palloc(sizeof(Oid) * bj->nkeys);
	bj->key_len = palloc(sizeof(int16) * bj->nkeys);
	bj->key_byval = palloc(sizeof(bool) * bj->nkeys);
	bj->key_align = palloc(sizeof(char) * bj->nkeys);

	bj->outer_ps = ExecInitNode(linitial(cscan->custom_plans), estate, eflags);
	bj->inner_ps = ExecInitNode(lsecond(cscan->custom_plans), estate, eflags);
	node->custom_ps = list_make2(bj->outer_ps, bj->inner_ps);

	for (k = 0; k < bj->nkeys; k++)
	{
		Oid			opno = list_nth_oid(opnos, k);
		RegProcedure lhash;
		RegProcedure rhash;

		bj->paramids[k] = list_nth_int(paramids, k);
		bj->inner_keypos[k] = list_nth_int(inner_pos, k) - 1;
		ba->outer_keypos[k] = list_nth_int(outer_pos, k);
		bj->collations[k] = list_nth_oid(colls, k);
		fmgr_info(get_opcode(opno), &bj->eq_fn[k]);
		if (!get_op_hash_functions(opno, &lhash, &rhash) || lhash != rhash)
			elog(ERROR, "could not find hash function for operator %u", opno);
		fmgr_info(lhash, &bj->hash_fn[k]);
		bj->outer_types[k] =
			TupleDescAttr(ExecGetResultType(bj->outer_ps),
						  ba->outer_keypos[k] - 1)->atttypid;
		bj->key_types[k] = key_type(bj->outer_types[k],
									list_nth_node(TargetEntry,
												  lsecond_node(Plan, cscan->custom_plans)->targetlist,
												  bj->inner_keypos[k])->expr);
		get_typlenbyvalalign(bj->key_types[k], &bj->key_len[k],
							 &bj->key_byval[k], &bj->key_align[k]);
	}

	ba->ncols = list_length(actions);
	ba->actions = palloc(sizeof(int) * ba->ncols);
	ba->nullvals = palloc(sizeof(int) * ba->ncols);
	for (k = 0; k < ba->ncols; k++)
	{
		ba->actions[k] = list_nth_int(actions, k);
		ba->nullvals[k] = list_nth_int(nullvals, k);
	}
	if (ExecGetResultType(bj->inner_ps)->natts != ba->ncols)
		elog(ERROR, "bind join aggregate: unexpected columns of q's aggregation");

	bj->batch_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "qipc_fdw bind join batch",
										  ALLOCSET_DEFAULT_SIZES);
	ba->keys_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "qipc_fdw bind join keys",
										 ALLOCSET_DEFAULT_SIZES);
}

/*
 * bja_load_outer
 *		Read the whole outer side: its distinct keys and how many rows have
 *		each, and the rows with a NULL key.
 */
static void
bja_load_outer(BjaState *ba)
{
	BjState    *bj = &ba->bj;
	MemoryContext oldcxt = MemoryContextSwitchTo(ba->keys_cxt);
	Datum	   *kv = palloc(sizeof(Datum) * bj->nkeys);
	bool	   *kn = palloc(sizeof(bool) * bj->nkeys);

	memset(&bj->keys, 0, sizeof(BjTable));
	table_index(&bj->keys, 0);
	for (;;)
	{
		TupleTableSlot *oslot;
		uint32		h;
		bool		hasnull;
		int			k;
		int			n;

		MemoryContextSwitchTo(oldcxt);
		oslot = ExecProcNode(bj->outer_ps);
		MemoryContextSwitchTo(ba->keys_cxt);
		if (TupIsNull(oslot))
			break;
		CHECK_FOR_INTERRUPTS();
		for (k = 0; k < bj->nkeys; k++)
		{
			kv[k] = slot_getattr(oslot, ba->outer_keypos[k], &kn[k]);
			kv[k] = bj_convert_key(bj, k, kv[k], &kn[k]);
		}
		h = hash_keys(bj, kv, kn, &hasnull);
		if (hasnull)
		{
			ba->nullrows++;
			continue;
		}
		n = table_find(bj, &bj->keys, h, kv);
		if (n >= 0)
		{
			bj->keys.rows[n].count++;
			continue;
		}
		n = table_add(&bj->keys);
		bj->keys.rows[n].hash = h;
		bj->keys.rows[n].hasnull = false;
		bj->keys.rows[n].count = 1;
		bj->keys.rows[n].matched = false;
		bj->keys.rows[n].tuple = NULL;
		bj->keys.rows[n].keys = palloc(sizeof(Datum) * bj->nkeys);
		for (k = 0; k < bj->nkeys; k++)
			bj->keys.rows[n].keys[k] = datumCopy(kv[k], bj->key_byval[k],
												 bj->key_len[k]);
		if (bj->keys.nrows * 2 > bj->keys.nbuckets)
			table_index(&bj->keys, 0);	/* grow */
		else
		{
			bj->keys.rows[n].next = bj->keys.buckets[h & (bj->keys.nbuckets - 1)];
			bj->keys.buckets[h & (bj->keys.nbuckets - 1)] = n;
		}
	}
	MemoryContextSwitchTo(oldcxt);
	ba->loaded = true;
}

/* send the next batch of keys to q: rescan the aggregation */
static void
bja_send_batch(BjaState *ba)
{
	BjState    *bj = &ba->bj;
	EState	   *estate = bj->css.ss.ps.state;
	int			first = ba->next_key;
	int			n = Min(bj->batch, bj->keys.nrows - first);
	Bitmapset  *changed = NULL;
	MemoryContext oldcxt;
	int			i;
	int			k;

	MemoryContextReset(bj->batch_cxt);
	oldcxt = MemoryContextSwitchTo(bj->batch_cxt);
	for (k = 0; k < bj->nkeys; k++)
	{
		Datum	   *elems = palloc(sizeof(Datum) * n);
		ParamExecData *prm = &estate->es_param_exec_vals[bj->paramids[k]];

		for (i = 0; i < n; i++)
			elems[i] = bj->keys.rows[first + i].keys[k];
		prm->value = PointerGetDatum(construct_array(elems, n,
													 bj->key_types[k],
													 bj->key_len[k],
													 bj->key_byval[k],
													 bj->key_align[k]));
		prm->isnull = false;
		prm->execPlan = NULL;
		changed = bms_add_member(changed, bj->paramids[k]);
	}
	MemoryContextSwitchTo(oldcxt);
	bj->inner_ps->chgParam = bms_join(bj->inner_ps->chgParam, changed);
	ExecReScan(bj->inner_ps);
	ba->batch_first = first;
	ba->next_key += n;
	bj->nrequests++;
	bj->nkeys_sent += n;
	ba->inner_active = true;
}

/* value * m for a bigint result, with int8's overflow error */
static Datum
scale_int8(Datum v, int64 m)
{
	int64		r;

	if (pg_mul_s64_overflow(DatumGetInt64(v), m, &r))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	return Int64GetDatum(r);
}

/* the scan tuple of a group of q's reply, scaled by its key's multiplicity */
static TupleTableSlot *
bja_group(BjaState *ba, TupleTableSlot *islot)
{
	BjState    *bj = &ba->bj;
	TupleTableSlot *scan = bj->css.ss.ss_ScanTupleSlot;
	ExprContext *econtext = bj->css.ss.ps.ps_ExprContext;
	MemoryContext oldcxt;
	Datum	   *kv;
	bool	   *kn;
	bool		hasnull;
	uint32		h;
	int			n;
	int			k;
	int64		m;

	/* per group: reset before the next one (ExecScan) */
	oldcxt = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
	kv = palloc(sizeof(Datum) * bj->nkeys);
	kn = palloc(sizeof(bool) * bj->nkeys);
	ba->ngroups++;
	slot_getallattrs(islot);
	for (k = 0; k < bj->nkeys; k++)
	{
		kv[k] = islot->tts_values[bj->inner_keypos[k]];
		kn[k] = islot->tts_isnull[bj->inner_keypos[k]];
	}
	h = hash_keys(bj, kv, kn, &hasnull);
	n = hasnull ? -1 : table_find(bj, &bj->keys, h, kv);
	if (n < ba->batch_first || n >= ba->next_key)
	{
		/*
		 * With several key columns q filters each by the batch's values of
		 * it: a group whose combination no outer row has joins nothing, and
		 * one of another batch's combination comes with that batch.
		 */
		if (bj->nkeys > 1)
		{
			MemoryContextSwitchTo(oldcxt);
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("q returned a group for a join key that was not sent")));
	}
	bj->keys.rows[n].matched = true;
	m = bj->keys.rows[n].count;

	ExecClearTuple(scan);
	for (k = 0; k < ba->ncols; k++)
	{
		Datum		v = islot->tts_values[k];
		bool		isnull = islot->tts_isnull[k];

		if (!isnull && m != 1)
		{
			switch (ba->actions[k])
			{
				case BJA_SCALE_INT8:
					v = scale_int8(v, m);
					break;
				case BJA_SCALE_NUM:
					v = DirectFunctionCall2(numeric_mul, v,
											DirectFunctionCall1(int8_numeric,
																Int64GetDatum(m)));
					break;
				case BJA_KEEP:
					break;
				default:
					elog(ERROR, "bind join aggregate: an aggregate that does not scale met a repeated outer key");
			}
		}
		scan->tts_values[k] = v;
		scan->tts_isnull[k] = isnull;
	}
	MemoryContextSwitchTo(oldcxt);
	return ExecStoreVirtualTuple(scan);
}

/* left join: the group of the outer rows that found no foreign row */
static TupleTableSlot *
bja_unmatched_group(BjaState *ba)
{
	BjState    *bj = &ba->bj;
	TupleTableSlot *scan = bj->css.ss.ss_ScanTupleSlot;
	int64		rows = ba->nullrows;
	int			i;

	for (i = 0; i < bj->keys.nrows; i++)
	{
		if (!bj->keys.rows[i].matched &&
			pg_add_s64_overflow(rows, bj->keys.rows[i].count, &rows))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("bigint out of range")));
	}
	if (rows == 0)
		return NULL;
	ExecClearTuple(scan);
	for (i = 0; i < ba->ncols; i++)
	{
		scan->tts_isnull[i] = (ba->nullvals[i] == BJA_NULL_NULL);
		scan->tts_values[i] = ba->nullvals[i] == BJA_NULL_ROWS ?
			Int64GetDatum(rows) : ba->nullvals[i] == BJA_NULL_ZERO ?
			Int64GetDatum(0) : (Datum) 0;
	}
	return ExecStoreVirtualTuple(scan);
}

static TupleTableSlot *
bja_next(ScanState *ss)
{
	BjaState   *ba = (BjaState *) ss;
	BjState    *bj = &ba->bj;

	if (!ba->loaded)
		bja_load_outer(ba);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (ba->inner_active)
		{
			TupleTableSlot *islot = ExecProcNode(bj->inner_ps);

			if (!TupIsNull(islot))
			{
				TupleTableSlot *slot = bja_group(ba, islot);

				if (slot != NULL)
					return slot;
				continue;
			}
			ba->inner_active = false;
		}
		if (ba->next_key < bj->keys.nrows)
		{
			bja_send_batch(ba);
			continue;
		}
		if (bj->jointype == JOIN_LEFT && !ba->null_done)
		{
			TupleTableSlot *slot;

			ba->null_done = true;
			slot = bja_unmatched_group(ba);
			if (slot != NULL)
				return slot;
		}
		return ExecClearTuple(ss->ss_ScanTupleSlot);
	}
}

static TupleTableSlot *
bja_exec(CustomScanState *node)
{
	return ExecScan(&node->ss, bja_next, bj_recheck);
}

static void
bja_end(CustomScanState *node)
{
	BjaState   *ba = (BjaState *) node;

	ExecEndNode(ba->bj.outer_ps);
	ExecEndNode(ba->bj.inner_ps);
	MemoryContextDelete(ba->bj.batch_cxt);
	MemoryContextDelete(ba->keys_cxt);
}

static void
bja_rescan(CustomScanState *node)
{
	BjaState   *ba = (BjaState *) node;
	BjState    *bj = &ba->bj;

	/* as bj_rescan */
	if (node->ss.ps.chgParam != NULL)
	{
		UpdateChangedParamSet(bj->outer_ps, node->ss.ps.chgParam);
		UpdateChangedParamSet(bj->inner_ps, node->ss.ps.chgParam);
	}
	if (bj->outer_ps->chgParam == NULL)
		ExecReScan(bj->outer_ps);
	MemoryContextReset(bj->batch_cxt);
	MemoryContextReset(ba->keys_cxt);
	memset(&bj->keys, 0, sizeof(BjTable));
	ba->loaded = false;
	ba->nullrows = 0;
	ba->next_key = 0;
	ba->inner_active = false;
	ba->null_done = false;
}

static void
bja_explain(CustomScanState *node, List *ancestors, ExplainState *es)
{
	BjaState   *ba = (BjaState *) node;
	CustomScan *cscan = (CustomScan *) node->ss.ps.plan;

	ExplainPropertyText("Join Type",
						intVal(list_nth(cscan->custom_private, BjaPrivJoinType)) ==
						JOIN_LEFT ? "Left" : "Inner", es);
	ExplainPropertyInteger("Batch Size", NULL,
						   intVal(list_nth(cscan->custom_private, BjaPrivBatch)),
						   es);
	if (es->analyze)
	{
		ExplainPropertyInteger("Requests", NULL, ba->bj.nrequests, es);
		ExplainPropertyInteger("Keys Sent", NULL, ba->bj.nkeys_sent, es);
		ExplainPropertyInteger("Groups Fetched", NULL, ba->ngroups, es);
	}
}
