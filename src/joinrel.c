/*-------------------------------------------------------------------------
 *
 * joinrel.c
 *		  Join pushdown for qipc_fdw: an inner or left equi-join of two
 *		  foreign tables of the same server and user mapping computed by q
 *		  (GetForeignJoinPaths), so that only the joined rows cross the wire.
 *
 * What kdb+ offers, and why the join is not sent as ij, lj or ej.  SQL's
 * equi-join pairs every left row with every right row of an equal key
 * (many-to-many), and a NULL key matches nothing.  kdb+'s joins differ:
 *	- ij and lj (code.kx.com/q/ref/ij/, /ref/lj/) look each left row up in
 *	  a keyed right table and take the first match only: the SQL answer
 *	  only when the right key is unique (a keyed table, a u# column), which
 *	  the planner cannot rely on (an upsert may change it between planning
 *	  and execution, and meta shows no uniqueness of a plain column);
 *	- ej (code.kx.com/q/ref/ej/) returns every matching pair, but, like
 *	  every q join, it matches a null key to a null key, and it lets a
 *	  right column overwrite a left one of the same name;
 *	- lj fills a left row without a match with the right columns' nulls,
 *	  and some q types have no null (a boolean fills with 0b, a byte with
 *	  0x00, a string with ""), so the fill cannot tell "no match" from a
 *	  value.
 * So the join is written in plain q whose every step is exact:
 *	- each side is the functional select of its table with its pushed
 *	  conditions (deparse.c), its columns renamed l<attnum> and r<attnum>
 *	  (no collision);
 *	- the right side also drops the rows with a null key column
 *	  ((not;(null;`k)) guards), so that no left key, null or not, finds a
 *	  null right key;
 *	- group on the right key gives, per distinct key, the indexes of its
 *	  rows in order (group: code.kx.com/q/ref/group/); find (?) places
 *	  each left key among the distinct keys, count when absent
 *	  (code.kx.com/q/ref/find/), and that absent position indexes an extra
 *	  item: an empty index list for an inner join, the one index count r
 *	  (past the end) for a left join;
 *	- where on the match counts repeats each left row index once per
 *	  match, raze lists the right row indexes in the same order; every
 *	  output column is its side's column indexed by those;
 *	- composite keys are first turned into one integer per row: per key
 *	  column the position of the value among the right side's distinct
 *	  values (count when absent), combined as id*(1+count d)+position and
 *	  made dense again with distinct and find, which keeps them small and
 *	  never makes an absent combination equal a present one;
 *	- a column m (1b when the row matched, ri<count r) comes back with
 *	  the rows; the scan reads the right side's columns as NULL where m is
 *	  0b (QipcScanPrivateJoin), whatever q filled in.
 * Only key types whose q equality is SQL's equality are accepted: boolean,
 * smallint, integer, bigint, date and uuid over the same q type on both
 * sides, and text or varchar over symbols with a deterministic collation.
 * Floats (tolerant comparison, NaN), timestamps (q keeps nanoseconds that
 * PostgreSQL does not see) and strings are not joined in q.
 *
 * What is pushed: INNER and LEFT joins of two base foreign tables (not
 * query or function tables, not partitioned tables) with at least one
 * equi-join key; each table's pushed conditions go into its select.  Join
 * conditions that are not keys and the tables' local conditions are
 * checked by PostgreSQL on the join's rows for an inner join; for a left
 * join they would change which rows match, so such a join is not pushed
 * (except the preserved side's local conditions and WHERE conditions above
 * the join, which filter rows after the join either way).  Joins of joins,
 * joins under an aggregation that could be pushed (the aggregation stays
 * local over the pushed join), FOR UPDATE/SHARE and UPDATE/DELETE with a
 * join are not pushed.
 *
 * Partitioned tables.  kdb+ selects from a partitioned table partition by
 * partition; a q join operates on in-memory tables only (the selects above
 * would be materialized whole in the q process).  A base scan of a
 * partitioned table is planned around the partition column (pruning,
 * map-reduce); a pushed join would select the table whole into memory
 * first, so joins with a partitioned table are left to PostgreSQL.
 *
 * Paging: a pushed join comes back as one result (EXPLAIN says so); q has
 * no cheap way to produce page n of a join without computing the join.
 *
 * qipc_fdw.enable_join_pushdown (on by default) turns this off, for
 * comparisons; qipc_fdw.enable_pushdown off turns it off too.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/joinrel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "foreign/fdwapi.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "qipc_fdw.h"

/* GUC qipc_fdw.enable_join_pushdown */
bool		qipc_enable_join_pushdown = true;

/*
 * Planner state of a pushed-down join (joinrel->fdw_private).  Built once
 * per join relation; pushable false when the join stays local.
 */
typedef struct QipcJoinInfo
{
	bool		pushable;
	RelOptInfo *outerrel;		/* left side (preserved side of a LEFT JOIN) */
	RelOptInfo *innerrel;		/* right side */
	JoinType	jointype;		/* JOIN_INNER or JOIN_LEFT */
	List	   *outer_keys;		/* IntList: key attnums of outerrel */
	List	   *inner_keys;		/* IntList: the matching ones of innerrel */
	List	   *local_quals;	/* Exprs checked by PostgreSQL on the rows */
} QipcJoinInfo;

/*
 * qipc_join_pushdown_init
 *		Define qipc_fdw.enable_join_pushdown (called by _PG_init).
 */
void
qipc_join_pushdown_init(void)
{
	DefineCustomBoolVariable("qipc_fdw.enable_join_pushdown",
							 "Sends inner and left equi-joins of two foreign tables of one server to q.",
							 "When off, such joins are done by PostgreSQL over two scans "
							 "(or a bind join).",
							 &qipc_enable_join_pushdown,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
}

/* a plain column of rel (under binary-compatible relabelings), or NULL */
static Var *
rel_column(Expr *e, RelOptInfo *rel)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (e && IsA(e, Var) && ((Var *) e)->varlevelsup == 0 &&
		((Var *) e)->varattno > 0 &&
		bms_is_member(((Var *) e)->varno, rel->relids))
		return (Var *) e;
	return NULL;
}

/*
 * key_type_ok
 *		Do q's equality on the q type qt and PostgreSQL's equality on the
 *		type typid agree?
 */
static bool
key_type_ok(char qt, Oid typid)
{
	switch (qt)
	{
		case 'b':
			return typid == BOOLOID;
		case 'h':
		case 'i':
		case 'j':
			return typid == INT2OID || typid == INT4OID || typid == INT8OID;
		case 'd':
			return typid == DATEOID;
		case 'g':
			return typid == UUIDOID;
		case 's':
			return typid == TEXTOID || typid == VARCHAROID;
		default:
			return false;
	}
}

/*
 * join_key
 *		Is clause "outer column = inner column" (either order) with the
 *		type's own equality, on columns of the same q and PostgreSQL type
 *		that q compares exactly as PostgreSQL does?  Sets the attnums.
 */
static bool
join_key(PlannerInfo *root, Expr *clause, RelOptInfo *outerrel,
		 RelOptInfo *innerrel, AttrNumber *oatt, AttrNumber *iatt)
{
	OpExpr	   *op;
	Var		   *ov;
	Var		   *iv;
	TypeCacheEntry *tce;
	char		oq;
	char		iq;

	if (!IsA(clause, OpExpr))
		return false;
	op = (OpExpr *) clause;
	if (list_length(op->args) != 2)
		return false;
	ov = rel_column(linitial(op->args), outerrel);
	iv = rel_column(lsecond(op->args), innerrel);
	if (ov == NULL || iv == NULL)
	{
		ov = rel_column(lsecond(op->args), outerrel);
		iv = rel_column(linitial(op->args), innerrel);
	}
	if (ov == NULL || iv == NULL || ov->vartype != iv->vartype)
		return false;
	tce = lookup_type_cache(exprType(linitial(op->args)), TYPECACHE_EQ_OPR);
	if (tce->eq_opr != op->opno)
		return false;
	if (OidIsValid(op->inputcollid) &&
		!get_collation_isdeterministic(op->inputcollid))
		return false;
	oq = qipc_column_qtype(root, outerrel, ov->varattno);
	iq = qipc_column_qtype(root, innerrel, iv->varattno);
	if (oq == '\0' || oq != iq || !key_type_ok(oq, ov->vartype))
		return false;

	/*
	 * A length limit cuts (or rejects) what the scan reads: two symbols
	 * equal in PostgreSQL after it need not be equal in q
	 */
	if (ov->vartypmod >= 0 || iv->vartypmod >= 0)
		return false;
	*oatt = ov->varattno;
	*iatt = iv->varattno;
	return true;
}

/*
 * side_ok
 *		Can rel be one side of a pushed join: a base foreign table of a
 *		table option, not partitioned, whose pushed conditions all deparse?
 *		Conditions that do not deparse are appended to *local (RestrictInfo
 *		clauses), with the table's local conditions.
 */
static bool
side_ok(PlannerInfo *root, RelOptInfo *rel, List **local)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) rel->fdw_private;
	StringInfoData buf;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *rejected = NIL;
	ListCell   *lc;

	if (rel->reloptkind != RELOPT_BASEREL || rel->rtekind != RTE_RELATION ||
		fpinfo == NULL)
		return false;
	if (fpinfo->topts.table == NULL || fpinfo->topts.query != NULL ||
		fpinfo->topts.function != NULL ||
		fpinfo->topts.partition_column != NULL)
		return false;
	if (!bms_is_empty(rel->lateral_relids))
		return false;

	initStringInfo(&buf);
	qipc_deparse_conditions(root, rel, fpinfo->remote_conds, &buf,
							&arg_exprs, &arg_convs, &rejected);
	foreach(lc, rejected)
		*local = lappend(*local, ((RestrictInfo *) lfirst(lc))->clause);
	foreach(lc, fpinfo->local_conds)
		*local = lappend(*local, ((RestrictInfo *) lfirst(lc))->clause);
	return true;
}

/* does the expression use only plain user columns (no PHV, no whole row)? */
static bool
plain_columns_only(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varattno <= 0 ||
			((Var *) node)->varlevelsup != 0;
	if (IsA(node, PlaceHolderVar) || IsA(node, Aggref) ||
		IsA(node, WindowFunc) || IsA(node, SubPlan) || IsA(node, SubLink))
		return true;
	return expression_tree_walker(node, plain_columns_only, context);
}

/*
 * join_pushable
 *		Decide whether the join can be done by q; fill jinfo.
 */
static bool
join_pushable(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
			  RelOptInfo *innerrel, JoinType jointype,
			  JoinPathExtraData *extra, QipcJoinInfo *jinfo)
{
	QipcFdwRelationInfo *ofp;
	QipcFdwRelationInfo *ifp;
	List	   *outer_local = NIL;
	List	   *inner_local = NIL;
	ListCell   *lc;

	if (jointype != JOIN_INNER && jointype != JOIN_LEFT)
		return false;
	if (root->parse->commandType != CMD_SELECT || root->rowMarks != NIL)
		return false;
	if (!bms_is_empty(joinrel->lateral_relids))
		return false;
	if (!side_ok(root, outerrel, &outer_local) ||
		!side_ok(root, innerrel, &inner_local))
		return false;
	ofp = (QipcFdwRelationInfo *) outerrel->fdw_private;
	ifp = (QipcFdwRelationInfo *) innerrel->fdw_private;

	/* one server and one user mapping: one connection answers both */
	if (ofp->server->serverid != ifp->server->serverid ||
		outerrel->userid != innerrel->userid)
		return false;

	/* the nullable side's own conditions decide which rows match */
	if (jointype == JOIN_LEFT && inner_local != NIL)
		return false;

	jinfo->outerrel = outerrel;
	jinfo->innerrel = innerrel;
	jinfo->jointype = jointype;
	jinfo->local_quals = list_concat(outer_local, inner_local);

	foreach(lc, extra->restrictlist)
	{
		RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);
		AttrNumber	oatt;
		AttrNumber	iatt;

		if (rinfo->pseudoconstant)
			return false;
		if (plain_columns_only((Node *) rinfo->clause, NULL))
			return false;

		/* WHERE above an outer join: a filter on the joined rows */
		if (jointype == JOIN_LEFT &&
			RINFO_IS_PUSHED_DOWN(rinfo, joinrel->relids))
		{
			jinfo->local_quals = lappend(jinfo->local_quals, rinfo->clause);
			continue;
		}
		if (join_key(root, rinfo->clause, outerrel, innerrel, &oatt, &iatt))
		{
			jinfo->outer_keys = lappend_int(jinfo->outer_keys, oatt);
			jinfo->inner_keys = lappend_int(jinfo->inner_keys, iatt);
			continue;
		}
		if (jointype != JOIN_INNER)
			return false;
		jinfo->local_quals = lappend(jinfo->local_quals, rinfo->clause);
	}
	if (jinfo->outer_keys == NIL)
		return false;

	/* the scan returns plain columns of the two tables */
	foreach(lc, joinrel->reltarget->exprs)
	{
		if (plain_columns_only((Node *) lfirst(lc), NULL))
			return false;
	}
	foreach(lc, jinfo->local_quals)
	{
		if (plain_columns_only((Node *) lfirst(lc), NULL))
			return false;
	}
	return true;
}

/*
 * qipc_get_foreign_join_paths
 *		GetForeignJoinPaths: offer a ForeignScan doing the join in q.
 */
void
qipc_get_foreign_join_paths(PlannerInfo *root, RelOptInfo *joinrel,
							RelOptInfo *outerrel, RelOptInfo *innerrel,
							JoinType jointype, JoinPathExtraData *extra)
{
	QipcJoinInfo *jinfo;
	QipcFdwRelationInfo *ofp;
	QipcFdwRelationInfo *ifp;
	ForeignPath *path;
	QualCost	qcost;
	double		rows;
	Cost		startup;
	Cost		total;

	if (!qipc_enable_pushdown || !qipc_enable_join_pushdown)
		return;

	/* decided once per join relation (the planner asks for both orders) */
	if (joinrel->fdw_private != NULL)
		return;
	jinfo = (QipcJoinInfo *) palloc0(sizeof(QipcJoinInfo));
	joinrel->fdw_private = jinfo;
	if (!join_pushable(root, joinrel, outerrel, innerrel, jointype, extra,
					   jinfo))
		return;
	jinfo->pushable = true;

	/*
	 * One request instead of two; q selects each side with its pushed
	 * conditions (each side's remote_cost, as its own scan would:
	 * qipc_fdw.c, set_scan_costs), reads both selected sides once (a hash
	 * per side) and ships the joined rows.  The local quals run on the
	 * shipped rows.
	 */
	ofp = (QipcFdwRelationInfo *) outerrel->fdw_private;
	ifp = (QipcFdwRelationInfo *) innerrel->fdw_private;
	rows = joinrel->rows;
	cost_qual_eval(&qcost, jinfo->local_quals, root);
	startup = ofp->sopts.fdw_startup_cost + qcost.startup;
	total = startup + ofp->remote_cost + ifp->remote_cost +
		cpu_operator_cost * (outerrel->rows + innerrel->rows) +
		(ofp->sopts.fdw_tuple_cost + cpu_tuple_cost + qcost.per_tuple) *
		rows;

#if PG_VERSION_NUM >= 180000
	path = create_foreign_join_path(root, joinrel, NULL, rows, 0, startup,
									total, NIL, joinrel->lateral_relids,
									NULL, NIL, NIL);
#elif PG_VERSION_NUM >= 170000
	path = create_foreign_join_path(root, joinrel, NULL, rows, startup,
									total, NIL, joinrel->lateral_relids,
									NULL, NIL, NIL);
#else
	path = create_foreign_join_path(root, joinrel, NULL, rows, startup,
									total, NIL, joinrel->lateral_relids,
									NULL, NIL);
#endif
	add_path(joinrel, (Path *) path);
}

/* the name of the q result column of a Var of the join */
static char *
result_name(QipcJoinInfo *jinfo, Var *var)
{
	return psprintf("%c%d",
					bms_is_member(var->varno, jinfo->outerrel->relids) ?
					'l' : 'r', var->varattno);
}

/*
 * append_side_select
 *		"x:?[`table;where;0b;names!columns]; " for one side: its pushed
 *		conditions, with the null guards of the key columns (guard true)
 *		after them, and the columns attnums (IntList) named prefix<attnum>.
 */
static void
append_side_select(PlannerInfo *root, StringInfo buf, char prefix,
				   RelOptInfo *rel, List *attnums, List *guards,
				   List **arg_exprs, List **arg_convs)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) rel->fdw_private;
	RangeTblEntry *rte = planner_rt_fetch(rel->relid, root);
	StringInfoData where;
	List	   *rejected = NIL;
	List	   *phrases = NIL;
	List	   *names = NIL;
	List	   *cols = NIL;
	ListCell   *lc;

	/* the table's conditions as deparse.c writes them: (), enlist p, (p;q) */
	initStringInfo(&where);
	qipc_deparse_conditions(root, rel, fpinfo->remote_conds, &where,
							arg_exprs, arg_convs, &rejected);
	if (strcmp(where.data, "()") == 0)
		;
	else if (strncmp(where.data, "enlist ", 7) == 0)
		phrases = lappend(phrases, pstrdup(where.data + 7));
	else
		phrases = lappend(phrases, pnstrdup(where.data + 1, where.len - 2));
	foreach(lc, guards)
	{
		StringInfoData g;

		initStringInfo(&g);
		appendStringInfoString(&g, "(not;(null;");
		qipc_append_symbol(&g, qipc_get_column_name(rte->relid,
													lfirst_int(lc)));
		appendStringInfoString(&g, "))");
		phrases = lappend(phrases, g.data);
	}

	foreach(lc, attnums)
	{
		names = lappend(names, makeString(psprintf("%c%d", prefix,
												   lfirst_int(lc))));
		cols = lappend(cols,
					   makeString(qipc_get_column_name(rte->relid,
													   lfirst_int(lc))));
	}

	appendStringInfo(buf, "%c:?[", prefix);
	qipc_append_symbol(buf, fpinfo->topts.table);
	appendStringInfoChar(buf, ';');
	if (phrases == NIL)
		appendStringInfoString(buf, "()");
	else if (list_length(phrases) == 1 && guards == NIL &&
			 strncmp(where.data, "enlist ", 7) == 0)
		appendStringInfoString(buf, where.data);
	else if (list_length(phrases) == 1 && guards != NIL)
		appendStringInfo(buf, "enlist %s", (char *) linitial(phrases));
	else
	{
		appendStringInfoChar(buf, '(');
		foreach(lc, phrases)
			appendStringInfo(buf, "%s%s", lc == list_head(phrases) ? "" : ";",
							 (char *) lfirst(lc));
		appendStringInfoChar(buf, ')');
	}
	appendStringInfoString(buf, ";0b;");
	if (names == NIL)
		appendStringInfoString(buf, "()");
	else
	{
		appendStringInfoChar(buf, '(');
		qipc_append_symbol_list(buf, names);
		appendStringInfoString(buf, ")!(");
		qipc_append_symbol_list(buf, cols);
		appendStringInfoChar(buf, ')');
	}
	appendStringInfoString(buf, "]; ");
}

/* add attnum to an IntList once */
static List *
add_attnum(List *l, int attnum)
{
	return list_member_int(l, attnum) ? l : lappend_int(l, attnum);
}

/* the alias of a relation for EXPLAIN */
static const char *
rel_alias(PlannerInfo *root, RelOptInfo *rel)
{
	RangeTblEntry *rte = planner_rt_fetch(rel->relid, root);

	return quote_identifier(rte->eref->aliasname);
}

/*
 * qipc_get_join_plan
 *		GetForeignPlan for a pushed-down join: the q of the join (see the
 *		file header); the result columns are fdw_scan_tlist.
 */
ForeignScan *
qipc_get_join_plan(PlannerInfo *root, RelOptInfo *joinrel,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	QipcJoinInfo *jinfo = (QipcJoinInfo *) joinrel->fdw_private;
	List	   *scan_tlist;
	List	   *vars;
	List	   *outer_atts = NIL;
	List	   *inner_atts = NIL;
	List	   *retrieved_attrs = NIL;
	List	   *colnames = NIL;
	List	   *fill_attrs = NIL;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *local_exprs;
	List	   *fdw_private;
	ListCell   *lc;
	ListCell   *lk;
	StringInfoData buf;
	StringInfoData rels;
	char	   *query;
	int			nkeys = list_length(jinfo->outer_keys);
	int			i;

	Assert(jinfo != NULL && jinfo->pushable);

	/* the scan tuple: the join's columns and those of the local quals */
	/*
	 * A join relation has no scan_clauses of its own (no parameterized
	 * join paths): its clauses were sorted into keys and local quals when
	 * the path was made.
	 */
	local_exprs = list_copy(jinfo->local_quals);
	scan_tlist = add_to_flat_tlist(NIL, joinrel->reltarget->exprs);
	vars = pull_var_clause((Node *) local_exprs, PVC_RECURSE_PLACEHOLDERS);
	scan_tlist = add_to_flat_tlist(scan_tlist, vars);

	/* columns per side: the keys, then what the scan returns */
	outer_atts = list_copy(jinfo->outer_keys);
	inner_atts = list_copy(jinfo->inner_keys);
	i = 1;
	foreach(lc, scan_tlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		Var		   *var = (Var *) tle->expr;

		Assert(IsA(var, Var));
		if (bms_is_member(var->varno, jinfo->outerrel->relids))
			outer_atts = add_attnum(outer_atts, var->varattno);
		else
		{
			inner_atts = add_attnum(inner_atts, var->varattno);
			fill_attrs = lappend_int(fill_attrs, i);
		}
		retrieved_attrs = lappend_int(retrieved_attrs, i);
		colnames = lappend(colnames, makeString(result_name(jinfo, var)));
		i++;
	}

	initStringInfo(&buf);
	append_side_select(root, &buf, 'l', jinfo->outerrel, outer_atts, NIL,
					   &arg_exprs, &arg_convs);
	append_side_select(root, &buf, 'r', jinfo->innerrel, inner_atts,
					   jinfo->inner_keys, &arg_exprs, &arg_convs);

	/* the right side's rows per key, and each left row's place among them */
	if (nkeys == 1)
		appendStringInfo(&buf, "g:group r`r%d; p:(key g)?l`l%d; ",
						 linitial_int(jinfo->inner_keys),
						 linitial_int(jinfo->outer_keys));
	else
	{
		i = 0;
		forboth(lc, jinfo->outer_keys, lk, jinfo->inner_keys)
		{
			if (i++ == 0)
				appendStringInfo(&buf, "d:distinct r`r%d; ir:d?r`r%d; il:d?l`l%d; ",
								 lfirst_int(lk), lfirst_int(lk), lfirst_int(lc));
			else
				appendStringInfo(&buf,
								 "d:distinct r`r%d; ir:(ir*1+count d)+d?r`r%d; "
								 "il:(il*1+count d)+d?l`l%d; "
								 "d:distinct ir; ir:d?ir; il:d?il; ",
								 lfirst_int(lk), lfirst_int(lk), lfirst_int(lc));
		}
		appendStringInfoString(&buf, "g:group ir; p:(key g)?il; ");
	}
	appendStringInfo(&buf, "m:(value g),enlist %s; "
					 "li:where (count each m) p; ri:raze (enlist 0#0),m p; ",
					 jinfo->jointype == JOIN_LEFT ? "enlist count r" : "0#0");

	/*
	 * A left join's right column at ri: the unmatched rows (ri = count r)
	 * read the last row instead, never out of range (the scan ignores
	 * them), and an empty right side gives as many 0b (never read either)
	 */
	if (jinfo->jointype == JOIN_LEFT)
		appendStringInfoString(&buf, "f:{[c;i;n] $[n;c i&n-1;(count i)#0b]}; ");

	/* the result: the scan's columns and the match flag m */
	appendStringInfoString(&buf, "flip (");
	{
		List	   *names = list_copy(colnames);

		names = lappend(names, makeString("m"));
		qipc_append_symbol_list(&buf, names);
	}
	/* one column (the flag alone) is enlisted, as any one-item list */
	appendStringInfoString(&buf, scan_tlist == NIL ? ")!enlist (" : ")!(");
	foreach(lc, scan_tlist)
	{
		Var		   *var = (Var *) lfirst_node(TargetEntry, lc)->expr;
		bool		outer = bms_is_member(var->varno, jinfo->outerrel->relids);

		if (outer)
			appendStringInfo(&buf, "l[`%s] li;", result_name(jinfo, var));
		else if (jinfo->jointype == JOIN_LEFT)
			appendStringInfo(&buf, "f[r`%s;ri;count r];",
							 result_name(jinfo, var));
		else
			appendStringInfo(&buf, "r[`%s] ri;", result_name(jinfo, var));
	}
	appendStringInfoString(&buf, "ri<count r)");

	if (arg_exprs == NIL)
		query = psprintf("{[] %s}[]", buf.data);
	else
		query = qipc_wrap_lambda(buf.data, list_length(arg_exprs));

	initStringInfo(&rels);
	appendStringInfo(&rels, "(%s) %s JOIN (%s)",
					 rel_alias(root, jinfo->outerrel),
					 jinfo->jointype == JOIN_LEFT ? "LEFT" : "INNER",
					 rel_alias(root, jinfo->innerrel));

	fdw_private = list_make5(makeString(query), retrieved_attrs, colnames,
							 arg_convs,
							 makeString(qipc_display_query(query, arg_exprs,
														   arg_convs)));
	fdw_private = lappend(fdw_private, NIL);	/* no fixups */
	fdw_private = lappend(fdw_private, NIL);	/* one result */
	fdw_private = lappend(fdw_private,
						  list_make3(makeString("m"),
									 jinfo->jointype == JOIN_LEFT ?
									 fill_attrs : NIL,
									 makeString(rels.data)));

	return make_foreignscan(tlist,
							local_exprs,
							0,
							arg_exprs,
							fdw_private,
							scan_tlist,
							NIL,
							outer_plan);
}
