/*-------------------------------------------------------------------------
 *
 * partial.c
 *		  Partial aggregates pushed to q: the transition states of a
 *		  partitionwise aggregation that PostgreSQL finalizes.
 *
 * With enable_partitionwise_aggregate and a GROUP BY without the partition
 * key (or no GROUP BY at all), PostgreSQL plans a Finalize Aggregate over
 * an Append of one partial aggregation per partition
 * (PARTITIONWISE_AGGREGATE_PARTIAL).  For a foreign partition it asks the
 * FDW for that partial aggregation (GetForeignUpperPaths at
 * UPPERREL_PARTIAL_GROUP_AGG); upper.c plans it like a whole aggregation
 * (the same q select with built-in aggregates and checks, the same rules for
 * a partition that is itself a kdb+ partitioned table), without HAVING,
 * ORDER BY or LIMIT, which belong to the finalized groups.
 *
 * The targets are then Aggrefs with aggsplit AGGSPLIT_INITIAL_SERIAL, whose
 * value is the aggregate's transition state in PostgreSQL's own type (the
 * Aggref's aggtype): the Finalize Aggregate feeds it to the combine
 * function, so it must be exactly the state PostgreSQL's own transition
 * function would have reached over the partition's rows.  Pushed:
 *	- aggregates whose state is their value over the same rows, NULL for
 *	  no value included: count(*) and count(x) (int8, 0 for no row), sum of
 *	  smallint and integer (int8), sum of float8, min and max, bool_and and
 *	  bool_or (strict transition functions without an initial value);
 *	- avg of smallint and integer: int8[2] {count, sum} (int4_avg_accum's
 *	  state, '{0,0}' for no value; the sum of under 2^31 such values cannot
 *	  overflow 64 bits).
 * Kept local (the whole partition's partial aggregation then runs in
 * PostgreSQL over a plain scan):
 *	- aggregates whose transition type is internal, sum and avg of bigint
 *	  and numeric: their state reaches the Finalize Aggregate serialized
 *	  (AGGSPLIT_INITIAL_SERIAL runs the serialfn) in a format private to
 *	  each PostgreSQL release (int8_avg_serialize and friends), which the FDW
 *	  has no business to reproduce;
 *	- avg, variance and stddev of float4 and float8, whose float8[3] state
 *	  {N, Sx, Sxx} carries Sxx, the running sum of squared deviations of
 *	  float8_accum (Youngs-Cramer): q's var differs from it in the last bits
 *	  and in when the overflow error is raised, and the combine function
 *	  (float8_combine) checks both;
 *	- everything else upper.c does not push.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/partial.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "nodes/primnodes.h"
#include "nodes/pg_list.h"

#include "qipc_fdw.h"

/*
 * qipc_partial_state_kind
 *		How q delivers the transition state of partial aggregate "agg"
 *		(named "name", over an argument of type argtype, InvalidOid for
 *		count(*)): QIPC_PARTIAL_STATE_* (qipc_fdw.h).  The Aggref's aggtype
 *		is its state type (BYTEAOID for a serialized internal state), which
 *		must be the one expected.
 */
int
qipc_partial_state_kind(Aggref *agg, const char *name, Oid argtype)
{
	Oid			state = agg->aggtype;

	if (agg->aggsplit != AGGSPLIT_INITIAL_SERIAL || agg->aggdistinct != NIL)
		return QIPC_PARTIAL_STATE_NONE;
	if (strcmp(name, "count") == 0)
		return state == INT8OID ? QIPC_PARTIAL_STATE_VALUE :
			QIPC_PARTIAL_STATE_NONE;
	if (strcmp(name, "sum") == 0)
	{
		if ((argtype == INT2OID || argtype == INT4OID) && state == INT8OID)
			return QIPC_PARTIAL_STATE_VALUE;
		if (argtype == FLOAT8OID && state == FLOAT8OID)
			return QIPC_PARTIAL_STATE_VALUE;
		return QIPC_PARTIAL_STATE_NONE;
	}
	if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0)
		return (OidIsValid(argtype) && state == argtype) ?
			QIPC_PARTIAL_STATE_VALUE : QIPC_PARTIAL_STATE_NONE;
	if (strcmp(name, "bool_and") == 0 || strcmp(name, "bool_or") == 0)
		return state == BOOLOID ? QIPC_PARTIAL_STATE_VALUE :
			QIPC_PARTIAL_STATE_NONE;
	if (strcmp(name, "avg") == 0 &&
		(argtype == INT2OID || argtype == INT4OID) && state == INT8ARRAYOID)
		return QIPC_PARTIAL_STATE_AVG_PAIR;
	return QIPC_PARTIAL_STATE_NONE;
}

/*
 * qipc_partial_avg_pair_q
 *		The q of avg(x) for x a smallint or integer column X (q type qt) as
 *		the k-th aggregate when its state {count, sum} is wanted: *value is
 *		the sum as a long (aK), *extra the non-null count (nK) and max and
 *		min (xK, yK), *post the update on the reduced result that pairs
 *		them into aK, a list of two longs per group (an int8[] per row),
 *		and sets the boolean fK when a q integer infinity was among the
 *		values: the scan then raises error 22003, as a plain scan reading
 *		that value does (QIPC_FIX_INF).  The built-ins are combined by kdb+
 *		across the partitions of a partitioned table.
 */
void
qipc_partial_avg_pair_q(const char *X, char qt, int k,
						char **value, List **extra, char **post)
{
	const char *nulltest = psprintf("(null;%s)", X);

	*value = psprintf("(sum;($;\"j\";%s))", X);
	*extra = list_make2(psprintf("n%d", k),
						psprintf("(sum;($;\"j\";(not;%s)))", nulltest));
	*extra = lappend(lappend(*extra, psprintf("x%d", k)),
					 psprintf("(max;%s)", X));
	*extra = lappend(lappend(*extra, psprintf("y%d", k)),
					 psprintf("(min;%s)", X));
	*post = psprintf("f%d:(x%d=0W%c)|y%d=-0W%c,a%d:(n%d,'a%d)",
					 k, k, qt, k, qt, k, k, k);
}
