/*-------------------------------------------------------------------------
 *
 * funcscan.c
 *		  Planning of function-backed foreign tables (table option
 *		  "function", column option "param").
 *
 * Production kdb+ gateways often expose data only through API functions
 * such as .api.getTrades[sym;date].  A foreign table with
 *		OPTIONS (function '.api.getTrades')
 * and columns marked param '1', param '2', ... is scanned by calling the
 * function with the values that the query's WHERE clause gives those
 * columns:
 *		SELECT * FROM trades_api WHERE sym = 'AAPL' AND day = '2024-01-02'
 * calls .api.getTrades[`AAPL;2024.01.02].  The result must be a table (or
 * keyed table) and is scanned exactly like any other scan's result.
 *
 * Rules:
 *	- every parameter column needs a restriction "column = expression" with
 *	  an equality operator of a btree opfamily, where the expression has the
 *	  column's own type (text-like types count as one) or one that casts to
 *	  it implicitly, and references no column of any table and nothing
 *	  volatile: a constant, a prepared statement parameter, a stable
 *	  function call.  A missing one is an error at plan time (HV002), since
 *	  calling the function without its argument cannot work.  Join clauses
 *	  do not count (there are no parameterized paths for these tables);
 *	- the expressions become the scan's fdw_exprs, evaluated at execution
 *	  and sent as typed q arguments (qipc_fdw.c, fetch_result): the request
 *	  is (lambda; arg1; ...) and the lambda calls the function;
 *	- text, varchar and char parameters are sent as symbols
 *	  (QIPC_CONV_SYMBOL), because q APIs take symbols; every other type
 *	  keeps its natural q type (date -> date, timestamp -> timestamp, bigint
 *	  -> long, ...).  XXX: there is no way to pass a string argument; wrap
 *	  such a function in q;
 *	- every WHERE condition, including the argument ones, is still checked
 *	  locally, so a function that ignores or widens an argument cannot
 *	  return wrong rows;
 *	- a scalar parameter column that the function's result lacks is added
 *	  to the result by the lambda, holding the argument value, so that
 *	  SELECT * works on APIs that do not echo their arguments.
 *
 * The function name comes from the table option, which the validator
 * (option.c) restricts to a q name, so splicing it into the lambda is safe;
 * argument values are never spliced.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/funcscan.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/restrictinfo.h"
#include "parser/parse_coerce.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "qipc_fdw.h"

/* q functions take at most 8 parameters */
#define QIPC_MAX_PARAMS 8

/* text-like types: sent as strings, turned into symbols by the lambda */
static bool
is_text_like(Oid typid)
{
	typid = getBaseType(typid);
	return typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID;
}

/* node without binary-compatible relabelings on top */
static Node *
strip_relabel(Node *node)
{
	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return node;
}

/*
 * argument_expr
 *		If clause is "column attnum of rel relid = expr" (either way round)
 *		with an expression usable as the argument (see the file header),
 *		return the expression, else NULL.
 */
static Expr *
argument_expr(Expr *clause, Index relid, AttrNumber attnum, Oid coltype)
{
	OpExpr	   *op;
	int			side;

	if (!IsA(clause, OpExpr))
		return NULL;
	op = (OpExpr *) clause;
	if (list_length(op->args) != 2 || !qipc_op_is_btree_equality(op->opno))
		return NULL;

	for (side = 0; side < 2; side++)
	{
		Node	   *colside = strip_relabel((Node *) list_nth(op->args, side));
		Node	   *other = (Node *) list_nth(op->args, 1 - side);
		Var		   *var;
		Oid			othertype;

		if (!IsA(colside, Var))
			continue;
		var = (Var *) colside;
		if (var->varno != relid || var->varlevelsup != 0 ||
			var->varattno != attnum)
			continue;

		if (contain_var_clause(other) || contain_volatile_functions(other) ||
			contain_subplans(other))
			continue;

		othertype = exprType(other);
		if (getBaseType(othertype) == getBaseType(coltype) ||
			(is_text_like(othertype) && is_text_like(coltype)))
			return (Expr *) other;

		/*
		 * Another type converts to the column's type when an implicit cast
		 * exists (day = a date, bigint = an int literal, timestamp = a date):
		 * such casts are exact, so the argument equals what the operator
		 * compared.  Lossy casts (timestamp to date) are never implicit.
		 */
		if (can_coerce_type(1, &othertype, &coltype, COERCION_IMPLICIT))
		{
			Node	   *coerced;

			coerced = coerce_to_target_type(NULL, other, othertype,
											coltype, -1,
											COERCION_IMPLICIT,
											COERCE_IMPLICIT_CAST, -1);
			if (coerced != NULL)
				return (Expr *) coerced;
		}
	}
	return NULL;
}

/*
 * qipc_plan_function_scan
 *		Build the q request of a scan of a function-backed foreign table.
 *
 * root, baserel: the scan's planner information; foreigntableid, relname:
 * the foreign table; function: its function option; scan_clauses: the
 * scan's RestrictInfos.  Appends the argument expressions to *fdw_exprs
 * (in parameter order), sets *fdw_private_extra to the fdw_private items
 * that follow the column names: their conversions (QipcScanPrivateArgConvs:
 * text-like arguments are sent as symbols) and the q for EXPLAIN
 * (QipcScanPrivateDisplay: the lambda applied to the argument values), and
 * returns the q text (palloc'd): a lambda taking the
 * arguments, or, for a function without parameters, the call itself.
 * Raises HV002 when a parameter column has no usable condition, and 42P17
 * when the param options of the table's columns are not 1..N.
 */
char *
qipc_plan_function_scan(PlannerInfo *root, RelOptInfo *baserel,
						Oid foreigntableid, const char *relname,
						const char *function, List *scan_clauses,
						List **fdw_exprs, List **fdw_private_extra)
{
	AttrNumber	param_att[QIPC_MAX_PARAMS + 1];
	Oid			param_type[QIPC_MAX_PARAMS + 1];
	int			nparams = 0;
	Relation	rel;
	TupleDesc	tupdesc;
	StringInfoData buf;
	List	   *convs = NIL;
	int			i;
	int			k;

	memset(param_att, 0, sizeof(param_att));

	/* which column is which parameter */
	rel = table_open(foreigntableid, NoLock);
	tupdesc = RelationGetDescr(rel);
	for (i = 1; i <= tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i - 1);
		int			p;

		if (attr->attisdropped)
			continue;
		p = qipc_get_column_param(foreigntableid, i);
		if (p == 0)
			continue;
		if (p < 1 || p > QIPC_MAX_PARAMS)
			elog(ERROR, "invalid param option %d", p);	/* validator checks */
		if (param_att[p] != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("columns \"%s\" and \"%s\" of foreign table \"%s\" are both parameter %d of q function \"%s\"",
							NameStr(TupleDescAttr(tupdesc, param_att[p] - 1)->attname),
							NameStr(attr->attname), relname, p, function)));
		param_att[p] = i;
		param_type[p] = attr->atttypid;
		nparams = Max(nparams, p);
	}
	table_close(rel, NoLock);

	for (k = 1; k <= nparams; k++)
	{
		if (param_att[k] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("foreign table \"%s\" has no column for parameter %d of q function \"%s\"",
							relname, k, function),
					 errhint("Mark one column with the option param '%d'.", k)));
	}

	/* the argument of each parameter, from the WHERE clause */
	for (k = 1; k <= nparams; k++)
	{
		Expr	   *arg = NULL;
		ListCell   *lc;

		foreach(lc, scan_clauses)
		{
			RestrictInfo *rinfo = lfirst_node(RestrictInfo, lc);

			arg = argument_expr(rinfo->clause, baserel->relid, param_att[k],
								param_type[k]);
			if (arg != NULL)
				break;
		}
		if (arg == NULL)
		{
			char	   *colname = get_attname(foreigntableid, param_att[k], false);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_DYNAMIC_PARAMETER_VALUE_NEEDED),
					 errmsg("a condition on column \"%s\" is required to scan foreign table \"%s\"",
							colname, relname),
					 errdetail("Column \"%s\" is argument %d of q function \"%s\".",
							   colname, k, function),
					 errhint("Add a WHERE condition of the form %s = value, where the value has the column's type.",
							 colname)));
		}
		/* fold the implicit casts added above */
		*fdw_exprs = lappend(*fdw_exprs,
							 eval_const_expressions(root, (Node *) copyObject(arg)));
		convs = lappend_int(convs, is_text_like(param_type[k]) ?
							QIPC_CONV_SYMBOL : QIPC_CONV_NATURAL);
	}

	initStringInfo(&buf);
	if (nparams == 0)
	{
		/* the scan itself accepts tables and keyed tables */
		appendStringInfo(&buf, "%s[]", function);
		return buf.data;
	}

	/*----------
	 * {[a1;...;aN] r:f[a1;...;aN];
	 *	if[99h=type r; if[98h=type key r; r:0!r]];
	 *	if[98h<>type r; :r];
	 *	if[not `col in cols r; r:flip (flip r),(enlist `col)!enlist (count r)#a1];
	 *	... ; r}
	 *
	 * A keyed table is unkeyed and anything that is not a table is returned
	 * as is, for the scan to report.  A missing column is added by joining
	 * the column dictionaries (flip), which works on every kdb+ version.
	 *----------
	 */
	appendStringInfoString(&buf, "{[");
	for (k = 1; k <= nparams; k++)
		appendStringInfo(&buf, "%sa%d", k > 1 ? ";" : "", k);
	appendStringInfoString(&buf, "]");
	appendStringInfo(&buf, "r:%s[", function);
	for (k = 1; k <= nparams; k++)
		appendStringInfo(&buf, "%sa%d", k > 1 ? ";" : "", k);
	appendStringInfoString(&buf, "];if[99h=type r;if[98h=type key r;r:0!r]];if[98h<>type r;:r];");
	for (k = 1; k <= nparams; k++)
	{
		char	   *remote;

		if (OidIsValid(get_element_type(param_type[k])) &&
			param_type[k] != NAMEOID)
			continue;			/* array arguments are not echoed */
		remote = qipc_get_column_name(foreigntableid, param_att[k]);
		appendStringInfoString(&buf, "if[not ");
		qipc_append_symbol(&buf, remote);
		appendStringInfoString(&buf, " in cols r;r:flip(flip r),(enlist ");
		qipc_append_symbol(&buf, remote);
		appendStringInfo(&buf, ")!enlist(count r)#a%d];", k);
	}
	appendStringInfoString(&buf, "r}");

	/* EXPLAIN shows the lambda applied to its arguments, as base scans do */
	*fdw_private_extra = list_make2(convs,
									makeString(qipc_display_query(buf.data,
																  *fdw_exprs,
																  convs)));
	return buf.data;
}
