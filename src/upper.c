/*-------------------------------------------------------------------------
 *
 * upper.c
 *		  Upper-relation pushdown for qipc_fdw: aggregates with GROUP BY
 *		  and HAVING computed by q (GetForeignUpperPaths), with ORDER BY
 *		  and LIMIT over the groups.
 *
 * An aggregation over one foreign table is pushed when every WHERE
 * condition was pushed (deparse.c), every grouping key is a plain column of
 * a type q groups exactly as PostgreSQL does or a time bucket of one
 * (group_key_q: date_trunc, ::date), and every aggregate has an exact q
 * translation.  GROUP BY without aggregates and SELECT DISTINCT are the
 * same grouping with no aggregate: only the groups are shipped.  q then answers with a keyed table (group keys, then
 * aggregates) that the scan decodes like any other result.  HAVING
 * conditions are translated like WHERE conditions (deparse.c, over the
 * result columns g0.. a0..) and filter the groups in q; the others are
 * checked locally on the (few) groups, by the ForeignScan's qual.  ORDER BY
 * and LIMIT over the groups are done in q too (q sublist, never #).
 *
 * kdb+ answers a select on a partitioned table by map-reduce over the
 * partitions, and combines only its built-in aggregates (count, sum, min,
 * max, avg, ...) applied to per-row expressions; an aggregate wrapped in a
 * lambda is evaluated per partition and the results joined (one row per
 * partition, lists per group).  So every aggregate is sent as built-ins over
 * per-row expressions, and where q and SQL disagree the SQL value is made
 * from more built-in aggregates in the same select, combined by a q update
 * on the reduced result (so it holds for a partitioned table too):
 *	- count(x) counts non-nulls: sum "j"$not null x (a sum of booleans is a
 *	  q int, which would wrap above 2^31-1);
 *	- sum/min/max of an empty or all-null group are NULL in SQL (q gives 0,
 *	  0W, -0W): max x < min x tells it (see aggregate_q);
 *	- sum(smallint/integer) is bigint: sum "j"$x (no overflow below 2^31
 *	  rows); sum(bigint) is numeric, beyond 64 bits: the update splits q's
 *	  sum into the high part (result column) and the low part in [0, 2^32)
 *	  (hidden column), and the scan computes high * 2^32 + low exactly
 *	  (QIPC_FIX_SUM128, qipc_fdw.h); a group whose sum could overflow 64
 *	  bits is summed again in parts from its rows (recompute_q);
 *	- a sum over a q integer infinity (0W, -0W) raises error 22003, as a
 *	  plain scan raises when it reads that value: max x or min x shows it
 *	  (QIPC_FIX_INF, and the null low part of QIPC_FIX_SUM128);
 *	- float sum and avg (avg is sum over the non-null count, as PostgreSQL
 *	  computes it): see aggregate_q for NaN, infinities and overflow
 *	  (QIPC_FIX_NAN); HAVING and ORDER BY on them are evaluated locally;
 *	- avg of integers is numeric in SQL: the exact sum as for sum(bigint)
 *	  and the non-null count, divided by the scan as PostgreSQL divides
 *	  (QIPC_FIX_AVG128); min/max of text stay local;
 *	- bool_and/bool_or only with GROUP BY (q booleans have no NULL for an
 *	  empty input), count(DISTINCT x) only for integers, symbols, dates,
 *	  booleans, uuids; neither on a partitioned table (kdb+ does not combine
 *	  them across partitions).
 * HAVING, ORDER BY and LIMIT apply to the reduced result, so they are exact
 * on a partitioned table too.
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
#include "parser/scansup.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/selfuncs.h"

#include "qipc_fdw.h"

#define LOG2(x)  (log(x) / 0.693147180559945)

/* share of the plain scan's cost a pushed aggregation is discounted by */
#define QIPC_PUSHED_AGG_DISCOUNT	0.02
/* q's cost per row of a group key or aggregate, in cpu_operator_cost */
#define QIPC_Q_AGG_ROW_SHARE		0.1

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
	bool		partitioned;	/* the table has partition_column */
	bool		partial;		/* partial aggregation of one partition of a
								 * PostgreSQL partitioned table: transition
								 * states, no HAVING, ORDER BY or LIMIT */
	List	   *local_conds;	/* HAVING, checked locally (Exprs) */
	List	   *fixkinds;		/* IntList per tlist entry: QIPC_FIX_* or 0 */
	List	   *auxexprs;		/* String per tlist entry: q parse tree of its
								 * hidden column, or NULL */
	List	   *auxcols;		/* String per tlist entry: local name of the
								 * aggregated column, or NULL */
	List	   *auxtypes;		/* String per tlist entry: its type's name, or
								 * NULL */
	List	   *extras;			/* List per tlist entry: more q result columns
								 * (name, parse tree, ...), or NIL */
	List	   *posts;			/* char * per tlist entry: q update clauses
								 * over the reduced result, or NULL */
	List	   *recomputes;		/* IntList per tlist entry: AggQ.recompute */
	List	   *colsyms;		/* char * per tlist entry: the aggregated
								 * column's q symbol, or NULL */
	List	   *keypres;		/* char * per group key: QipcExpr.prekey */
	List	   *keymaps;		/* char * per group key: QipcExpr.keymap */
	List	   *keyclashes;		/* char * per group key: QipcExpr.keyclash */
	List	   *keychecks;		/* char * per group key: q statements setting
								 * the QIPC_FIX_RANGE flag of an arithmetic
								 * key, or NULL */
	List	   *hzrecs;			/* List per tlist entry: the error and NaN
								 * hazard trees of a float sum's argument
								 * checked by group (recompute_hz_q), or
								 * NIL */

	/*
	 * Value expressions as keys or aggregate arguments (expr.c): their
	 * constants are scan arguments numbered after the nwhere arguments of
	 * the WHERE conditions (deparsed first, the same way at plan time).
	 */
	int			nwhere;
	bool		hazardous;		/* an aggregate flags error rows: no HAVING
								 * or LIMIT in q */
	List	   *xargs;			/* Exprs */
	List	   *xconvs;			/* IntList: QIPC_CONV_* */
} QipcFdwUpperInfo;


/*
 * The q of one pushed aggregate: built-in aggregates over per-row
 * expressions (which kdb+ combines across the partitions of a partitioned
 * table), then, on the reduced result, a q update that combines them into
 * the SQL value and the hidden fixup column.
 */
typedef struct AggQ
{
	char	   *value;			/* parse tree of result column aK */
	List	   *extra;			/* more result columns: name, tree, name, ... */
	char	   *post;			/* update clauses over the reduced result */
	int			recompute;		/* recompute_q's kind, or 0 */
	int			fixkind;		/* QIPC_FIX_* or 0 */
} AggQ;

/* q null test parse tree of column X of meta type qt (as in deparse.c) */
static char *
null_tree(char qt, const char *X)
{
	return qt == 's' ? psprintf("(=;%s;(enlist`$\"\"))", X) :
		psprintf("(null;%s)", X);
}

/* the non-null count of X as a long: q's sum of booleans is an int */
static char *
nonnull_count(char qt, const char *X)
{
	return psprintf("(sum;($;\"j\";(not;%s)))", null_tree(qt, X));
}

/*
 * aggregate_q
 *		The q computing Aggref "agg" over column X (q symbol text) of meta
 *		type qt as the k-th aggregate, in *out; false if it cannot be pushed
 *		exactly.  On a partitioned table only aggregates that kdb+ combines
 *		across partitions are used.
 *
 * q's max and min skip nulls and give -0W and 0W (of the type) for no
 * value, so "max x < min x" tells a group without a non-null value, and
 * max/min also show a q infinity and bound |x|: two cheap built-ins stand
 * for a non-null count, an infinity test and a max abs.
 */
static bool
aggregate_q(Aggref *agg, const char *X, char qt, Oid argtype,
			bool grouped, bool partitioned, int k, AggQ *out)
{
	char	   *name;

	memset(out, 0, sizeof(*out));

	if (agg->aggfnoid >= FirstGenbkiObjectId || agg->aggorder != NIL ||
		agg->aggfilter != NULL || agg->aggvariadic ||
		agg->aggkind != AGGKIND_NORMAL ||
		(agg->aggsplit != AGGSPLIT_SIMPLE &&
		 agg->aggsplit != AGGSPLIT_INITIAL_SERIAL))
		return false;
	name = get_func_name(agg->aggfnoid);
	if (name == NULL)
		return false;

	/* a partial aggregate delivers its transition state (partial.c) */
	if (agg->aggsplit == AGGSPLIT_INITIAL_SERIAL)
	{
		switch (qipc_partial_state_kind(agg, name, argtype))
		{
			case QIPC_PARTIAL_STATE_VALUE:
				break;			/* the state is the value below */
			case QIPC_PARTIAL_STATE_AVG_PAIR:
				qipc_partial_avg_pair_q(X, qt, k, &out->value, &out->extra,
										&out->post);
				out->fixkind = QIPC_FIX_INF;
				return true;
			default:
				return false;
		}
	}

	/* count(*): count i is combined (added up) across partitions */
	if (agg->aggstar)
	{
		if (strcmp(name, "count") != 0)
			return false;
		out->value = pstrdup("(count;`i)");
		return true;
	}
	if (X == NULL)
		return false;

	if (agg->aggdistinct != NIL)
	{
		/* distinct values cannot be added up across partitions */
		if (partitioned || strcmp(name, "count") != 0 ||
			!(qt == 'h' || qt == 'i' || qt == 'j' || qt == 's' ||
			  qt == 'd' || qt == 'b' || qt == 'g'))
			return false;
		if (qt == 'b')
			out->value = psprintf("(count;(distinct;%s))", X);
		else
			out->value = psprintf("(count;(distinct;(@;%s;(where;(not;%s)))))",
								  X, null_tree(qt, X));
		return true;
	}

	if (strcmp(name, "count") == 0)
	{
		if (qt == 'b' || qt == 'C')
			out->value = psprintf("(count;%s)", X);	/* no nulls */
		else
			out->value = nonnull_count(qt, X);
		return true;
	}

	if (strcmp(name, "sum") == 0)
	{
		/*
		 * Integer infinities (0W...) cannot be read into PostgreSQL (a plain
		 * scan raises error 22003), so a sum over one raises that error too
		 * (QIPC_FIX_INF, QIPC_FIX_SUM128) rather than adding 2^31-1 or
		 * 2^63-1: max x or min x is one.
		 */
		if ((qt == 'h' || qt == 'i') &&
			(argtype == INT2OID || argtype == INT4OID))
		{
			/* bigint in SQL: q longs cannot overflow below 2^31 rows */
			out->value = psprintf("(sum;($;\"j\";%s))", X);
			out->extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", X),
									psprintf("y%d", k), psprintf("(min;%s)", X));
			out->post = psprintf("f%d:(x%d=0W%c)|y%d=-0W%c,a%d:?[x%d<y%d;0N;a%d]",
								 k, k, qt, k, qt, k, k, k, k);
			out->fixkind = QIPC_FIX_INF;
			return true;
		}
		if (qt == 'j' && argtype == INT8OID)
		{
			/*
			 * numeric in SQL, beyond 64 bits.  While the group's row count
			 * times its largest |x| stays below 9e18, q's long sum cannot
			 * overflow and stands; the update splits it into a high part
			 * (x div 2^32, result column) and a low part in [0, 2^32)
			 * (hidden column), which the scan combines exactly as high *
			 * 2^32 + low, and which sort like the value.  Beyond that bound
			 * (uK) the same request fetches the group's values with a plain
			 * select and sums their high and low parts apart (recompute_q).
			 * The low part is null when an infinity was summed.
			 */
			out->value = psprintf("(sum;%s)", X);
			out->extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", X),
									psprintf("y%d", k), psprintf("(min;%s)", X));
			out->extra = lappend(lappend(out->extra, psprintf("c%d", k)),
								 pstrdup("(count;`i)"));
			out->post = psprintf("f%d:?[(x%d=0W)|y%d=-0W;0N;a%d mod 4294967296],"
								 "u%d:(not x%d<y%d)&(not (x%d=0W)|y%d=-0W)&9e18<=(\"f\"$c%d)*\"f\"$(abs x%d)|abs y%d,"
								 "a%d:?[x%d<y%d;0N;a%d div 4294967296]",
								 k, k, k, k,
								 k, k, k, k, k, k, k, k,
								 k, k, k, k);
			out->recompute = 3;
			out->fixkind = QIPC_FIX_SUM128;
			return true;
		}
		if (qt == 'f' && argtype == FLOAT8OID)
		{
			out->value = psprintf("(sum;%s)", X);
			out->recompute = 1;
		}
		else
			return false;		/* sum(real) is summed in real: keep local */
	}
	else if (strcmp(name, "avg") == 0 &&
			 ((qt == 'h' && argtype == INT2OID) ||
			  (qt == 'i' && argtype == INT4OID) ||
			  (qt == 'j' && argtype == INT8OID)))
	{
		/*
		 * avg of integers is numeric in SQL: the exact sum, delivered as
		 * for sum(bigint) in a high part (result column) and a low part in
		 * [0, 2^32) (hidden column), and the non-null count n, divided by
		 * the scan as PostgreSQL divides (numeric_div); NULL without a
		 * value; error 22003 over a q infinity (max x or min x is one: the
		 * low part is null).  The sum is q's plain sum, over longs for
		 * smallint and integer (no overflow: n times 2^31 stays below 2^63
		 * for any n a table holds); for bigint it stands while n times the
		 * largest |x| stays below 9e18 (no running sum can overflow in any
		 * order), and beyond that (uK) the same request sums the group's
		 * high and low parts apart from its rows (recompute_q), as for
		 * sum(bigint).  Extra aggregates: x (max) and y (min) for the
		 * infinity test and the bound, n for the divisor and the bound.
		 */
		out->value = qt == 'j' ? psprintf("(sum;%s)", X) :
			psprintf("(sum;($;\"j\";%s))", X);
		out->extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", X),
								psprintf("y%d", k), psprintf("(min;%s)", X));
		out->extra = lappend(lappend(out->extra, psprintf("n%d", k)),
							 nonnull_count(qt, X));
		if (qt == 'j')
		{
			out->post = psprintf("f%d:?[(x%d=0W)|y%d=-0W;0N;a%d mod 4294967296],"
								 "u%d:(not 0=n%d)&(not (x%d=0W)|y%d=-0W)&9e18<=(\"f\"$n%d)*\"f\"$(abs x%d)|abs y%d,"
								 "a%d:?[0=n%d;0N;a%d div 4294967296]",
								 k, k, k, k,
								 k, k, k, k, k, k, k,
								 k, k, k);
			out->recompute = 3;
		}
		else
			out->post = psprintf("f%d:?[(x%d=0W%c)|y%d=-0W%c;0N;a%d mod 4294967296],"
								 "a%d:?[0=n%d;0N;a%d div 4294967296]",
								 k, k, qt, k, qt, k,
								 k, k, k);
		out->fixkind = QIPC_FIX_AVG128;
		return true;
	}
	else if (strcmp(name, "avg") == 0)
	{
		if ((qt == 'e' && argtype == FLOAT4OID) ||
			(qt == 'f' && argtype == FLOAT8OID))
		{
			if (qt == 'e')
				X = psprintf("($;\"f\";%s)", X);
			out->value = psprintf("(sum;%s)", X);
			out->recompute = 2;
		}
		else
			return false;		/* avg of integers is numeric: keep local */
	}
	else if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0)
	{
		bool		ismin = (strcmp(name, "min") == 0);

		if (!(qt == 'h' || qt == 'i' || qt == 'j' || qt == 'e' ||
			  qt == 'f' || qt == 'd' || qt == 'p'))
			return false;
		/* no value left: the other one passed it; then the type's null */
		out->value = psprintf("(%s;%s)", name, X);
		out->extra = list_make2(psprintf("x%d", k),
								psprintf("(%s;%s)", ismin ? "max" : "min", X));
		out->post = ismin ?
			psprintf("a%d:?[x%d<a%d;first 0#a%d;a%d]", k, k, k, k, k) :
			psprintf("a%d:?[a%d<x%d;first 0#a%d;a%d]", k, k, k, k, k);
		return true;
	}
	else if ((strcmp(name, "stddev") == 0 || strcmp(name, "stddev_samp") == 0 ||
			  strcmp(name, "stddev_pop") == 0 || strcmp(name, "variance") == 0 ||
			  strcmp(name, "var_samp") == 0 || strcmp(name, "var_pop") == 0) &&
			 ((qt == 'f' && argtype == FLOAT8OID) ||
			  (qt == 'e' && argtype == FLOAT4OID)) && !partitioned)
	{
		/*
		 * Variances of double precision (and of real, which float4_accum
		 * widens to double first).  PostgreSQL accumulates Youngs-Cramer's
		 * sum of squared deviations Sxx in row order; q computes the same
		 * quantity in the numerically sound two-pass form, the sum of the
		 * squared deviations from the group's mean (sum d*d, d:x-avg x, in
		 * one select: avg inside the per-group expression), so the two
		 * agree to the last bits, like float sums (kdb+ cannot combine
		 * that across partitions: not on a partitioned table unless one
		 * partition is pinned).  Then Sxx%(n-1) (samples) or Sxx%n
		 * (population), sqrt for the standard deviations, NULL for fewer
		 * than two values (samples) or none (population), as
		 * float8_var_samp and the others give.  A group holding an
		 * infinity (NaN or, first in row order, the overflow error) or a
		 * value of 1e140 or more (Sxx may overflow, depending on the row
		 * order) is marked 3 in fK, and its values are fetched and
		 * accumulated again in row order by float8_accum's steps
		 * (recompute_q), which gives PostgreSQL's value, NaN (fK 1) or the
		 * overflow error (fK 2).
		 */
		bool		samp = (strcmp(name, "stddev_pop") != 0 &&
							strcmp(name, "var_pop") != 0);
		bool		sd = (strncmp(name, "stddev", 6) == 0);
		char	   *D;

		if (qt == 'e')
			X = psprintf("($;\"f\";%s)", X);
		D = psprintf("(-;%s;(avg;%s))", X, X);
		out->value = psprintf("(sum;(*;%s;%s))", D, D);
		out->extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", X),
								psprintf("y%d", k), psprintf("(min;%s)", X));
		out->extra = lappend(lappend(out->extra, psprintf("n%d", k)),
							 nonnull_count('f', X));
		out->post = psprintf("f%d:?[n%d<=%d;0x00;?[(x%d=0w)|(y%d=-0w)|1e140<=(abs x%d)|abs y%d;0x03;0x00]],"
							 "a%d:?[n%d<=%d;0n;%s(a%d%%%s)]",
							 k, k, samp ? 1 : 0, k, k, k, k,
							 k, k, samp ? 1 : 0, sd ? "sqrt " : "", k,
							 samp ? psprintf("-1+n%d", k) : psprintf("n%d", k));
		out->recompute = (samp ? 4 : 5) + (sd ? 2 : 0);
		out->fixkind = QIPC_FIX_NAN;
		return true;
	}
	else if ((strcmp(name, "bool_and") == 0 || strcmp(name, "bool_or") == 0) &&
			 qt == 'b' && grouped && !partitioned)
	{
		out->value = psprintf("(%s;%s)",
							  strcmp(name, "bool_and") == 0 ? "all" : "any", X);
		return true;
	}
	else
		return false;

	/*
	 * Float sum and avg.  q's sum may add in another order than PostgreSQL
	 * (kdb+ adds in SIMD lanes and in chunks), so the last bits may differ,
	 * as with PostgreSQL's own parallel aggregation.  What must not differ:
	 * NULL for no value; NaN when +inf and -inf were both summed (q's NaN is
	 * its null, which reads back as NULL: the hidden byte fK says 1); the
	 * error "value out of range: overflow" that float8pl raises when two
	 * finite numbers give an infinite running sum (fK 2), and no infinity
	 * from q's order where PostgreSQL's stays finite.  max x and min x (and
	 * the row count) bound every running sum: while the row count times
	 * the largest |x| stays below 1e308, none can overflow in any order,
	 * and q's sum stands.  For avg, float8_accum's sum of squared
	 * deviations can also overflow; that cannot happen while every |x| is
	 * below 1e140 (the squared deviation step stays below 1e300 for under
	 * 2^31 rows).  Beyond those bounds, and for groups holding an infinity
	 * (rare: which comes first in row order decides between an infinity
	 * and the overflow error), fK is 3: the same request fetches that
	 * group's values with a plain select and replays PostgreSQL's row-order
	 * accumulation in q (recompute_q).
	 */
	out->extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", X),
							psprintf("y%d", k), psprintf("(min;%s)", X));
	if (out->recompute == 2)
		out->extra = lappend(lappend(out->extra, psprintf("n%d", k)),
							 nonnull_count('f', X));
	else
		out->extra = lappend(lappend(out->extra, psprintf("n%d", k)),
							 pstrdup("(count;`i)"));
	out->post = psprintf("f%d:?[x%d<y%d;0x00;?[(x%d=0w)|(y%d=-0w)|%s(9e307<=(\"f\"$n%d)*(abs x%d)|abs y%d);0x03;0x00]],"
						 "a%d:?[x%d<y%d;0n;a%d%s]",
						 k, k, k, k, k,
						 out->recompute == 2 ?
						 psprintf("(1e140<=(abs x%d)|abs y%d)|", k, k) : "",
						 k, k, k,
						 k, k, k, k,
						 out->recompute == 2 ? psprintf("%%n%d", k) : "");
	out->fixkind = QIPC_FIX_NAN;
	return true;
}

/*
 * recompute_q
 *		q statements that recompute, in the reduced result t, aggregate aK
 *		for the groups whose built-in result cannot be trusted (see
 *		aggregate_q): each such group's non-null values are fetched by a
 *		plain select (the where subphrases w plus one = per group key; a
 *		plain select is answered row by row on partitioned tables too).
 *		Float sum (kind 1) and avg (kind 2), groups marked 3 in fK: the
 *		values are accumulated in row order, as PostgreSQL's float8pl and
 *		float8_accum do with the same double arithmetic; fK becomes 2 where
 *		they would raise the overflow error, 1 for NaN, 0 otherwise.
 *		bigint sum (kind 3), groups marked in uK: the high and low 32-bit
 *		parts are summed apart.  Variances (kinds 4 to 7: var_samp,
 *		var_pop, stddev_samp, stddev_pop), groups marked 3 in fK: Sxx by
 *		float8_accum's steps, then the final function.  tbl is the table's q symbol, keycols the
 *		group keys' source columns (q symbol list text, or "()"), keynames
 *		the result's key columns (likewise).
 */
/*
 * recompute_tail
 *		The end of a recompute request (recompute_q, recompute_hz_q): the
 *		function just written applied to the where-phrase of each marked
 *		group r (the pushed conditions w, and one equality per grouping key
 *		with the group's key value, a symbol enlisted so that it is not
 *		read as a column name), and the results written back into the
 *		group's value a<k> and marker f<k>.
 */
static void
recompute_tail(StringInfo b, int k, const char *keycols, const char *keynames,
			   int ngroup)
{
	if (ngroup == 0)
		appendStringInfoString(b, "(count r)#enlist w; ");
	else
		appendStringInfo(b, "{[w;kc;kv] w,{(=;x;$[-11h=type y;enlist y;y])}'[kc;kv]}[w;%s] each (flip t %s) r; ",
						 keycols, keynames);
	appendStringInfo(b, "x:t`a%d; x[r]:first each v; y:t`f%d; y[r]:last each v; "
					 "t:update f%d:y, a%d:x from t]", k, k, k, k);
}

/*
 * float8_accum's steps over the float vector y in row order, as a q
 * expression: (N; Sx; Sxx; overflow) after the last value, or after the
 * value where float8_accum raises the overflow error (then overflow is 1b).
 * Sxx is NaN (q's null) once an infinity was accumulated, as there.
 */
#define ACCUM_REPLAY \
	"{[s;v] if[s 3; :s]; n:1f+s 0; sx:v+s 1; sxx:s 2; e:0b; " \
	"if[0f<s 0; t:(v*n)-sx; sxx:sxx+(t*t)%n*s 0; " \
	"if[(0w=abs sx)|0w=abs sxx; e:(not 0w=abs s 1)&not 0w=abs v; sxx:0n]]; " \
	"if[(0f=s 0)&0w=abs v; sxx:0n]; " \
	"(n;sx;sxx;e)}/[(0f;0f;0f;0b);y]"

static char *
recompute_q(int k, const char *X, int kind, const char *tbl,
			const char *keycols, const char *keynames, int ngroup)
{
	StringInfoData b;

	initStringInfo(&b);
	if (kind == 3)
		appendStringInfo(&b, "; r:where t`u%d; if[count r; ", k);
	else
		appendStringInfo(&b, "; r:where 0x03=t`f%d; if[count r; ", k);
	/*
	 * A value expression's tree (not a plain column) comes in as the
	 * parameter e: it may refer to the request's arguments, which a nested
	 * lambda does not see
	 */
	if (strchr(X, '(') != NULL)
		appendStringInfo(&b, "v:{[c;e] y:(?[%s;c;0b;(enlist`y)!enlist e])`y; "
						 "y:y where not null y; ",
						 tbl);
	else
		appendStringInfo(&b, "v:{[c] y:(?[%s;c;0b;(enlist`y)!enlist %s])`y; "
						 "y:y where not null y; ",
						 tbl, X);
	if (kind == 3)
		appendStringInfoString(&b, "l:sum y mod 4294967296; "
							   "((sum y div 4294967296)+l div 4294967296; l mod 4294967296)}");
	else if (kind >= 4)
	{
		/* variances: float8_accum's steps, then the final function */
		appendStringInfo(&b, "y:\"f\"$y; s:%s; n:s 0; "
						 "$[s 3; (0n;0x02); n<=%d; (0n;0x00); null s 2; (0n;0x01); "
						 "(%s(s 2)%%n-%d;0x00)]}",
						 ACCUM_REPLAY,
						 (kind == 4 || kind == 6) ? 1 : 0,
						 kind >= 6 ? "sqrt " : "",
						 (kind == 4 || kind == 6) ? 1 : 0);
	}
	else
	{
		appendStringInfoString(&b, "y:\"f\"$y; s:sums y; p:-1_0f,s; "
							   "o:any (0w=abs s)&(not 0w=abs p)&not 0w=abs y; ");
		if (kind == 2)
			appendStringInfo(&b,
							 "if[(not o)&any 1e140<=abs y where not 0w=abs y; "
							 "o:last %s]; ", ACCUM_REPLAY);
		appendStringInfo(&b, "(%s; $[o; 0x02; (any y=0w)&any y=-0w; 0x01; 0x00])}",
						 kind == 2 ? "(last s)%count y" : "last s");
	}
	if (strchr(X, '(') != NULL)
		appendStringInfo(&b, "[;%s]", X);
	appendStringInfoString(&b, " each ");
	recompute_tail(&b, k, keycols, keynames, ngroup);
	return b.data;
}

/*
 * recompute_hz_q
 *		As recompute_q for a float sum (kind 1) or avg (kind 2) over value
 *		expression X whose hazards are checked by group (add_aggregate):
 *		for each group marked 3 in fK, the group's rows are selected with
 *		X and its hazard trees hz (error, NaN).  A row where PostgreSQL
 *		raises (22003) marks the group 2; otherwise the values are summed
 *		in row order up to the first NaN, as float8pl and float8_accum do
 *		(2 where they overflow), and a NaN row or +inf with -inf marks the
 *		group 1; else the sum (or average) stands with 0.
 */
static char *
recompute_hz_q(int k, const char *X, List *hz, int kind, const char *tbl,
			   const char *keycols, const char *keynames, int ngroup)
{
	StringInfoData b;
	const char *he = (const char *) linitial(hz);
	const char *hn = (const char *) lsecond(hz);
	bool		has_he = strcmp(he, "0b") != 0;
	bool		has_hn = strcmp(hn, "0b") != 0;

	/* a hazard tree that is never true is left out (no atom columns) */
	initStringInfo(&b);
	appendStringInfo(&b, "; r:where 0x03=t`f%d; if[count r; ", k);
	appendStringInfo(&b, "v:{[c;e;he;hn] r:?[%s;c;0b;(%s`y%s%s)!(%se%s%s)]; ",
					 tbl, has_he || has_hn ? "" : "enlist ",
					 has_he ? "`h" : "", has_hn ? "`n" : "",
					 has_he || has_hn ? "" : "enlist ",
					 has_he ? ";he" : "", has_hn ? ";hn" : "");
	if (has_he)
		appendStringInfoString(&b, "if[any r`h; :(0n;0x02)]; ");
	appendStringInfo(&b, "m:%s; "
					 "y:m#r`y; y:\"f\"$y where not null y; "
					 "s:sums y; p:-1_0f,s; "
					 "o:any (0w=abs s)&(not 0w=abs p)&not 0w=abs y; ",
					 has_hn ? "$[any r`n; first where r`n; count r`y]" : "count r`y");
	if (kind == 2)
		appendStringInfo(&b,
						 "if[(not o)&any 1e140<=abs y where not 0w=abs y; "
						 "o:last %s]; ", ACCUM_REPLAY);
	appendStringInfo(&b, "$[o; (0n;0x02); m<count r`y; (0n;0x01); "
					 "0=count y; (0n;0x00); (any y=0w)&any y=-0w; (0n;0x01); "
					 "(%s;0x00)]}[;%s;%s;%s] each ",
					 kind == 2 ? "(last s)%count y" : "last s",
					 X, he, hn);
	recompute_tail(&b, k, keycols, keynames, ngroup);
	return b.data;
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
 * Value expressions (expr.c) as grouping keys and aggregate arguments.
 * Only expressions without hazard rows are pushed here: their q values are
 * PostgreSQL's on every row (an expression that raises an error or makes
 * NaN for some row has no q value there to group or aggregate).  The
 * partition column never appears inside one.
 */
typedef struct UpperExprState
{
	PlannerInfo *root;
	QipcFdwUpperInfo *uinfo;
	Oid			relid;
	const char *partcol;
	int			k;				/* group checks for aggregate k, or -1 */
	List	   *leaves;			/* group checks: column symbol, q type (as a
								 * one-letter string) per column read */
	bool		key;			/* k is a grouping key's number */
} UpperExprState;

static char
upper_expr_column(void *arg, Var *var, char **sym)
{
	UpperExprState *st = (UpperExprState *) arg;

	if (st->partcol != NULL &&
		strcmp(qipc_get_column_name(st->relid, var->varattno), st->partcol) == 0)
		return '\0';
	*sym = column_symbol(st->relid, var->varattno);
	return qipc_column_qtype(st->root, st->uinfo->scanrel, var->varattno);
}

static int
upper_expr_add_arg(void *arg, Expr *value, int conv)
{
	UpperExprState *st = (UpperExprState *) arg;
	QipcFdwUpperInfo *uinfo = st->uinfo;
	int			n = uinfo->nwhere + list_length(uinfo->xargs);

	/* q lambdas take at most 8 parameters */
	if (n >= 8)
		return -1;
	uinfo->xargs = lappend(uinfo->xargs, value);
	uinfo->xconvs = lappend_int(uinfo->xconvs, conv);
	return n;
}

/*
 * QipcExprCxt.leaf_range: column i read by aggregate k has its per-group
 * max and min in result columns p<k>_<i> and q<k>_<i>
 */
static void
upper_expr_leaf_range(void *arg, const char *sym, char qt, char **maxname,
					  char **minname)
{
	UpperExprState *st = (UpperExprState *) arg;
	ListCell   *lc;
	int			i = 0;

	foreach(lc, st->leaves)
	{
		if (i % 2 == 0 && strcmp((char *) lfirst(lc), sym) == 0)
			break;
		i++;
	}
	if (lc == NULL)
		st->leaves = lappend(lappend(st->leaves, pstrdup(sym)),
							 psprintf("%c", qt));
	*maxname = psprintf("%s%d_%d", st->key ? "kx" : "p", st->k, i / 2);
	*minname = psprintf("%s%d_%d", st->key ? "kn" : "q", st->k, i / 2);
}

/*
 * expression e as a hazard-free q value, or false (arguments kept only on
 * success); with hazards_ok, hazard rows other than division by zero are
 * allowed (the caller handles them).  With gk >= 0 the expression's group
 * checks for aggregate gk are made too (for grouping key g: gk = -2 - g):
 * *leaves gets the columns read (symbol, type letter) and *bounded whether
 * every value has a bound.
 */
static bool
upper_expr(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Oid relid, Expr *e,
		   bool hazards_ok, QipcExpr *out, int gk, List **leaves,
		   bool *bounded)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) uinfo->scanrel->fdw_private;
	UpperExprState st;
	QipcExprCxt ec;
	List	   *saved_args = list_copy(uinfo->xargs);
	List	   *saved_convs = list_copy(uinfo->xconvs);

	/* a tree without a column is an atom in q, not a value per row */
	if (!contain_var_clause((Node *) e))
		return false;
	st.root = root;
	st.uinfo = uinfo;
	st.relid = relid;
	st.partcol = fpinfo->topts.partition_column;
	st.k = gk >= 0 ? gk : (gk <= -2 ? -2 - gk : -1);
	st.key = (gk <= -2);
	st.leaves = NIL;
	memset(&ec, 0, sizeof(ec));
	ec.relid = uinfo->scanrel->relid;
	ec.arg = &st;
	ec.column = upper_expr_column;
	ec.add_arg = upper_expr_add_arg;
	if (gk >= 0 || gk <= -2)
		ec.leaf_range = upper_expr_leaf_range;
	if (qipc_deparse_value(&ec, e, out) && out->qt != '\0' &&
		(hazards_ok ? !(out->hkinds & QIPC_HZ_DIV0) :
		 (out->hazards == NIL && out->nan_hazards == NIL)))
	{
		if (leaves)
			*leaves = st.leaves;
		if (bounded)
			*bounded = ((gk >= 0 || gk <= -2) && !ec.nobound &&
						out->bound != NULL);
		return true;
	}
	uinfo->xargs = saved_args;
	uinfo->xconvs = saved_convs;
	return false;
}

/*
 * add_aggregate
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
	AggQ		aq;
	int			k;
	ListCell   *lc;
	QipcExpr	xe;
	char	   *hz_err = NULL;
	char	   *hz_nan = NULL;
	List	   *leaves = NIL;
	bool		bounded = false;
	List	   *hzrec = NIL;

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
		{
			/*
			 * sum(price * size), sum(CASE WHEN ... END): a value expression.
			 * Float sums and averages may have hazard rows: see below.
			 */
			char	   *aname = get_func_name(agg->aggfnoid);
			bool		fsum = aname != NULL &&
				(strcmp(aname, "sum") == 0 || strcmp(aname, "avg") == 0) &&
				exprType((Node *) tle->expr) == FLOAT8OID;

			if (!upper_expr(root, uinfo, relid, tle->expr, fsum, &xe,
							fsum ? list_length(uinfo->qnames) - uinfo->ngroup : -1,
							&leaves, &bounded))
				return false;
			if (xe.hazards != NIL || xe.nan_hazards != NIL)
			{
				hz_err = qipc_expr_hazard_tree_of(&xe, false);
				hz_nan = qipc_expr_hazard_tree_of(&xe, true);
			}
			qt = xe.qt;
			argtype = exprType((Node *) tle->expr);
			if (!((qt == 'h' && argtype == INT2OID) ||
				  (qt == 'i' && argtype == INT4OID) ||
				  (qt == 'j' && argtype == INT8OID) ||
				  (qt == 'f' && argtype == FLOAT8OID) ||
				  (qt == 's' && (argtype == TEXTOID || argtype == VARCHAROID))))
				return false;
			colsym = xe.tree;
		}
		else
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
		if (var != NULL)
		{
			colsym = column_symbol(relid, var->varattno);
			colname = get_attname(relid, var->varattno, false);
		}
	}

	k = list_length(uinfo->qnames) - uinfo->ngroup;
	if (!aggregate_q(agg, colsym, qt, argtype, grouped,
					 uinfo->partitioned, k, &aq))
		return false;
	if (hz_err != NULL)
	{
		/*
		 * A float sum or average over an expression with hazard rows:
		 * built-in max of the hazard trees tells the groups holding a row
		 * where PostgreSQL raises 22003 (the row's error: fK 2, the scan
		 * raises it) or computes NaN (NaN + anything is NaN: fK 1).  Every
		 * group must reach the scan for its error to be raised, so HAVING
		 * and LIMIT are then left to PostgreSQL.  The fK formula of
		 * aggregate_q comes first in its update clauses.
		 */
		char	   *fpre = psprintf("f%d:", k);
		char	   *rest = aq.post ? strstr(aq.post, psprintf(",a%d:", k)) : NULL;
		char	   *fbody;

		if (aq.fixkind != QIPC_FIX_NAN || aq.post == NULL || rest == NULL ||
			strncmp(aq.post, fpre, strlen(fpre)) != 0)
			return false;
		fbody = pnstrdup(aq.post + strlen(fpre), rest - aq.post - strlen(fpre));
		if (bounded)
		{
			/*
			 * Checked by group rather than row by row: the built-in max and
			 * min of every column read bound the expression's values on
			 * the group (expr.c); a group where an operand may be infinite
			 * or a value may leave its range (G true) is marked 3 and its
			 * rows are evaluated again, hazard trees and all, by
			 * recompute_hz_q.  Only the underflow hazards, which no bound
			 * excludes, are still evaluated on every row (eK).
			 */
			StringInfoData g;
			ListCell   *l2;
			int			i = 0;

			if (aq.recompute == 1)
			{
				/*
				 * A sum: max x alone tells a group without a value (-0w:
				 * an infinite value marks the group 3 anyway), and the
				 * bound replaces max |x| in the overflow test
				 */
				aq.extra = list_make4(psprintf("x%d", k), psprintf("(max;%s)", colsym),
									  psprintf("n%d", k), pstrdup("(count;`i)"));
				fbody = psprintf("?[x%d=-0w;0x00;?[9e307<=(\"f\"$n%d)*%s;0x03;0x00]]",
								 k, k, xe.bound);
				rest = psprintf(",a%d:?[x%d=-0w;0n;a%d]", k, k, k);
			}
			for (l2 = list_head(leaves); l2 != NULL; l2 = lnext(leaves, lnext(leaves, l2)))
			{
				char	   *sym = (char *) lfirst(l2);

				aq.extra = lappend(lappend(aq.extra, psprintf("p%d_%d", k, i)),
								   psprintf("(max;%s)", sym));
				aq.extra = lappend(lappend(aq.extra, psprintf("q%d_%d", k, i)),
								   psprintf("(min;%s)", sym));
				i++;
			}
			initStringInfo(&g);
			foreach(l2, xe.gchecks)
				appendStringInfo(&g, "%s%s", g.len ? "|" : "", (char *) lfirst(l2));
			if (g.len == 0)
				appendStringInfoString(&g, "0b");
			if (xe.uf_hazards != NIL)
			{
				QipcExpr	uf;

				memset(&uf, 0, sizeof(uf));
				uf.hazards = xe.uf_hazards;
				aq.extra = lappend(lappend(aq.extra, psprintf("e%d", k)),
								   psprintf("(max;%s)",
											qipc_expr_hazard_tree_of(&uf, false)));
				aq.post = psprintf("f%d:?[e%d;0x02;?[%s;0x03;%s]]%s", k, k,
								   g.data, fbody, rest);
			}
			else
				aq.post = psprintf("f%d:?[%s;0x03;%s]%s", k, g.data, fbody,
								   rest);
			hzrec = list_make2(hz_err, hz_nan);
		}
		else
		{
			aq.extra = lappend(lappend(aq.extra, psprintf("e%d", k)),
							   psprintf("(max;%s)", hz_err));
			aq.extra = lappend(lappend(aq.extra, psprintf("z%d", k)),
							   psprintf("(max;%s)", hz_nan));
			aq.post = psprintf("f%d:?[e%d;0x02;?[z%d;0x01;%s]]%s", k, k, k,
							   fbody, rest);
		}
		uinfo->hazardous = true;
	}
	uinfo->hzrecs = lappend(uinfo->hzrecs, hzrec);
	uinfo->fixkinds = lappend_int(uinfo->fixkinds, aq.fixkind);
	uinfo->auxexprs = lappend(uinfo->auxexprs, NULL);
	uinfo->auxcols = lappend(uinfo->auxcols,
							 aq.fixkind && colname ? makeString(colname) : NULL);
	uinfo->auxtypes = lappend(uinfo->auxtypes,
							  aq.fixkind && colname ? makeString(format_type_be(argtype)) : NULL);
	uinfo->extras = lappend(uinfo->extras, aq.extra);
	uinfo->posts = lappend(uinfo->posts, aq.post);
	uinfo->recomputes = lappend_int(uinfo->recomputes, aq.recompute);
	uinfo->colsyms = lappend(uinfo->colsyms, colsym);
	uinfo->tlist = lappend(uinfo->tlist,
						   makeTargetEntry((Expr *) agg,
										   list_length(uinfo->tlist) + 1,
										   NULL, false));
	uinfo->qexprs = lappend(uinfo->qexprs, makeString(aq.value));
	uinfo->qnames = lappend(uinfo->qnames, makeString(psprintf("a%d", k)));
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
 *		symbol (null test x=`$"").  A timestamp aggregate (min, max of a
 *		column) only as the last key: q orders nanoseconds that PostgreSQL
 *		sees as equal microseconds.  A timestamp group key can be any key:
 *		it is a bucket (group_key_q: date_trunc, date_bin), whole
 *		microseconds.
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
			/* an average's q column holds part of its sum only */
			if (list_nth_int(uinfo->fixkinds, pos) == QIPC_FIX_AVG128)
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
					/* group keys are buckets of whole microseconds */
					return (last || pos < uinfo->ngroup) ? pos : -1;
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

	if (uinfo->hazardous)
		return -1;
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
		uinfo->local_conds != NIL || uinfo->partial)
		return -1;
	if (root->sort_pathkeys != NIL &&
		!pathkeys_contained_in(root->sort_pathkeys, path->pathkeys))
		return -1;
	return count + offset;
}

/*
 * pins_one_partition
 *		Does a pushed condition "partition column = constant" leave a single
 *		partition?  kdb+ then answers as it would an in-memory table (the
 *		single-partition branch of .Q.ps), so any exact aggregate can be
 *		pushed.
 */
static bool
pins_one_partition(RelOptInfo *scanrel, Oid relid, QipcFdwRelationInfo *fpinfo)
{
	ListCell   *lc;

	foreach(lc, fpinfo->remote_conds)
	{
		Expr	   *clause = lfirst_node(RestrictInfo, lc)->clause;
		OpExpr	   *op;
		char	   *opname;
		Var		   *var;
		Expr	   *value;

		if (!IsA(clause, OpExpr))
			continue;
		op = (OpExpr *) clause;
		if (list_length(op->args) != 2)
			continue;
		opname = get_opname(op->opno);
		if (opname == NULL || strcmp(opname, "=") != 0)
			continue;
		var = scan_var(linitial(op->args), scanrel);
		value = lsecond(op->args);
		if (var == NULL)
		{
			var = scan_var(lsecond(op->args), scanrel);
			value = linitial(op->args);
		}
		if (var == NULL || value == NULL || !IsA(value, Const) ||
			((Const *) value)->constisnull)
			continue;
		if (strcmp(qipc_get_column_name(relid, var->varattno),
				   fpinfo->topts.partition_column) == 0)
			return true;
	}
	return false;
}

/*
 * trunc_unit_ns
 *		The width in nanoseconds of date_trunc's unit "unit" when
 *		date_trunc(unit, timestamp) is a plain bucket of that width counted
 *		from 2000-01-01 00:00 (q's epoch, a midnight); 0 for the units whose
 *		buckets are not of one width (week, month, year, ...) and for text
 *		date_trunc rejects, both left to PostgreSQL.  The unit is read as
 *		timestamp_trunc reads it (lower-cased, then DecodeUnits), so every
 *		spelling it accepts ('hour', 'hours', 'hr', 'min', 'ms', ...) counts.
 */
static int64
trunc_unit_ns(text *unit)
{
	char	   *lowunits;
	int			val;

	lowunits = downcase_truncate_identifier(VARDATA_ANY(unit),
											VARSIZE_ANY_EXHDR(unit), false);
	if (DecodeUnits(0, lowunits, &val) != UNITS)
		return 0;
	switch (val)
	{
		case DTK_MICROSEC:
			return INT64CONST(1000);
		case DTK_MILLISEC:
			return INT64CONST(1000000);
		case DTK_SECOND:
			return INT64CONST(1000000000);
		case DTK_MINUTE:
			return INT64CONST(60000000000);
		case DTK_HOUR:
			return INT64CONST(3600000000000);
		case DTK_DAY:
			return INT64CONST(86400000000000);
		default:
			return 0;
	}
}

/*
 * timestamp_bucket_q
 *		q parse tree of column X (q timestamps) rounded down to a multiple
 *		of ns nanoseconds, with q's timestamp infinities kept as they are:
 *		PostgreSQL's date_trunc returns +-infinity unchanged (the scan reads
 *		0Wp and -0Wp as +-infinity) while xbar would move them to finite
 *		values.  Nulls stay null (xbar of a null is null).  Rounding down
 *		the nanoseconds and then reading microseconds (typemap.c floors) is
 *		rounding down the microseconds: every width is whole microseconds.
 */
static char *
timestamp_bucket_q(const char *X, int64 ns)
{
	int64		d = ns / INT64CONST(86400000000000);
	int64		r = ns % INT64CONST(86400000000000);

	return psprintf("(?;(|;(=;%s;0Wp);(=;%s;-0Wp));%s;(xbar;" INT64_FORMAT
					"D%02d:%02d:%02d.%09d;%s))",
					X, X, X, d,
					(int) (r / INT64CONST(3600000000000)),
					(int) (r / INT64CONST(60000000000) % 60),
					(int) (r / INT64CONST(1000000000) % 60),
					(int) (r % INT64CONST(1000000000)), X);
}

/*
 * qipc_bucket_fn_parse
 *		Whether expr is a time bucket q computes exactly: date_trunc(unit,
 *		timestamp column) for the units of one width (trunc_unit_ns), or a
 *		timestamp column cast to date.  Fills *bf (the caller checks that
 *		the column is a q timestamp column, then asks qipc_bucket_fn_q).
 *		date_trunc of timestamptz depends on the session's TimeZone, which
 *		a cached plan does not follow: not a bucket here.
 */
bool
qipc_bucket_fn_parse(Expr *expr, QipcBucketFn *bf)
{
	FuncExpr   *fe;
	char	   *fname;
	Expr	   *arg;

	if (!IsA(expr, FuncExpr))
		return false;
	fe = (FuncExpr *) expr;
	if (fe->funcid >= FirstGenbkiObjectId || fe->funcretset ||
		fe->funcvariadic || fe->args == NIL)
		return false;
	arg = (Expr *) llast(fe->args);
	if (!IsA(arg, Var) || ((Var *) arg)->vartype != TIMESTAMPOID)
		return false;
	fname = get_func_name(fe->funcid);
	if (fname == NULL)
		return false;
	bf->var = (Var *) arg;
	if (strcmp(fname, "date_trunc") == 0 && list_length(fe->args) == 2 &&
		fe->funcresulttype == TIMESTAMPOID &&
		IsA(linitial(fe->args), Const) &&
		!((Const *) linitial(fe->args))->constisnull &&
		((Const *) linitial(fe->args))->consttype == TEXTOID)
	{
		bf->todate = false;
		bf->ns = trunc_unit_ns(DatumGetTextPP(((Const *) linitial(fe->args))->constvalue));
		return bf->ns > 0;
	}
	if (strcmp(fname, "date") == 0 && list_length(fe->args) == 1 &&
		fe->funcresulttype == DATEOID)
	{
		bf->todate = true;
		bf->ns = INT64CONST(86400000000000);
		return true;
	}
	return false;
}

/*
 * qipc_bucket_fn_q
 *		The q parse tree of bucket bf over the q timestamp column X: a
 *		timestamp (q type p) for date_trunc, a date (d) for the cast.
 */
char *
qipc_bucket_fn_q(const QipcBucketFn *bf, const char *X)
{
	if (bf->todate)
	{
		/* "d"$ of a midnight is exact; 0Wp -0Wp 0Np give 0Wd -0Wd 0Nd */
		return psprintf("(?;(=;%s;0Wp);0Wd;(?;(=;%s;-0Wp);-0Wd;($;\"d\";%s)))",
						X, X, timestamp_bucket_q(X, bf->ns));
	}
	return timestamp_bucket_q(X, bf->ns);
}

/*
 * group_key_q
 *		The q parse tree of grouping (or DISTINCT) key "expr", or NULL when
 *		q cannot group it exactly as PostgreSQL does.  Besides plain columns
 *		of the types q groups like SQL (nulls form one group in both):
 *		- date_trunc(unit, timestamp column) for the units of one width
 *		  (trunc_unit_ns): an xbar bucket;
 *		- timestamp column::date: the day bucket cast to a date;
 *		- extract/date_part of a field q computes exactly, and date_bin
 *		  (timepart.c).
 *		date_trunc of timestamptz depends on the session's TimeZone, which a
 *		cached plan does not follow: left to PostgreSQL.
 */
static char *
group_key_q(PlannerInfo *root, RelOptInfo *input_rel, Oid relid, Expr *expr)
{
	Var		   *var;
	char		qt;
	Oid			typid;

	if (IsA(expr, FuncExpr))
	{
		QipcTimeFn	tf;
		QipcBucketFn bf;

		/* extract/date_part fields and date_bin buckets (timepart.c) */
		if (qipc_time_fn_parse(expr, &tf))
		{
			var = scan_var((Expr *) tf.var, input_rel);
			if (var == NULL)
				return NULL;
			qt = qipc_column_qtype(root, input_rel, var->varattno);
			if (qt == '\0')
				return NULL;
			return qipc_time_fn_q(&tf, column_symbol(relid, var->varattno),
								  qt);
		}

		if (!qipc_bucket_fn_parse(expr, &bf))
			return NULL;
		var = scan_var((Expr *) bf.var, input_rel);
		if (var == NULL ||
			qipc_column_qtype(root, input_rel, var->varattno) != 'p')
			return NULL;
		return qipc_bucket_fn_q(&bf, column_symbol(relid, var->varattno));
	}

	var = scan_var(expr, input_rel);
	if (var == NULL || !IsA(expr, Var))
		return NULL;
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
		return NULL;
	if ((qt == 's' || qt == 'c') && OidIsValid(var->varcollid) &&
		!get_collation_isdeterministic(var->varcollid))
		return NULL;
	return column_symbol(relid, var->varattno);
}

/*
 * int_arith_key
 *		A smallint/integer arithmetic grouping key (size / 100, qty * 2),
 *		computed in q floats (expr.c) and cast to longs by the by phrase,
 *		where the float values are exact integers.  PostgreSQL
 *		evaluates the key on every row, so one row out of range (or one q
 *		integer infinity read) raises 22003 for the whole query: instead of
 *		testing every row, the built-in max and min of the columns read
 *		bound the key on each group (*extra, as for float sums); only when
 *		some group's bound leaves the range are the rows tested with the
 *		hazard trees, and then the QIPC_FIX_RANGE flag kG (*check: q
 *		statements) of every result row tells the scan to raise the error.
 *		Division only by a non-zero constant.
 */
static bool
int_arith_key(PlannerInfo *root, QipcFdwUpperInfo *uinfo, Oid relid,
			  Expr *expr, QipcExpr *xe, List **extra, char **check)
{
	Oid			t = exprType((Node *) expr);
	int			g = uinfo->ngroup;
	List	   *leaves = NIL;
	bool		bounded = false;
	ListCell   *lc;
	StringInfoData gb;
	StringInfoData b;
	QipcExpr	all;
	int			i = 0;

	if ((t != INT2OID && t != INT4OID) ||
		!upper_expr(root, uinfo, relid, expr, true, xe, -2 - g, &leaves,
					&bounded))
		return false;
	if (xe->qt != 'f' || !bounded)
		return false;			/* (the caller gives up the path) */
	for (lc = list_head(leaves); lc != NULL; lc = lnext(leaves, lnext(leaves, lc)))
	{
		*extra = lappend(lappend(*extra, psprintf("kx%d_%d", g, i)),
						 psprintf("(max;%s)", (char *) lfirst(lc)));
		*extra = lappend(lappend(*extra, psprintf("kn%d_%d", g, i)),
						 psprintf("(min;%s)", (char *) lfirst(lc)));
		i++;
	}
	initStringInfo(&gb);
	foreach(lc, xe->gchecks)
		appendStringInfo(&gb, "%s%s", gb.len ? "|" : "", (char *) lfirst(lc));
	if (gb.len == 0)
		appendStringInfoString(&gb, "0b");
	memset(&all, 0, sizeof(all));
	all.hazards = xe->hazards;
	all.nan_hazards = xe->nan_hazards;
	initStringInfo(&b);
	{
		QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) uinfo->scanrel->fdw_private;
		StringInfoData tb;

		initStringInfo(&tb);
		qipc_append_symbol(&tb, fpinfo->topts.table);
		appendStringInfo(&b, "; t:update k%d:%s from t; if[any t`k%d; "
						 "e:any (?[%s;w;0b;(enlist`h)!enlist %s])`h; "
						 "t:![t;();0b;(enlist`k%d)!enlist e]]",
						 g, gb.data, g, tb.data, qipc_expr_hazard_tree(&all), g);
	}
	*check = b.data;
	/*
	 * as longs: the scan reads them into the type (2147483647 and
	 * -2147483648 are values there, but q's int infinity and null)
	 */
	xe->tree = psprintf("($;\"j\";%s)", xe->tree);
	uinfo->hazardous = true;
	return true;
}

/*
 * add_grouping_path
 *		The aggregation of input_rel into grouped_rel, computed by q.  With
 *		extra NULL, grouped_rel is the DISTINCT rel of a query without
 *		aggregation: SELECT DISTINCT keys is grouping by every target item
 *		without aggregates (q's by groups nulls together as DISTINCT does).
 */
static void
add_grouping_path(PlannerInfo *root, RelOptInfo *input_rel,
				  RelOptInfo *grouped_rel, GroupPathExtraData *extra,
				  bool partial)
{
	Query	   *query = root->parse;
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) input_rel->fdw_private;
	PathTarget *target;
	List	   *keyclauses;
	QipcFdwUpperInfo *uinfo;
	RangeTblEntry *rte;
	ListCell   *lc;
	int			i;
	double		rows;
	Cost		startup_cost;
	Cost		total_cost;
	bool		grouped;
	ForeignPath *path;

	if (extra == NULL)
	{
		/* DISTINCT (not DISTINCT ON) straight over the scan */
		if (query->hasDistinctOn || query->hasAggs || query->groupClause ||
			query->groupingSets || query->hasWindowFuncs ||
			query->hasTargetSRFs || query->distinctClause == NIL ||
			root->upper_targets[UPPERREL_DISTINCT] == NULL)
			return;
		target = root->upper_targets[UPPERREL_DISTINCT];
		keyclauses = query->distinctClause;
	}
	else
	{
		/*
		 * A partition's rows are aggregated whole at UPPERREL_GROUP_AGG
		 * (PARTITIONWISE_AGGREGATE_FULL: the GROUP BY holds the partition
		 * key, so no group spans two partitions), or partially at
		 * UPPERREL_PARTIAL_GROUP_AGG (PARTITIONWISE_AGGREGATE_PARTIAL: q
		 * delivers each aggregate's transition state, which PostgreSQL's
		 * Finalize Aggregate combines across the partitions; partial.c).
		 */
		if (query->groupingSets || query->hasWindowFuncs ||
			(extra->patype == PARTITIONWISE_AGGREGATE_PARTIAL) != partial)
			return;
		target = grouped_rel->reltarget;
		keyclauses = query->groupClause;
	}
	grouped = (keyclauses != NIL);
	/* every WHERE condition must be evaluated by q */
	if (fpinfo->local_conds != NIL || fpinfo->topts.table == NULL ||
		fpinfo->topts.query != NULL || fpinfo->topts.function != NULL)
		return;
	rte = planner_rt_fetch(input_rel->relid, root);

	uinfo = palloc0(sizeof(QipcFdwUpperInfo));
	uinfo->scanrel = input_rel;
	uinfo->partial = partial;

	/* the WHERE's arguments come first (see qipc_get_upper_plan) */
	{
		StringInfoData wb;
		List	   *wexprs = NIL;
		List	   *wconvs = NIL;
		List	   *wrejected = NIL;

		initStringInfo(&wb);
		qipc_deparse_conditions(root, input_rel, fpinfo->remote_conds, &wb,
								&wexprs, &wconvs, &wrejected);
		if (wrejected != NIL)
			return;
		uinfo->nwhere = list_length(wexprs);
	}
	uinfo->partitioned = (fpinfo->topts.partition_column != NULL &&
						  !pins_one_partition(input_rel, rte->relid,
											  fpinfo));

	/* grouping keys: expressions that q groups like SQL (group_key_q) */
	i = 0;
	foreach(lc, target->exprs)
	{
		Expr	   *expr = (Expr *) lfirst(lc);
		Index		sgref = get_pathtarget_sortgroupref(target, i);

		i++;
		if (sgref && get_sortgroupref_clause_noerr(sgref, keyclauses))
		{
			char	   *qkey = group_key_q(root, input_rel, rte->relid, expr);
			char	   *prekey = NULL;
			char	   *keymap = NULL;
			char	   *keyclash = NULL;
			List	   *keyextra = NIL;
			char	   *keycheck = NULL;

			if (qkey == NULL)
			{
				/* CASE, COALESCE, upper/lower ...: a value expression */
				QipcExpr	xe;
				Oid			t = exprType((Node *) expr);

				if (upper_expr(root, uinfo, rte->relid, expr, false, &xe,
							   -1, NULL, NULL))
				{
					if (!((xe.qt == 'h' && t == INT2OID) ||
						  (xe.qt == 'i' && t == INT4OID) ||
						  (xe.qt == 'j' && t == INT8OID) ||
						  (xe.qt == 's' && (t == TEXTOID || t == VARCHAROID))))
						return;
				}
				else if (!int_arith_key(root, uinfo, rte->relid, expr, &xe,
										&keyextra, &keycheck))
					return;
				qkey = xe.tree;
				prekey = xe.prekey;
				keymap = xe.keymap;
				keyclash = xe.keyclash;
			}
			uinfo->keypres = lappend(uinfo->keypres, prekey);
			uinfo->keymaps = lappend(uinfo->keymaps, keymap);
			uinfo->keyclashes = lappend(uinfo->keyclashes, keyclash);
			uinfo->keychecks = lappend(uinfo->keychecks, keycheck);
			uinfo->tlist = lappend(uinfo->tlist,
								   makeTargetEntry(expr, list_length(uinfo->tlist) + 1,
												   NULL, false));
			uinfo->qexprs = lappend(uinfo->qexprs, makeString(qkey));
			uinfo->qnames = lappend(uinfo->qnames,
									makeString(psprintf("g%d", uinfo->ngroup)));
			uinfo->fixkinds = lappend_int(uinfo->fixkinds,
										  keycheck ? QIPC_FIX_RANGE : 0);
			uinfo->auxexprs = lappend(uinfo->auxexprs, NULL);
			uinfo->auxcols = lappend(uinfo->auxcols, NULL);
			uinfo->auxtypes = lappend(uinfo->auxtypes,
									  keycheck ? makeString(format_type_be(exprType((Node *) expr))) : NULL);
			uinfo->extras = lappend(uinfo->extras, keyextra);
			uinfo->posts = lappend(uinfo->posts, NULL);
			uinfo->recomputes = lappend_int(uinfo->recomputes, 0);
			uinfo->colsyms = lappend(uinfo->colsyms, NULL);
			uinfo->hzrecs = lappend(uinfo->hzrecs, NIL);
			uinfo->ngroup++;
		}
	}
	/* every GROUP BY item must be in the target */
	if (uinfo->ngroup != list_length(keyclauses))
		return;

	/* aggregates of the target and of HAVING */
	i = 0;
	foreach(lc, target->exprs)
	{
		Expr	   *expr = (Expr *) lfirst(lc);
		Index		sgref = get_pathtarget_sortgroupref(target, i);

		i++;
		if (sgref && get_sortgroupref_clause_noerr(sgref, keyclauses))
			continue;
		if (extra == NULL)
			return;				/* a DISTINCT item that is no key */
		if (!add_aggregates_of(root, uinfo, rte->relid, (Node *) expr, grouped))
			return;
	}
	if (extra != NULL && extra->havingQual && !partial)
	{
		if (!add_aggregates_of(root, uinfo, rte->relid, extra->havingQual,
							   grouped))
			return;
		uinfo->local_conds = (List *) extra->havingQual;
	}
	/*
	 * No aggregate: GROUP BY keys alone (or DISTINCT) ship the groups only;
	 * without keys there is nothing to compute.
	 */
	if (list_length(uinfo->tlist) == uinfo->ngroup && uinfo->ngroup == 0)
		return;

	/* costs: q does the work next to the data; only groups are shipped */
	if (grouped)
	{
		List	   *groupexprs = get_sortgrouplist_exprs(keyclauses,
														 query->targetList);

		rows = estimate_num_groups(root, groupexprs, input_rel->rows, NULL,
								   NULL);
	}
	else
		rows = 1;

	/*
	 * The scan's request and q's work on the WHERE (qipc_fdw.c:
	 * set_scan_costs), then one vector operation per group key and
	 * aggregate over the rows the WHERE keeps, and the groups shipped.
	 * PostgreSQL charges a transition function a cpu_operator_cost per
	 * row, a function call per row; q's aggregate is one primitive over
	 * the whole column (sum, count, max, the grouping of the keys), so it
	 * is charged QIPC_Q_AGG_ROW_SHARE of that.  A local aggregation of the
	 * same rows pays the full cost per row on top of shipping every row.
	 *
	 * When the planner expects as many groups as rows (a key column
	 * without statistics, a selective WHERE) the two plans ship the same
	 * rows, and their costs differ by less than add_path's 1% fuzz, within
	 * which the local plan would win for its sort order (GroupAggregate)
	 * or for having been added first (the Finalize Aggregate of a partial
	 * one costs what a whole aggregation does).  The pushed aggregation
	 * never ships more rows than the scan, and mostly far fewer; so, as
	 * postgres_fdw discounts a pushed LIMIT that its estimates cannot tell
	 * from a local one, the pushed aggregation is discounted by
	 * QIPC_PUSHED_AGG_DISCOUNT of the plain scan's cost: enough to clear
	 * the fuzz, small next to any real difference in rows shipped.
	 */
	startup_cost = fpinfo->startup_cost;
	total_cost = startup_cost + fpinfo->remote_cost +
		QIPC_Q_AGG_ROW_SHARE * cpu_operator_cost * list_length(uinfo->tlist) *
		fpinfo->retrieved_rows +
		rows * (fpinfo->sopts.fdw_tuple_cost + cpu_tuple_cost);
	total_cost -= QIPC_PUSHED_AGG_DISCOUNT * fpinfo->total_cost;
	total_cost = Max(total_cost, startup_cost);

	grouped_rel->fdw_private = uinfo;
	path = qipc_create_foreign_upper_path(root, grouped_rel, target, rows,
										  startup_cost, total_cost, NIL, NULL,
										  NIL);
	add_path(grouped_rel, (Path *) path);

	/* the same sorted by the query's ORDER BY, when q can sort it */
	if (root->sort_pathkeys != NIL && !partial)
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
						  (GroupPathExtraData *) extra, false);
	else if (stage == UPPERREL_PARTIAL_GROUP_AGG)
		add_grouping_path(root, input_rel, output_rel,
						  (GroupPathExtraData *) extra, true);
	else if (stage == UPPERREL_DISTINCT)
		add_grouping_path(root, input_rel, output_rel, NULL, false);
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

/* the by phrase (names)!(trees) of n keys, or 0b */
static char *
by_phrase(int n, List *names, List *trees)
{
	StringInfoData b;
	ListCell   *lc;

	initStringInfo(&b);
	if (n == 0)
	{
		appendStringInfoString(&b, "0b");
		return b.data;
	}
	appendStringInfoChar(&b, '(');
	foreach(lc, names)
		appendStringInfo(&b, "%s`%s", n == 1 ? "enlist " : "",
						 (char *) lfirst(lc));
	appendStringInfoString(&b, ")!(");
	foreach(lc, trees)
		appendStringInfo(&b, "%s%s", lc == list_head(trees) ?
						 (n == 1 ? "enlist " : "") : ";",
						 (char *) lfirst(lc));
	appendStringInfoChar(&b, ')');
	return b.data;
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
	StringInfoData tbl;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *rejected = NIL;
	List	   *retrieved_attrs = NIL;
	List	   *fixups = NIL;
	List	   *fdw_private;
	List	   *keycols = NIL;
	List	   *keynames = NIL;
	ListCell   *lc;
	ListCell   *ln;
	int			i;
	char	   *query;
	int			where_end;
	int			by_start;
	int			aggs_start;
	int			sel_end;
	bool		keypre = false;
	char	   *byfull;

	initStringInfo(&tbl);
	qipc_append_symbol(&tbl, fpinfo->topts.table);

	/* w: the where subphrases, kept for the recomputations */
	initStringInfo(&buf);
	appendStringInfoString(&buf, "w:");
	qipc_deparse_conditions(root, scanrel, fpinfo->remote_conds, &buf,
							&arg_exprs, &arg_convs, &rejected);
	if (rejected != NIL)
		elog(ERROR, "qipc_fdw: a pushed condition of an aggregation could not be deparsed");
	/* the arguments of the keys' and aggregates' value expressions */
	if (list_length(arg_exprs) != uinfo->nwhere)
		elog(ERROR, "qipc_fdw: the conditions of an aggregation changed their arguments");
	arg_exprs = list_concat(arg_exprs, uinfo->xargs);
	arg_convs = list_concat(arg_convs, uinfo->xconvs);
	where_end = buf.len;
	appendStringInfo(&buf, "; t:0!?[%s;w", tbl.data);
	by_start = buf.len;
	appendStringInfoChar(&buf, ';');

	/* by: (g0;g1)!(`col;`col) or 0b */
	i = 0;
	forboth(lc, uinfo->qexprs, ln, uinfo->qnames)
	{
		if (i >= uinfo->ngroup)
			break;
		keycols = lappend(keycols, strVal(lfirst(lc)));
		keynames = lappend(keynames, strVal(lfirst(ln)));
		if (list_nth(uinfo->keypres, i) != NULL)
			keypre = true;
		i++;
	}
	byfull = by_phrase(uinfo->ngroup, keynames, keycols);
	if (keypre)
	{
		/* by the pre-keys, mapped to the keys on the reduced result */
		List	   *pres = NIL;

		i = 0;
		foreach(lc, keycols)
		{
			char	   *pk = (char *) list_nth(uinfo->keypres, i++);

			pres = lappend(pres, pk ? pk : lfirst(lc));
		}
		appendStringInfoString(&buf, by_phrase(uinfo->ngroup, keynames, pres));
	}
	else
		appendStringInfoString(&buf, byfull);
	appendStringInfoChar(&buf, ';');
	aggs_start = buf.len;

	/*
	 * aggregates: (`a0`n0`m0...)!(tree;tree;...): built-in aggregates only,
	 * which kdb+ combines across partitions
	 */
	{
		List	   *names = NIL;
		List	   *exprs = NIL;
		ListCell   *la;

		i = 0;
		forboth(lc, uinfo->qexprs, la, uinfo->extras)
		{
			int			pos = i++;
			int			k = pos - uinfo->ngroup;
			int			fixkind = list_nth_int(uinfo->fixkinds, pos);
			int			e;
			List	   *fixup;

			if (k < 0)
			{
				/* a grouping key's extras (int_arith_key) and flag */
				for (e = 0; e + 1 < list_length((List *) lfirst(la)); e += 2)
				{
					names = lappend(names, list_nth((List *) lfirst(la), e));
					exprs = lappend(exprs, list_nth((List *) lfirst(la), e + 1));
				}
				if (fixkind == QIPC_FIX_RANGE)
					fixups = lappend(fixups,
									 list_make5(makeInteger(fixkind),
												makeInteger(pos + 1),
												makeString(psprintf("k%d", pos)),
												makeString("?"),
												list_nth(uinfo->auxtypes, pos)));
				continue;
			}
			names = lappend(names, psprintf("a%d", k));
			exprs = lappend(exprs, strVal(lfirst(lc)));
			for (e = 0; e + 1 < list_length((List *) lfirst(la)); e += 2)
			{
				names = lappend(names, list_nth((List *) lfirst(la), e));
				exprs = lappend(exprs, list_nth((List *) lfirst(la), e + 1));
			}
			if (fixkind == 0)
				continue;
			fixup = list_make5(makeInteger(fixkind),
							   makeInteger(pos + 1),
							   makeString(psprintf("f%d", k)),
							   list_nth(uinfo->auxcols, pos) ?
							   list_nth(uinfo->auxcols, pos) :
							   makeString("?"),
							   list_nth(uinfo->auxtypes, pos) ?
							   list_nth(uinfo->auxtypes, pos) :
							   makeString("?"));
			if (fixkind == QIPC_FIX_AVG128)
				fixup = lappend(fixup, makeString(psprintf("n%d", k)));
			fixups = lappend(fixups, fixup);
		}
		/* keys only: a count keeps the select a grouping (dropped by the scan) */
		if (names == NIL)
		{
			names = list_make1("n");
			exprs = list_make1("(count;`i)");
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
	sel_end = buf.len;

	if (keypre)
	{
		/*
		 * The pre-keys' groups mapped to the keys; where two groups could
		 * become one key (keyclash), the select is made again by the keys'
		 * own trees
		 */
		StringInfoData mb;
		StringInfoData cb;

		initStringInfo(&mb);
		initStringInfo(&cb);
		i = 0;
		forboth(lc, uinfo->keymaps, ln, uinfo->keyclashes)
		{
			char	   *gname = (char *) list_nth(keynames, i);

			i++;
			if (list_nth(uinfo->keypres, i - 1) == NULL)
				continue;
			appendStringInfo(&mb, "%s`%s", mb.len ? "" : "", gname);
			if (lfirst(ln) != NULL)
			{
				appendStringInfo(&cb, "%s(", cb.len ? "|" : "");
				appendStringInfo(&cb, (char *) lfirst(ln), gname, gname);
				appendStringInfoChar(&cb, ')');
			}
		}
		{
			StringInfoData db;
			int			nm = 0;
			bool		firstm = true;

			initStringInfo(&db);
			i = 0;
			foreach(lc, uinfo->keymaps)
			{
				if (lfirst(lc) != NULL && list_nth(uinfo->keypres, i) != NULL)
				{
					char	   *sym = psprintf("`%s", (char *) list_nth(keynames, i));

					appendStringInfo(&db, "%s", firstm ? "" : ";");
					appendStringInfo(&db, (char *) lfirst(lc), sym);
					firstm = false;
					nm++;
				}
				i++;
			}
			mb.data = psprintf("![t;();0b;(%s%s)!(%s%s)]",
							   nm == 1 ? "enlist " : "", mb.data,
							   nm == 1 ? "enlist " : "", db.data);
		}
		if (cb.len)
			appendStringInfo(&buf, "; t:$[%s; 0!?[%s;w;%s;%s; %s]",
							 cb.data, tbl.data, byfull,
							 pnstrdup(buf.data + aggs_start, sel_end - aggs_start),
							 mb.data);
		else
			appendStringInfo(&buf, "; t:%s", mb.data);
	}

	/* combine the built-in aggregates on the reduced result */
	{
		bool		firstp = true;

		foreach(lc, uinfo->posts)
		{
			if (lfirst(lc) == NULL)
				continue;
			appendStringInfoString(&buf, firstp ? "; t:update " : ",");
			appendStringInfoString(&buf, (char *) lfirst(lc));
			firstp = false;
		}
		if (!firstp)
			appendStringInfoString(&buf, " from t");
	}
	foreach(lc, uinfo->keychecks)
	{
		if (lfirst(lc) != NULL)
			appendStringInfoString(&buf, (char *) lfirst(lc));
	}
	i = 0;
	foreach(lc, uinfo->recomputes)
	{
		int			pos = i++;

		if (lfirst_int(lc) != 0)
		{
			StringInfoData kc;
			StringInfoData kn;

			initStringInfo(&kc);
			initStringInfo(&kn);
			if (keycols == NIL)
			{
				appendStringInfoString(&kc, "()");
				appendStringInfoString(&kn, "()");
			}
			else
			{
				List	   *kns = NIL;
				ListCell   *l2;

				/* the key trees (columns or buckets) and result names */
				appendStringInfoChar(&kc, '(');
				if (uinfo->ngroup == 1)
					appendStringInfoString(&kc, "enlist ");
				foreach(l2, keycols)
					appendStringInfo(&kc, "%s%s",
									 l2 == list_head(keycols) ? "" : ";",
									 (char *) lfirst(l2));
				appendStringInfoChar(&kc, ')');
				foreach(l2, keynames)
					kns = lappend(kns, makeString((char *) lfirst(l2)));
				qipc_append_symbol_list(&kn, kns);
			}
			if (list_nth(uinfo->hzrecs, pos) != NIL)
				appendStringInfoString(&buf,
									   recompute_hz_q(pos - uinfo->ngroup,
													  (char *) list_nth(uinfo->colsyms, pos),
													  (List *) list_nth(uinfo->hzrecs, pos),
													  lfirst_int(lc), tbl.data,
													  kc.data, kn.data, uinfo->ngroup));
			else
				appendStringInfoString(&buf,
									   recompute_q(pos - uinfo->ngroup,
												   (char *) list_nth(uinfo->colsyms, pos),
												   lfirst_int(lc), tbl.data,
												   kc.data, kn.data, uinfo->ngroup));
		}
	}

	/* HAVING: the conditions q can evaluate filter the groups in q */
	if (uinfo->local_conds != NIL && !uinfo->hazardous)
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
			appendStringInfo(&buf, "; t:?[t;%s;0b;()]", hb.data);
		uinfo->local_conds = still_local;
	}

	/* ORDER BY and LIMIT over the groups (the reduced result) */
	{
		List	   *pathkeys = best_path->path.pathkeys;
		int64		limit = upper_limit(root, uinfo, &best_path->path);
		int			limit_arg = -1;
		List	   *rev = NIL;

		if (limit >= 0 && list_length(arg_exprs) < 8)
		{
			arg_exprs = lappend(arg_exprs,
								makeConst(INT8OID, -1, InvalidOid, 8,
										  Int64GetDatum(limit), false, true));
			arg_convs = lappend_int(arg_convs, QIPC_CONV_NATURAL);
			limit_arg = list_length(arg_exprs) - 1;
		}
		if (pathkeys != NIL || limit_arg >= 0)
			appendStringInfoString(&buf, "; i:til count t");
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
				qipc_append_sort_pass(&buf, psprintf("`f%d", pos - uinfo->ngroup),
									  desc, pk->pk_nulls_first, NULL);
			qipc_append_sort_pass(&buf,
								  psprintf("`%s", strVal(list_nth(uinfo->qnames, pos))),
								  desc, pk->pk_nulls_first, nulltest);
		}
		if (limit_arg >= 0)
			appendStringInfo(&buf, "; i:a%d sublist i", limit_arg);
		if (pathkeys != NIL || limit_arg >= 0)
			appendStringInfoString(&buf, "; t:t i");
		appendStringInfoString(&buf, "; t");
	}

	/*
	 * Nothing to do after the select (no fixup, HAVING, ORDER BY, LIMIT):
	 * the select alone, ?[t;where;by;aggregates]
	 */
	if (buf.len == sel_end + 3)
	{
		StringInfoData sb;

		initStringInfo(&sb);
		appendStringInfo(&sb, "?[%s;", tbl.data);
		appendBinaryStringInfo(&sb, buf.data + 2, where_end - 2);
		appendBinaryStringInfo(&sb, buf.data + by_start, sel_end - by_start);
		query = qipc_wrap_lambda(sb.data, list_length(arg_exprs));
	}
	else if (arg_exprs == NIL)
		query = psprintf("{[] %s}[]", buf.data);
	else
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
