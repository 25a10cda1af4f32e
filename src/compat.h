/*-------------------------------------------------------------------------
 *
 * compat.h
 *		  The differences between the PostgreSQL major versions qipc_fdw
 *		  builds against (15 to 18), in one place.
 *
 * Every call whose signature or home changed between those versions goes
 * through a qipc_* wrapper defined here, so that the rest of src/ is
 * written once, without version tests.  Each wrapper names the version
 * that brought the change.  Include it after postgres.h (qipc_fdw.h does).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef QIPC_COMPAT_H
#define QIPC_COMPAT_H

#if PG_VERSION_NUM < 150000
#error "qipc_fdw needs PostgreSQL 15 or later"
#endif

#include "access/stratnum.h"
#include "catalog/pg_foreign_server.h"
#include "commands/explain.h"
#include "catalog/pg_collation.h"
#include "commands/vacuum.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/pathnodes.h"
#include "nodes/plannodes.h"
#include "optimizer/pathnode.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"

/* 18: ExplainState and the ExplainProperty* functions have headers of their own */
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

/*
 * 18: pg_attribute_noreturn() (after a declaration) gave way to pg_noreturn
 * (C11 _Noreturn, before it).  GCC and clang take the attribute before the
 * declaration too, so the older versions get pg_noreturn from it.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * qipc_create_foreignscan_path / qipc_create_foreign_upper_path
 *		create_foreignscan_path and create_foreign_upper_path with the
 *		arguments of PostgreSQL 15.  17 added fdw_restrictinfo (only join
 *		paths need it: NIL here); 18 added the count of disabled plan nodes
 *		below the path (none: a remote scan disables nothing).
 */
static inline ForeignPath *
qipc_create_foreignscan_path(PlannerInfo *root, RelOptInfo *rel,
							 PathTarget *target, double rows,
							 Cost startup_cost, Cost total_cost,
							 List *pathkeys, Relids required_outer,
							 Path *fdw_outerpath, List *fdw_private)
{
#if PG_VERSION_NUM >= 180000
	return create_foreignscan_path(root, rel, target, rows, 0,
								   startup_cost, total_cost, pathkeys,
								   required_outer, fdw_outerpath, NIL,
								   fdw_private);
#elif PG_VERSION_NUM >= 170000
	return create_foreignscan_path(root, rel, target, rows,
								   startup_cost, total_cost, pathkeys,
								   required_outer, fdw_outerpath, NIL,
								   fdw_private);
#else
	return create_foreignscan_path(root, rel, target, rows,
								   startup_cost, total_cost, pathkeys,
								   required_outer, fdw_outerpath,
								   fdw_private);
#endif
}

static inline ForeignPath *
qipc_create_foreign_upper_path(PlannerInfo *root, RelOptInfo *rel,
							   PathTarget *target, double rows,
							   Cost startup_cost, Cost total_cost,
							   List *pathkeys, Path *fdw_outerpath,
							   List *fdw_private)
{
#if PG_VERSION_NUM >= 180000
	return create_foreign_upper_path(root, rel, target, rows, 0,
									 startup_cost, total_cost, pathkeys,
									 fdw_outerpath, NIL, fdw_private);
#elif PG_VERSION_NUM >= 170000
	return create_foreign_upper_path(root, rel, target, rows,
									 startup_cost, total_cost, pathkeys,
									 fdw_outerpath, NIL, fdw_private);
#else
	return create_foreign_upper_path(root, rel, target, rows,
									 startup_cost, total_cost, pathkeys,
									 fdw_outerpath, fdw_private);
#endif
}

/*
 * qipc_pathkey_is_desc / qipc_pathkey_is_ordered
 *		Whether a path key sorts descending, and whether it sorts by "<" or
 *		">" at all.  18 replaced the btree strategy number of a path key
 *		(pk_strategy) by a generic comparison type (pk_cmptype).
 */
static inline bool
qipc_pathkey_is_desc(const PathKey *pk)
{
#if PG_VERSION_NUM >= 180000
	return pk->pk_cmptype == COMPARE_GT;
#else
	return pk->pk_strategy == BTGreaterStrategyNumber;
#endif
}

static inline bool
qipc_pathkey_is_ordered(const PathKey *pk)
{
#if PG_VERSION_NUM >= 180000
	return pk->pk_cmptype == COMPARE_LT || pk->pk_cmptype == COMPARE_GT;
#else
	return pk->pk_strategy == BTLessStrategyNumber ||
		pk->pk_strategy == BTGreaterStrategyNumber;
#endif
}

/*
 * qipc_collation_is_c
 *		Whether a collation compares strings bytewise (C or POSIX, or a
 *		default collation that is one of them); false for no collation.
 *		18 removed lc_collate_is_c(): the locale object says it.
 */
static inline bool
qipc_collation_is_c(Oid collation)
{
#if PG_VERSION_NUM >= 180000
	if (!OidIsValid(collation))
		return false;
	return pg_newlocale_from_collation(collation)->collate_is_c;
#else
	return lc_collate_is_c(collation);
#endif
}

/*
 * qipc_op_is_btree_equality
 *		Whether opno is the equality operator of some btree operator family.
 *		18 renamed get_op_btree_interpretation to get_op_index_interpretation
 *		and its strategy numbers to comparison types.
 */
static inline bool
qipc_op_is_btree_equality(Oid opno)
{
#if PG_VERSION_NUM >= 180000
	List	   *interps = get_op_index_interpretation(opno);
	ListCell   *lc;

	foreach(lc, interps)
	{
		if (((OpIndexInterpretation *) lfirst(lc))->cmptype == COMPARE_EQ)
			return true;
	}
#else
	List	   *interps = get_op_btree_interpretation(opno);
	ListCell   *lc;

	foreach(lc, interps)
	{
		if (((OpBtreeInterpretation *) lfirst(lc))->strategy == BTEqualStrategyNumber)
			return true;
	}
#endif
	return false;
}

/*
 * qipc_server_aclcheck
 *		A role's privilege on a foreign server.  16 replaced the per-object
 *		pg_*_aclcheck functions by object_aclcheck.
 */
static inline AclResult
qipc_server_aclcheck(Oid serverid, Oid roleid, AclMode mode)
{
#if PG_VERSION_NUM >= 160000
	return object_aclcheck(ForeignServerRelationId, serverid, roleid, mode);
#else
	return pg_foreign_server_aclcheck(serverid, roleid, mode);
#endif
}

/*
 * qipc_scan_user
 *		The role whose user mapping a foreign scan uses: the role it is
 *		checked as (a view's owner, for a scan through a view), else the
 *		current user.  16 moved the role from the range table entry
 *		(checkAsUser) into the plan node (ForeignScan.checkAsUser).
 */
static inline Oid
qipc_scan_user(const ForeignScan *fsplan, const RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	Oid			userid = fsplan->checkAsUser;
#else
	Oid			userid = rte->checkAsUser;
#endif

	return OidIsValid(userid) ? userid : GetUserId();
}

/*
 * POSIX_COLLATION_OID: 18 dropped the symbol; the "POSIX" collation keeps
 * its fixed OID 951 (pg_collation.dat), like "C" (950).
 */
#ifndef POSIX_COLLATION_OID
#define POSIX_COLLATION_OID 951
#endif

/*
 * qipc_result_rel_user
 *		The role a modified foreign table is checked as (a view's owner,
 *		else the current user).  A partition reached by tuple routing has no
 *		range table entry of its own: its root has.  16 moved checkAsUser
 *		into RTEPermissionInfo and added ExecGetResultRelCheckAsUser, which
 *		does the same.
 */
static inline Oid
qipc_result_rel_user(ResultRelInfo *rinfo, EState *estate)
{
#if PG_VERSION_NUM >= 160000
	return ExecGetResultRelCheckAsUser(rinfo, estate);
#else
	RangeTblEntry *rte;

	if (rinfo->ri_RangeTableIndex == 0 && rinfo->ri_RootResultRelInfo != NULL)
		rte = exec_rt_fetch(rinfo->ri_RootResultRelInfo->ri_RangeTableIndex,
							estate);
	else
		rte = exec_rt_fetch(rinfo->ri_RangeTableIndex, estate);
	return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
#endif
}

/*
 * qipc_analyze_delay_point
 *		vacuum_delay_point() for a row of ANALYZE's sample; 18 added the
 *		argument saying whether the caller is ANALYZE.
 */
#if PG_VERSION_NUM >= 180000
#define qipc_analyze_delay_point() vacuum_delay_point(true)
#else
#define qipc_analyze_delay_point() vacuum_delay_point()
#endif

#endif							/* QIPC_COMPAT_H */
