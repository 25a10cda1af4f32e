/*-------------------------------------------------------------------------
 *
 * upper.c
 *		  Upper-relation pushdown for qipc_fdw: aggregates with GROUP BY
 *		  and HAVING computed by q (GetForeignUpperPaths), with ORDER BY
 *		  and LIMIT over the groups.
 *
 * An aggregation over one foreign table is pushed when every WHERE
 * condition was pushed (deparse.c), every grouping key is a plain column of
 * a type q groups exactly as PostgreSQL does, and every aggregate has an
 * exact q translation.  q then answers with a keyed table (group keys, then
 * aggregates) that the scan decodes like any other result.  HAVING
 * conditions are translated like WHERE conditions (deparse.c, over the
 * result columns g0.. a0..) and filter the groups in q; the others are
 * checked locally on the (few) groups, by the ForeignScan's qual.  ORDER BY
 * and LIMIT over the groups are done in q too (q sublist, never #).
 *
 * Where q and SQL aggregates disagree, the q side is written out:
 *	- count(x) counts non-nulls (q's count counts nulls): sum not null x;
 *	- sum/min/max of an empty or all-null group are NULL in SQL (q gives 0,
 *	  0W, -0W): the lambda returns the null of the type when no non-null
 *	  value is left;
 *	- sum(smallint/integer) is bigint: summed as q longs (no overflow below
 *	  2^31 rows); sum(bigint) is numeric, beyond 64 bits: q sums the high
 *	  and low 32-bit parts of the values separately (no overflow below 2^31
 *	  rows) into two result columns, and the scan computes high * 2^32 +
 *	  low exactly (QIPC_FIX_SUM128, qipc_fdw.h);
 *	- a sum over a q integer infinity (0W, -0W) raises error 22003, as a
 *	  plain scan raises when it reads that value (QIPC_FIX_INF, and the
 *	  null low part of QIPC_FIX_SUM128);
 *	- avg(real/double precision) is sum%count in q, as PostgreSQL computes
 *	  it; floating-point sums may round differently (q need not add in row
 *	  order), so float sums and averages can differ in the last bits;
 *	- a float sum over both +infinity and -infinity is NaN in PostgreSQL,
 *	  but q's NaN is its null, which reads back as NULL: a hidden boolean
 *	  result column, computed in q, flags it and the scan sets NaN
 *	  (QIPC_FIX_NAN); HAVING and ORDER BY on float sums and averages are
 *	  therefore evaluated locally;
 *	- avg of integers (numeric in SQL) and min/max of text stay local;
 *	- bool_and/bool_or only with GROUP BY (q booleans have no NULL for an
 *	  empty input);
 *	- count(DISTINCT x) only for integers, symbols, dates, booleans, uuids.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/upper.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/stratnum.h"
#include "access/transam.h"
#include "foreign/fdwapi.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"

#include "qipc_fdw.h"

#define LOG2(x)  (log(x) / 0.693147180559945)

/*
 * Planner state of a pushed-down aggregation (grouped_rel->fdw_private).
 */
typedef struct QipcFdwUpperInfo
{
	RelOptInfo *scanrel;		/* the foreign table's base rel */
	List	   *tlist;			/* TargetEntries: fdw_scan_tlist */
	List	   *qexprs;			/* String per tlist entry: its q parse tree */
	List	   *qnames;			/* String per tlist entry: q result column */
	int			ngroup;			/* the first ngroup entries are group keys */
	List	   *local_conds;	/* HAVING, checked locally (Exprs) */
	List	   *fixkinds;		/* IntList per tlist entry: QIPC_FIX_* or 0 */
	List	   *auxexprs;		/* String per tlist entry: q parse tree of its
								 * hidden column, or NULL */
	List	   *auxcols;		/* String per tlist entry: local name of the
								 * aggregated column, or NULL */
	List	   *auxtypes;		/* String per tlist entry: its type's name, or
								 * NULL */
} QipcFdwUpperInfo;

static char *float_aggregate_flag(const char *colsym, bool avg);

/* q null test of column "x" of meta type qt (as in deparse.c) */
static const char *
null_test(char qt)
{
	return qt == 's' ? "(x=`$\"\")" : "(null x)";
}

/*
 * aggregate_q
 *		The q parse tree (text) computing Aggref "agg" over column "col" of
 *		meta type qt, or NULL if it cannot be pushed exactly.  When the value
 *		needs a fixup (QIPC_FIX_*, see qipc_fdw.h), sets *fixkind and *aux to
 *		the kind and the q parse tree of the hidden column it reads.
 */
static char *
aggregate_q(Aggref *agg, const char *colsym, char qt, Oid argtype,
			bool grouped, int *fixkind, char **aux)
{
	char	   *name;
	StringInfoData buf;

	*fixkind = 0;
	*aux = NULL;

	if (agg->aggfnoid >= FirstGenbkiObjectId || agg->aggorder != NIL ||
		agg->aggfilter != NULL || agg->aggvariadic ||
		agg->aggkind != AGGKIND_NORMAL || agg->aggsplit != AGGSPLIT_SIMPLE)
		return NULL;
	name = get_func_name(agg->aggfnoid);
	if (name == NULL)
		return NULL;

	initStringInfo(&buf);

	/* count(*) */
	if (agg->aggstar)
	{
		if (strcmp(name, "count") != 0)
			return NULL;
		return pstrdup("(count;`i)");
	}
	if (colsym == NULL)
		return NULL;

	if (agg->aggdistinct != NIL)
	{
		if (strcmp(name, "count") != 0 ||
			!(qt == 'h' || qt == 'i' || qt == 'j' || qt == 's' ||
			  qt == 'd' || qt == 'b' || qt == 'g'))
			return NULL;
		if (qt == 'b')
			appendStringInfo(&buf, "(count;(distinct;%s))", colsym);
		else
			appendStringInfo(&buf, "({[x] count distinct x where not %s};%s)",
							 null_test(qt), colsym);
		return buf.data;
	}

	if (strcmp(name, "count") == 0)
	{
		if (qt == 'b' || qt == 'C')
			appendStringInfo(&buf, "(count;%s)", colsym);	/* no nulls */
		else
			appendStringInfo(&buf, "({[x] sum not %s};%s)", null_test(qt),
							 colsym);
		return buf.data;
	}

	if (strcmp(name, "sum") == 0)
	{
		/*
		 * Integer infinities (0W...) cannot be read into PostgreSQL (a plain
		 * scan raises error 22003), so a sum over one raises that error too
		 * (QIPC_FIX_INF, QIPC_FIX_SUM128) rather than adding 2^31-1 or
		 * 2^63-1.
		 */
		if ((qt == 'h' || qt == 'i') &&
			(argtype == INT2OID || argtype == INT4OID))
		{
			/* bigint in SQL: q longs cannot overflow below 2^31 rows */
			appendStringInfo(&buf, "({[x] y:x where not null x; "
							 "$[count y; sum \"j\"$y; 0N]};%s)", colsym);
			*aux = psprintf("({[x] any 0W%c=abs x where not null x};%s)",
							qt, colsym);
			*fixkind = QIPC_FIX_INF;
		}
		else if (qt == 'j' && argtype == INT8OID)
		{
			/*
			 * numeric in SQL, beyond 64 bits: q sums the high parts (y div
			 * 2^32, in [-2^31, 2^31)) and the low parts (y mod 2^32, in [0,
			 * 2^32)) separately, which cannot overflow below 2^31 rows, and
			 * carries the low sum's excess into the high one: the value is
			 * high * 2^32 + low with low in [0, 2^32), computed exactly by
			 * the scan, and (high, low) sort like the value.  The low part is
			 * null when an infinity was summed.
			 */
			appendStringInfo(&buf, "({[x] y:x where not null x; "
							 "$[count y; (sum y div 4294967296)+(sum y mod 4294967296) div 4294967296; 0N]};%s)",
							 colsym);
			*aux = psprintf("({[x] y:x where not null x; "
							"$[any 0W=abs y; 0N; (sum y mod 4294967296) mod 4294967296]};%s)",
							colsym);
			*fixkind = QIPC_FIX_SUM128;
		}
		else if (qt == 'f' && argtype == FLOAT8OID)
		{
			/*
			 * +inf plus -inf is NaN in PostgreSQL, but q's NaN is its null
			 * (NULL here): a hidden flag tells the scan (QIPC_FIX_NAN)
			 */
			appendStringInfo(&buf, "({[x] y:x where not null x; "
							 "$[count y; sum y; first 0#x]};%s)",
							 colsym);
			*aux = float_aggregate_flag(colsym, false);
			*fixkind = QIPC_FIX_NAN;
		}
		else
			return NULL;		/* sum(real) is summed in real: keep local */
		return buf.data;
	}

	if (strcmp(name, "avg") == 0)
	{
		if ((qt == 'e' && argtype == FLOAT4OID) ||
			(qt == 'f' && argtype == FLOAT8OID))
		{
			/* NaN from +inf and -inf as for sum (QIPC_FIX_NAN) */
			appendStringInfo(&buf, "({[x] y:\"f\"$x where not null x; "
							 "$[count y; (sum y)%%count y; 0n]};%s)",
							 colsym);
			*aux = float_aggregate_flag(colsym, true);
			*fixkind = QIPC_FIX_NAN;
			return buf.data;
		}
		return NULL;			/* avg of integers is numeric: keep local */
	}

	if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0)
	{
		if (!(qt == 'h' || qt == 'i' || qt == 'j' || qt == 'e' ||
			  qt == 'f' || qt == 'd' || qt == 'p'))
			return NULL;
		appendStringInfo(&buf, "({[x] y:x where not null x; $[count y; %s y; first 0#x]};%s)",
						 name, colsym);
		return buf.data;
	}

	if ((strcmp(name, "bool_and") == 0 || strcmp(name, "bool_or") == 0) &&
		qt == 'b' && grouped)
	{
		appendStringInfo(&buf, "(%s;%s)",
						 strcmp(name, "bool_and") == 0 ? "all" : "any", colsym);
		return buf.data;
	}

	return NULL;
}

/*
 * float_aggregate_flag
 *		The q of the hidden flag column of a pushed float sum or avg
 *		(QIPC_FIX_NAN): a byte, 0 when q's value stands, 1 when PostgreSQL's
 *		result is NaN (+inf and -inf were summed; q's NaN reads back as
 *		NULL), 2 when PostgreSQL's aggregate would have raised "value out of
 *		range: overflow".
 *
 * PostgreSQL's sum(float8) adds row by row with float8pl, which raises that
 * error when two finite numbers give an infinite sum; q's sums gives the
 * same running sums, so the flag is exact.  avg (float8_accum) also keeps
 * the Youngs-Cramer sum of squared deviations, which raises the error when
 * it overflows on finite inputs.  That cannot happen while every finite
 * |value| is below 1e140 (the squared deviation step stays below 1e300 for
 * under 2^31 rows), so only above that does q replay float8_accum row by
 * row, with the same double arithmetic.  Nulls are skipped, as aggregates
 * skip them.  colsym is the column's q symbol; the result is palloc'd.
 */
static char *
float_aggregate_flag(const char *colsym, bool avg)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf,
						   "({[x] y:\"f\"$x where not null x; s:sums y; p:-1_0f,s; "
						   "o:any (0w=abs s)&(not 0w=abs p)&not 0w=abs y; ");
	if (avg)
		appendStringInfoString(&buf,
							   "if[(not o)&any 1e140<=abs y where not 0w=abs y; "
							   "o:last {[s;v] if[s 3; :s]; n:1f+s 0; sx:v+s 1; sxx:s 2; e:0b; "
							   "if[0f<s 0; t:(v*n)-sx; sxx:sxx+(t*t)%n*s 0; "
							   "if[(0w=abs sx)|0w=abs sxx; e:(not 0w=abs s 1)&not 0w=abs v; sxx:0n]]; "
							   "if[(0f=s 0)&0w=abs v; sxx:0n]; "
							   "(n;sx;sxx;e)}/[(0f;0f;0f;0b);y]]; ");
	appendStringInfo(&buf,
					 "$[o; 0x02; (any y=0w)&any y=-0w; 0x01; 0x00]};%s)",
					 colsym);
	return buf.data;
}

/* the Var of scanrel under e (through relabelings), or NULL */
static Var *
scan_var(Expr *e, RelOptInfo *scanrel)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	if (e && IsA(e, Var) && ((Var *) e)->varno == scanrel->relid &&
		((Var *) e)->varlevelsup == 0 && ((Var *) e)->varattno > 0)
		return (Var *) e;
	return NULL;
}

/* q symbol text for column attnum of the foreign table */
static char *
column_symbol(Oid relid, AttrNumber attnum)
{
	StringInfoData buf;

	initStringInfo(&buf);
	qipc_append_symbol(&buf, qipc_get_column_name(relid, attnum));
	return buf.data;
}

/*
 * add_aggregate
 *		Add Aggref agg to the upper tlist (once), or return false if it
 *		cannot be pushed.
 */
static bool
add_aggregate(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Oid relid,
			  Aggref *agg, bool grouped)
{
	char	   *colsym = NULL;
	char	   *colname = NULL;
	char		qt = '\0';
	Oid			argtype = InvalidOid;
	char	   *q;
	char	   *aux;
	int			fixkind;
	ListCell   *lc;

	foreach(lc, uinfo->tlist)
	{
		if (equal(((TargetEntry *) lfirst(lc))->expr, agg))
			return true;
	}

	if (list_length(agg->args) > 1)
		return false;
	if (list_length(agg->args) == 1)
	{
		TargetEntry *tle = linitial_node(TargetEntry, agg->args);
		Var		   *var = scan_var(tle->expr, uinfo->scanrel);

		if (var == NULL)
			return false;
		qt = qipc_column_qtype(root, uinfo->scanrel, var->varattno);
		if (qt == '\0')
			return false;
		argtype = exprType((Node *) tle->expr);
		/* declared types must be the natural mapping of the q type */
		switch (qt)
		{
			case 'h':
				if (argtype != INT2OID)
					return false;
				break;
			case 'i':
				if (argtype != INT4OID)
					return false;
				break;
			case 'j':
				if (argtype != INT8OID)
					return false;
				break;
			case 'e':
				if (argtype != FLOAT4OID)
					return false;
				break;
			case 'f':
				if (argtype != FLOAT8OID)
					return false;
				break;
			case 'b':
				if (argtype != BOOLOID)
					return false;
				break;
			case 'g':
				if (argtype != UUIDOID)
					return false;
				break;
			case 'd':
				if (argtype != DATEOID)
					return false;
				break;
			case 'p':
				if (argtype != TIMESTAMPOID && argtype != TIMESTAMPTZOID)
					return false;
				break;
			case 's':
			case 'C':
				if (argtype != TEXTOID && argtype != VARCHAROID)
					return false;
				break;
			default:
				return false;
		}
		colsym = column_symbol(relid, var->varattno);
		colname = get_attname(relid, var->varattno, false);
	}

	q = aggregate_q(agg, colsym, qt, argtype, grouped, &fixkind, &aux);
	if (q == NULL)
		return false;
	uinfo->fixkinds = lappend_int(uinfo->fixkinds, fixkind);
	uinfo->auxexprs = lappend(uinfo->auxexprs, aux ? makeString(aux) : NULL);
	uinfo->auxcols = lappend(uinfo->auxcols,
							 aux && colname ? makeString(colname) : NULL);
	uinfo->auxtypes = lappend(uinfo->auxtypes,
							  aux && colname ? makeString(format_type_be(argtype)) : NULL);
	uinfo->tlist = lappend(uinfo->tlist,
						   makeTargetEntry((Expr *) agg,
										   list_length(uinfo->tlist) + 1,
										   NULL, false));
	uinfo->qexprs = lappend(uinfo->qexprs, makeString(q));
	uinfo->qnames = lappend(uinfo->qnames,
							makeString(psprintf("a%d", list_length(uinfo->qnames) - uinfo->ngroup)));
	return true;
}

/*
 * add_aggregates_of
 *		Add every Aggref in expression e; Vars outside aggregates must be
 *		grouping columns (already in the tlist).
 */
static bool
add_aggregates_of(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Oid relid,
				  Node *e, bool grouped)
{
	List	   *vars = pull_var_clause(e, PVC_INCLUDE_AGGREGATES |
									   PVC_RECURSE_PLACEHOLDERS);
	ListCell   *lc;

	foreach(lc, vars)
	{
		Node	   *n = (Node *) lfirst(lc);

		if (IsA(n, Aggref))
		{
			if (!add_aggregate(root, uinfo, relid, (Aggref *) n, grouped))
				return false;
		}
		else
		{
			ListCell   *l2;
			bool		found = false;
			int			i = 0;

			foreach(l2, uinfo->tlist)
			{
				if (i++ < uinfo->ngroup &&
					equal(((TargetEntry *) lfirst(l2))->expr, n))
					found = true;
			}
			if (!found)
				return false;
		}
	}
	return true;
}

/*
 * result_qtype
 *		The q type letter of result column "expr" of the aggregation (a
 *		grouping column or an Aggref), for the HAVING translation; '\0'
 *		when its values are not plain q values of the declared type: sums
 *		of bigint are numeric in PostgreSQL (two q columns, QIPC_FIX_SUM128),
 *		and float sums and averages may be NaN, which q holds as null
 *		(QIPC_FIX_NAN); HAVING conditions on those are checked locally.
 */
static char
result_qtype(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Expr *expr)
{
	if (IsA(expr, Var))
	{
		Var		   *var = scan_var(expr, uinfo->scanrel);

		return var ? qipc_column_qtype(root, uinfo->scanrel, var->varattno) : '\0';
	}
	if (IsA(expr, Aggref))
	{
		Aggref	   *agg = (Aggref *) expr;
		char	   *name = get_func_name(agg->aggfnoid);
		char		qt = '\0';

		if (list_length(agg->args) == 1)
		{
			Var		   *var = scan_var(linitial_node(TargetEntry, agg->args)->expr,
									   uinfo->scanrel);

			if (var)
				qt = qipc_column_qtype(root, uinfo->scanrel, var->varattno);
		}
		if (name == NULL)
			return '\0';
		if (strcmp(name, "count") == 0)
			return 'j';
		if (strcmp(name, "sum") == 0)
			return (qt == 'h' || qt == 'i') ? 'j' : '\0';
		if (strcmp(name, "avg") == 0)
			return '\0';
		if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0)
			return qt;
		if (strcmp(name, "bool_and") == 0 || strcmp(name, "bool_or") == 0)
			return 'b';
	}
	return '\0';
}

/*
 * upper_sort_column
 *		The position (0-based) in the aggregation's tlist of the expression
 *		that pathkey pk sorts by, if q sorts that result column exactly as
 *		PostgreSQL would; -1 otherwise.  *is_sym tells that the column is a
 *		symbol (null test x=`$"").  Timestamps only as the last key (q
 *		orders nanoseconds that PostgreSQL sees as equal microseconds).
 */
static int
upper_sort_column(PlannerInfo *root, QipcFdwUpperInfo *uinfo, PathKey *pk,
				  bool last, bool *is_sym)
{
	EquivalenceClass *ec = pk->pk_eclass;
	ListCell   *lc;

	*is_sym = false;			/* also when the key cannot be shipped */
	if (ec->ec_has_volatile || !qipc_pathkey_is_ordered(pk))
		return -1;
	foreach(lc, ec->ec_members)
	{
		EquivalenceMember *em = (EquivalenceMember *) lfirst(lc);
		ListCell   *lt;
		int			pos = 0;

		if (em->em_is_const || em->em_is_child)
			continue;
		foreach(lt, uinfo->tlist)
		{
			TargetEntry *tle = (TargetEntry *) lfirst(lt);
			Oid			typid = exprType((Node *) tle->expr);
			Oid			opclass;

			if (!equal(tle->expr, em->em_expr))
			{
				pos++;
				continue;
			}
			/* NaN is q's null: q would sort it with the NULLs */
			if (list_nth_int(uinfo->fixkinds, pos) == QIPC_FIX_NAN)
				return -1;
			opclass = GetDefaultOpClass(typid, BTREE_AM_OID);
			if (!OidIsValid(opclass) ||
				get_opclass_family(opclass) != pk->pk_opfamily)
				return -1;
			*is_sym = false;
			switch (typid)
			{
				case INT2OID:
				case INT4OID:
				case INT8OID:
				case FLOAT4OID:
				case FLOAT8OID:
				case NUMERICOID:
				case DATEOID:
				case BOOLOID:
					return pos;
				case TIMESTAMPOID:
				case TIMESTAMPTZOID:
					return last ? pos : -1;
				case TEXTOID:
				case VARCHAROID:
					/* only symbol group keys; only in "C" */
					if (pos >= uinfo->ngroup ||
						result_qtype(root, uinfo, tle->expr) != 's' ||
						!OidIsValid(ec->ec_collation) ||
						!qipc_collation_is_c(ec->ec_collation))
						return -1;
					*is_sym = true;
					return pos;
				default:
					return -1;
			}
		}
	}
	return -1;
}

/*
 * upper_limit
 *		The number of groups the aggregation may stop after, or -1: as
 *		scan_limit (deparse.c) for a base scan; no HAVING (it is checked
 *		locally, after q).
 */
static int64
upper_limit(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Path *path)
{
	Query	   *parse = root->parse;
	int64		count;
	int64		offset = 0;

	if (parse->limitCount == NULL || parse->limitOption != LIMIT_OPTION_COUNT ||
		!IsA(parse->limitCount, Const) ||
		(parse->limitOffset != NULL && !IsA(parse->limitOffset, Const)) ||
		((Const *) parse->limitCount)->constisnull)
		return -1;
	count = DatumGetInt64(((Const *) parse->limitCount)->constvalue);
	if (parse->limitOffset != NULL && !((Const *) parse->limitOffset)->constisnull)
		offset = DatumGetInt64(((Const *) parse->limitOffset)->constvalue);
	if (count < 0 || offset < 0 || count > PG_INT64_MAX - offset)
		return -1;
	if (parse->distinctClause || parse->hasWindowFuncs ||
		parse->hasTargetSRFs || parse->rowMarks || parse->setOperations ||
		uinfo->local_conds != NIL)
		return -1;
	if (root->sort_pathkeys != NIL &&
		!pathkeys_contained_in(root->sort_pathkeys, path->pathkeys))
		return -1;
	return count + offset;
}

/*
 * add_grouping_path
 *		The aggregation of input_rel into grouped_rel, computed by q.
 */
static void
add_grouping_path(PlannerInfo *root, RelOptInfo *input_rel,
				  RelOptInfo *grouped_rel, GroupPathExtraData *extra)
{
	Query	   *query = root->parse;
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) input_rel->fdw_private;
	PathTarget *target = grouped_rel->reltarget;
	QipcFdwUpperInfo *uinfo;
	RangeTblEntry *rte;
	ListCell   *lc;
	int			i;
	double		rows;
	Cost		startup_cost;
	Cost		total_cost;
	bool		grouped = (query->groupClause != NIL);
	ForeignPath *path;

	/*
	 * A partition's rows are aggregated whole (PARTITIONWISE_AGGREGATE_FULL:
	 * the GROUP BY holds the partition key, so no group spans two
	 * partitions); partial aggregates would need their transition states.
	 */
	if (query->groupingSets || query->hasWindowFuncs ||
		extra->patype == PARTITIONWISE_AGGREGATE_PARTIAL)
		return;
	/* every WHERE condition must be evaluated by q */
	if (fpinfo->local_conds != NIL || fpinfo->topts.table == NULL ||
		fpinfo->topts.query != NULL || fpinfo->topts.function != NULL)
		return;
	rte = planner_rt_fetch(input_rel->relid, root);

	uinfo = palloc0(sizeof(QipcFdwUpperInfo));
	uinfo->scanrel = input_rel;

	/* grouping keys: plain columns of types that q groups like SQL */
	i = 0;
	foreach(lc, target->exprs)
	{
		Expr	   *expr = (Expr *) lfirst(lc);
		Index		sgref = get_pathtarget_sortgroupref(target, i);

		i++;
		if (sgref && get_sortgroupref_clause_noerr(sgref, query->groupClause))
		{
			Var		   *var = scan_var(expr, input_rel);
			char		qt;
			Oid			typid;

			if (var == NULL || !IsA(expr, Var))
				return;
			qt = qipc_column_qtype(root, input_rel, var->varattno);
			typid = var->vartype;
			if (!((qt == 's' && (typid == TEXTOID || typid == VARCHAROID)) ||
				  (qt == 'h' && typid == INT2OID) ||
				  (qt == 'i' && typid == INT4OID) ||
				  (qt == 'j' && typid == INT8OID) ||
				  (qt == 'd' && typid == DATEOID) ||
				  (qt == 'b' && typid == BOOLOID) ||
				  (qt == 'g' && typid == UUIDOID) ||
				  (qt == 'c' && (typid == TEXTOID || typid == VARCHAROID ||
								 typid == BPCHAROID || typid == CHAROID))))
				return;
			if ((qt == 's' || qt == 'c') && OidIsValid(var->varcollid) &&
				!get_collation_isdeterministic(var->varcollid))
				return;
			uinfo->tlist = lappend(uinfo->tlist,
								   makeTargetEntry(expr, list_length(uinfo->tlist) + 1,
												   NULL, false));
			uinfo->qexprs = lappend(uinfo->qexprs,
									makeString(column_symbol(rte->relid, var->varattno)));
			uinfo->qnames = lappend(uinfo->qnames,
									makeString(psprintf("g%d", uinfo->ngroup)));
			uinfo->fixkinds = lappend_int(uinfo->fixkinds, 0);
			uinfo->auxexprs = lappend(uinfo->auxexprs, NULL);
			uinfo->auxcols = lappend(uinfo->auxcols, NULL);
			uinfo->auxtypes = lappend(uinfo->auxtypes, NULL);
			uinfo->ngroup++;
		}
	}
	/* every GROUP BY item must be in the target */
	if (uinfo->ngroup != list_length(query->groupClause))
		return;

	/* aggregates of the target and of HAVING */
	i = 0;
	foreach(lc, target->exprs)
	{
		Expr	   *expr = (Expr *) lfirst(lc);
		Index		sgref = get_pathtarget_sortgroupref(target, i);

		i++;
		if (sgref && get_sortgroupref_clause_noerr(sgref, query->groupClause))
			continue;
		if (!add_aggregates_of(root, uinfo, rte->relid, (Node *) expr, grouped))
			return;
	}
	if (extra->havingQual)
	{
		if (!add_aggregates_of(root, uinfo, rte->relid, extra->havingQual,
							   grouped))
			return;
		uinfo->local_conds = (List *) extra->havingQual;
	}
	if (list_length(uinfo->tlist) == uinfo->ngroup)
		return;					/* no aggregate: nothing to gain */

	/* costs: q does the work next to the data; only groups are shipped */
	if (grouped)
	{
		List	   *groupexprs = get_sortgrouplist_exprs(query->groupClause,
														 query->targetList);

		rows = estimate_num_groups(root, groupexprs, input_rel->rows, NULL,
								   NULL);
	}
	else
		rows = 1;
	startup_cost = fpinfo->startup_cost;
	total_cost = startup_cost + input_rel->rows * cpu_operator_cost * 0.1 +
		rows * (fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost);

	grouped_rel->fdw_private = uinfo;
	path = qipc_create_foreign_upper_path(root, grouped_rel, target, rows,
										  startup_cost, total_cost, NIL, NULL,
										  NIL);
	add_path(grouped_rel, (Path *) path);

	/* the same sorted by the query's ORDER BY, when q can sort it */
	if (root->sort_pathkeys != NIL)
	{
		bool		ok = true;

		foreach(lc, root->sort_pathkeys)
		{
			bool		is_sym;

			if (upper_sort_column(root, uinfo, (PathKey *) lfirst(lc),
								  lnext(root->sort_pathkeys, lc) == NULL,
								  &is_sym) < 0)
				ok = false;
		}
		if (ok)
		{
			/* q sorts the few groups: half of a local sort's comparisons */
			path = qipc_create_foreign_upper_path(root, grouped_rel, target, rows,
												  startup_cost,
												  total_cost + cpu_operator_cost *
												  rows * LOG2(Max(rows, 2.0)),
												  root->sort_pathkeys, NULL, NIL);
			add_path(grouped_rel, (Path *) path);
		}
	}
}

/*
 * qipc_get_foreign_upper_paths
 *		GetForeignUpperPaths callback.
 */
void
qipc_get_foreign_upper_paths(PlannerInfo *root, UpperRelationKind stage,
							 RelOptInfo *input_rel, RelOptInfo *output_rel,
							 void *extra)
{
	if (!qipc_enable_pushdown)
		return;
	if (input_rel->fdw_private == NULL || output_rel->fdw_private != NULL)
		return;
	if (input_rel->reloptkind != RELOPT_BASEREL &&
		input_rel->reloptkind != RELOPT_OTHER_MEMBER_REL)
		return;
	if (stage == UPPERREL_GROUP_AGG)
		add_grouping_path(root, input_rel, output_rel,
						  (GroupPathExtraData *) extra);
}

/*
 * qipc_upper_scan_rel
 *		The foreign table's rel under a pushed-down aggregation's rel.
 */
RelOptInfo *
qipc_upper_scan_rel(RelOptInfo *rel)
{
	return rel->fdw_private ? ((QipcFdwUpperInfo *) rel->fdw_private)->scanrel
		: NULL;
}

/*
 * qipc_get_upper_plan
 *		GetForeignPlan for a pushed-down aggregation: the q select with a by
 *		clause, whose result columns (g0.., a0..) are the fdw_scan_tlist.
 */
ForeignScan *
qipc_get_upper_plan(PlannerInfo *root, RelOptInfo *rel,
					ForeignPath *best_path, List *tlist, List *scan_clauses,
					Plan *outer_plan)
{
	QipcFdwUpperInfo *uinfo = (QipcFdwUpperInfo *) rel->fdw_private;
	RelOptInfo *scanrel = uinfo->scanrel;
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) scanrel->fdw_private;
	StringInfoData buf;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *rejected = NIL;
	List	   *retrieved_attrs = NIL;
	List	   *fixups = NIL;
	List	   *fdw_private;
	ListCell   *lc;
	ListCell   *ln;
	int			i;
	char	   *query;
	char	   *having = NULL;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "?[");
	qipc_append_symbol(&buf, fpinfo->topts.table);
	appendStringInfoChar(&buf, ';');
	qipc_deparse_conditions(root, scanrel, fpinfo->remote_conds, &buf,
							&arg_exprs, &arg_convs, &rejected);
	if (rejected != NIL)
		elog(ERROR, "qipc_fdw: a pushed condition of an aggregation could not be deparsed");
	appendStringInfoChar(&buf, ';');

	/* by: (g0;g1)!(`col;`col) or 0b */
	if (uinfo->ngroup == 0)
		appendStringInfoString(&buf, "0b");
	else
	{
		appendStringInfoChar(&buf, '(');
		for (i = 0; i < uinfo->ngroup; i++)
			appendStringInfo(&buf, "%s`g%d", uinfo->ngroup == 1 ? "enlist " : "", i);
		appendStringInfoString(&buf, ")!(");
		i = 0;
		foreach(lc, uinfo->qexprs)
		{
			if (i >= uinfo->ngroup)
				break;
			appendStringInfo(&buf, "%s%s", i == 0 ? (uinfo->ngroup == 1 ? "enlist " : "") : ";",
							 strVal(lfirst(lc)));
			i++;
		}
		appendStringInfoChar(&buf, ')');
	}
	appendStringInfoChar(&buf, ';');

	/*
	 * aggregates: (`a0`a1`f1)!(expr;expr;aux): aK is the aggregate's value,
	 * fK the hidden column of its fixup, if any (QIPC_FIX_*)
	 */
	{
		List	   *names = NIL;
		List	   *exprs = NIL;
		ListCell   *la;

		i = 0;
		forboth(lc, uinfo->qexprs, la, uinfo->auxexprs)
		{
			int			pos = i++;
			int			k = pos - uinfo->ngroup;
			int			fixkind = list_nth_int(uinfo->fixkinds, pos);

			if (k < 0)
				continue;
			names = lappend(names, psprintf("a%d", k));
			exprs = lappend(exprs, strVal(lfirst(lc)));
			if (fixkind == 0)
				continue;
			names = lappend(names, psprintf("f%d", k));
			exprs = lappend(exprs, strVal(lfirst(la)));
			fixups = lappend(fixups,
							 list_make5(makeInteger(fixkind),
										makeInteger(pos + 1),
										makeString(psprintf("f%d", k)),
										list_nth(uinfo->auxcols, pos) ?
										list_nth(uinfo->auxcols, pos) :
										makeString("?"),
										list_nth(uinfo->auxtypes, pos) ?
										list_nth(uinfo->auxtypes, pos) :
										makeString("?")));
		}
		appendStringInfoChar(&buf, '(');
		if (list_length(names) == 1)
			appendStringInfoString(&buf, "enlist ");
		foreach(lc, names)
			appendStringInfo(&buf, "`%s", (char *) lfirst(lc));
		appendStringInfoString(&buf, ")!(");
		if (list_length(exprs) == 1)
			appendStringInfoString(&buf, "enlist ");
		foreach(lc, exprs)
			appendStringInfo(&buf, "%s%s", lc == list_head(exprs) ? "" : ";",
							 (char *) lfirst(lc));
		appendStringInfoString(&buf, ")]");
	}

	/* HAVING: the conditions q can evaluate filter the groups in q */
	if (uinfo->local_conds != NIL)
	{
		StringInfoData hb;
		char	   *qtypes = palloc0(list_length(uinfo->tlist) + 1);
		List	   *still_local = NIL;

		i = 0;
		foreach(lc, uinfo->tlist)
			qtypes[i++] = result_qtype(root, uinfo,
									   ((TargetEntry *) lfirst(lc))->expr);
		initStringInfo(&hb);
		qipc_deparse_upper_conditions(root, scanrel, uinfo->tlist,
									  uinfo->qnames, qtypes,
									  uinfo->local_conds, &hb, &arg_exprs,
									  &arg_convs, &still_local);
		if (list_length(still_local) < list_length(uinfo->local_conds))
			having = hb.data;
		uinfo->local_conds = still_local;
	}

	/* ORDER BY and LIMIT over the groups */
	{
		List	   *pathkeys = best_path->path.pathkeys;
		int64		limit = upper_limit(root, uinfo, &best_path->path);
		int			limit_arg = -1;

		if (limit >= 0 && list_length(arg_exprs) < 8)
		{
			arg_exprs = lappend(arg_exprs,
								makeConst(INT8OID, -1, InvalidOid, 8,
										  Int64GetDatum(limit), false, true));
			arg_convs = lappend_int(arg_convs, QIPC_CONV_NATURAL);
			limit_arg = list_length(arg_exprs) - 1;
		}
		if (pathkeys != NIL || limit_arg >= 0 || having != NULL)
		{
			StringInfoData sb;
			List	   *rev = NIL;

			initStringInfo(&sb);
			appendStringInfo(&sb, "t:0!%s", buf.data);
			if (having != NULL)
				appendStringInfo(&sb, "; t:?[t;%s;0b;()]", having);
			if (pathkeys != NIL || limit_arg >= 0)
				appendStringInfoString(&sb, "; i:til count t");
			foreach(lc, pathkeys)
				rev = lcons(lfirst(lc), rev);
			foreach(lc, rev)
			{
				PathKey    *pk = (PathKey *) lfirst(lc);
				bool		is_sym;
				bool		desc = qipc_pathkey_is_desc(pk);
				int			pos = upper_sort_column(root, uinfo, pk,
													lc == list_head(rev),
													&is_sym);
				const char *nulltest = is_sym ? "(k=`$\"\")" : "(null k)";

				if (pos < 0)
					elog(ERROR, "qipc_fdw: pathkey checked as shippable cannot be deparsed");
				/* a two-part sum: the low part first, stable passes */
				if (list_nth_int(uinfo->fixkinds, pos) == QIPC_FIX_SUM128)
					appendStringInfo(&sb, "; k:t[`f%d] i; i:i %s k",
									 pos - uinfo->ngroup,
									 desc ? "idesc" : "iasc");
				appendStringInfo(&sb, "; k:t[`%s] i; i:i %s k",
								 strVal(list_nth(uinfo->qnames, pos)),
								 desc ? "idesc" : "iasc");
				if (!desc && !pk->pk_nulls_first)
					appendStringInfo(&sb, "; i:i iasc %s iasc k", nulltest);
				else if (desc && pk->pk_nulls_first)
					appendStringInfo(&sb, "; i:i iasc not %s idesc k", nulltest);
			}
			if (limit_arg >= 0)
				appendStringInfo(&sb, "; i:a%d sublist i", limit_arg);
			appendStringInfoString(&sb, (pathkeys != NIL || limit_arg >= 0) ?
								   "; t i" : "; t");
			if (arg_exprs == NIL)
			{
				resetStringInfo(&buf);
				appendStringInfo(&buf, "{[] %s}[]", sb.data);
			}
			else
			{
				resetStringInfo(&buf);
				appendStringInfoString(&buf, sb.data);
			}
		}
	}

	query = qipc_wrap_lambda(buf.data, list_length(arg_exprs));

	i = 1;
	forboth(lc, uinfo->tlist, ln, uinfo->qnames)
		retrieved_attrs = lappend_int(retrieved_attrs, i++);

	fdw_private = list_make5(makeString(query), retrieved_attrs,
							 uinfo->qnames, arg_convs,
							 makeString(qipc_display_query(query, arg_exprs,
														   arg_convs)));
	if (fixups != NIL)
		fdw_private = lappend(fdw_private, fixups);

	return make_foreignscan(tlist,
							uinfo->local_conds,
							0,
							arg_exprs,
							fdw_private,
							uinfo->tlist,
							NIL,
							outer_plan);
}
