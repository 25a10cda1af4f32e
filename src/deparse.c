/*-------------------------------------------------------------------------
 *
 * deparse.c
 *		  WHERE-clause pushdown for qipc_fdw: decide which conditions q can
 *		  evaluate with exactly the SQL meaning, and write them as q.
 *
 * q and SQL disagree about nulls (q nulls compare equal to each other and
 * below every value, and there is no "unknown"), about floats (q's = < >
 * are tolerant: relative 2^-43), about timestamps (q has nanoseconds, the
 * FDW truncates them to microseconds), and about text (q compares bytes).
 * So a condition is pushed only when its q translation selects exactly the
 * rows for which the SQL condition is TRUE:
 *
 *	- every condition is translated for a wanted truth value: T(e) holds
 *	  where e is TRUE, F(e) where e is FALSE; NOT swaps them, AND/OR combine
 *	  them (De Morgan for F), so NULL ("unknown") is never selected, as in a
 *	  WHERE clause;
 *	- comparisons carry explicit "not null" guards wherever q's answer for a
 *	  null column value would be true (x<c, x<=c, x<>c, NOT x=c, ...);
 *	  parameters carry a guard on their own nullness (sent as a boolean),
 *	  except in the top-level conditions of a plain scan, where a NULL
 *	  parameter makes the scan empty before anything is sent (null_arg),
 *	  so that a generic plan's subphrases are the custom plan's;
 *	- floats are compared through the sign of x-c (only zero is tolerantly
 *	  equal to zero, so this is exact); NaN and infinite constants stay
 *	  local; parameters (whose value may be NaN or infinite) are branched
 *	  on in q: NaN as PostgreSQL orders it, infinities with q's own
 *	  comparisons;
 *	- timestamps are compared against nanosecond bounds computed from the
 *	  microsecond value, the first or the last nanosecond of it (x < c
 *	  <=>  ns < c*1000, x <= c  <=>  ns <= (c+1)*1000-1, clamped to q's
 *	  range, infinities to 0W and -0W), matching the floor truncation of
 *	  typemap.c; both exist for every value, so constants, infinities
 *	  and parameters are written alike, x = c as within;
 *	- text ordering only under the "C" collation, equality under any
 *	  deterministic collation; symbols are null-tested with x=`$"" (null is
 *	  always 0b on enumerated symbols in a kdb+ database);
 *	- char columns (one byte per row, the space being null) only with =,
 *	  <> and IN, against a char atom that stands for the value: its byte
 *	  when the value is one byte, otherwise the space, which the null guard
 *	  keeps from matching;
 *	- LIKE is translated to q like patterns (a run of % -> one *, _ -> ?,
 *	  q's * ? [ ] escaped in brackets); since q's ? matches one byte,
 *	  patterns with _ are pushed only in single-byte database encodings;
 *	  only constant patterns within the limits of q's like on * are pushed
 *	  (like_within_q_limits), parameters' patterns stay local;
 *	- ILIKE only under the C (or POSIX) collation, where PostgreSQL folds
 *	  ASCII letters only, as q's lower does: (like;(lower;`x);a) with the
 *	  pattern's letters lowered here; patterns with non-ASCII bytes stay
 *	  local.
 *
 * Each remote condition becomes where subphrases of the functional select
 * written the way a kdb+ programmer writes them: plain parse trees such as
 * (=;`sym;enlist a1), (in;`x;a0), (within;`date;(a0;a1)), (<;`h;a2), with
 * each null guard a separate subphrase after the test it guards, e.g.
 * (<;`h;a0) then (not;(null;`h)).  kdb+'s fast paths need exactly this:
 * partition pruning and the attribute lookups (s# binary search, u# g# p#
 * index) apply to plain subphrases on the partitioned or attributed column,
 * while a lambda applied to a column is evaluated over the whole column,
 * and on a partitioned table once per partition.  The subphrases are
 * ordered: the partition column first, then conditions on one attributed
 * column (meta's a column), then the rest; "x >= a AND x <= b" on such a
 * column (integer, date, timestamp) becomes (within;`x;(a;b)), a lone
 * bound within up to the type's infinity; on a timestamp column so do
 * "x > a" and "x < b" (bound_of).
 *
 * The constants are never written into the text: they are scan arguments
 * (fdw_exprs: Consts, Params, and "Param IS NULL" tests), converted at
 * execution to typed q atoms and vectors by qipc_param_to_kipc (typemap.c)
 * and sent with the query as (lambda; a0; a1; ...); inside the lambda the
 * where list is built from them, so the parse trees hold the typed values
 * themselves.  Symbols are the one type a parse tree reads as a name: a
 * symbol constant is enlisted (a one-item symbol list evaluates to its
 * item), and a symbol vector for in is enlisted once more.  q lambdas take
 * at most 8 parameters, so a scan pushes conditions only while they fit in
 * 8 arguments; the rest is checked locally.
 *
 * One condition has no plain form and becomes a lambda leaf applied to
 * the column, ({[a0;x1] ...}[a0];`col): a float parameter (NaN and
 * infinities need a branch on the value).  Never on a partition column
 * (dates are always plain).

 * Which q type a column has is read from the q server (meta) once per
 * foreign table and backend, and forgotten when the table, its server or
 * its user mapping change (remote_meta.c).  Only pairs where the declared PostgreSQL type is
 * the natural mapping of the q type are pushed.  Tables defined by the
 * "query" or "function" options are never pushed into.
 *
 * is_foreign_expr and the deparser are one function (deparse_cond) run in
 * two modes, so they accept exactly the same nodes.
 *
 * Also here: ORDER BY of a base scan (q sorts nulls first ascending; NULLS
 * LAST ascending and NULLS FIRST descending take a second stable pass on
 * the null flag; text only under "C"; a timestamp column followed by
 * another key is sorted on its microseconds, since q orders nanoseconds
 * PostgreSQL sees as equal), LIMIT (q sublist, never #, and only when
 * nothing between the scan and the Limit node can drop or reorder rows: see
 * scan_limit), and the row counts of use_remote_estimate (count with the
 * pushed conditions).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/deparse.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/table.h"
#include "access/stratnum.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/lsyscache.h"
#include "utils/pg_locale.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "qipc_fdw.h"

/* q lambdas take at most 8 parameters */
#define QIPC_MAX_LAMBDA_ARGS	8

/* column classes: (q type, PostgreSQL type) pairs that can be pushed */
typedef enum QipcColClass
{
	QC_NONE,
	QC_BOOL,					/* b -> boolean */
	QC_GUID,					/* g -> uuid */
	QC_INT,						/* h i j -> smallint integer bigint */
	QC_FLOAT,					/* e f -> real double precision */
	QC_SYM,						/* s -> text varchar */
	QC_STR,						/* C (string column) -> text varchar */
	QC_CHAR,					/* c -> text varchar char(n) "char" (=, <>,
								 * IN) */
	QC_DATE,					/* d -> date */
	QC_TS						/* p -> timestamp timestamptz */
} QipcColClass;

/* comparison operators */
typedef enum QipcCmp
{
	CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE
} QipcCmp;

/*
 * Deparse context.  In check mode (buf == NULL) nothing is written, but
 * arguments and columns are registered all the same so that the limits on
 * lambda parameters are checked exactly as they will be when writing.
 */
typedef struct DeparseCxt
{
	PlannerInfo *root;
	Index		relid;			/* range table index of the scanned rel */
	Oid			foreigntableid;
	const char *qtypes;			/* q type letter per attnum-1 ('\0' unknown) */
	const char *qattrs;			/* q attribute per attnum-1 ('\0' none) */
	int			natts;
	StringInfo	buf;			/* output, or NULL to check only */

	/* scan arguments, shared by all conditions of the scan */
	List	   *arg_exprs;		/* Expr per argument */
	List	   *arg_convs;		/* IntList: QIPC_CONV_* per argument */

	/* the condition being deparsed */
	List	   *cond_args;		/* IntList: argument numbers it uses */
	List	   *cond_cols;		/* IntList: attnums it reads */

	/* the lambda leaf being written (lambda_leaf) */
	List	   *leaf_args;		/* IntList: argument numbers */
	List	   *leaf_cols;		/* IntList: attnums */
	bool		too_many;		/* a leaf lambda needs more than 8 parameters */

	/*
	 * HAVING (upper.c): the "columns" are the aggregation's result columns:
	 * upper_tlist entry k is column k+1, named upper_names[k] in q, with q
	 * type letter qtypes[k].  NIL for a base scan.
	 */
	List	   *upper_tlist;	/* TargetEntries */
	List	   *upper_names;	/* String per entry */

	/*
	 * Value expressions (expr.c): the condition being checked used one
	 * (exprcond), and its pushed form is a superset of the rows that must
	 * be checked again by PostgreSQL (recheck: it has hazard rows).  The
	 * partition column is never inside an expression.
	 */
	bool		exprcond;
	bool		recheck;
	AttrNumber	partattno;

	/*
	 * Strict values (qipc_deparse_scan_conditions): strict_scan when the
	 * conditions are those of a base scan's own rows, so that a value whose
	 * NULL makes a top-level condition false can be marked QIPC_CONV_STRICT
	 * (the scan is then empty, scan.c) instead of being tested in q; strict
	 * while the subphrase being written is such a top-level one (not inside a
	 * disjunction).
	 */
	bool		strict_scan;
	bool		strict;
} DeparseCxt;

static bool deparse_cond(Expr *node, bool want_true, DeparseCxt *cxt,
						 List **conj);
static bool like_within_q_limits(const char *qpat);
static int64 scan_limit(PlannerInfo *root, RelOptInfo *baserel,
						ForeignPath *best_path, List *local_exprs);
static char *append_sort_and_limit(PlannerInfo *root, RelOptInfo *baserel,
								   List *pathkeys, List *keys, List *knames,
								   List *enames, List *nnames,
								   const char *keep, const char *sel,
								   int limit_arg);
/*
 * A sort key of a base scan: a plain column (attnum), or an expression q
 * computes per row (tree): a value expression (expr.c) or an extract /
 * date_part field or date_bin bucket (timepart.c).  For an expression,
 * errs (or NULL) is true on the rows where PostgreSQL raises an error
 * computing the key (expr.c's error hazards), nans (or NULL) on the rows
 * where its value is NaN, which q holds as null.
 */
typedef struct SortKey
{
	AttrNumber	attnum;
	char	   *tree;
	char		qt;				/* q type letter of the key's values */
	char	   *errs;
	char	   *nans;
} SortKey;

static bool sort_key_of(DeparseCxt *cxt, RelOptInfo *baserel, PathKey *pk,
						bool last, SortKey *sk);

/* ----------------------------------------------------------------
 * q column types
 * ----------------------------------------------------------------
 */

/*
 * get_qtypes
 *		The q type letters of the columns of a foreign table, indexed by
 *		attnum-1 ('\0' where unknown), palloc'd; NULL if q could not tell
 *		(then nothing is pushed).  *attrs gets the attribute letters
 *		('s', 'u', 'p', 'g' or '\0') the same way.  The q server's meta is
 *		cached (remote_meta.c).
 */
static char *
get_qtypes(Oid relid, QipcFdwRelationInfo *fpinfo, Oid userid, int *natts,
		   char **attrs)
{
	const		QipcRemoteMeta *meta;
	char	  **names;
	int		   *declared;
	char	   *result;
	int			n;
	int			i;

	if (fpinfo->topts.table == NULL || fpinfo->topts.query != NULL ||
		fpinfo->topts.function != NULL)
		return NULL;

	/* the remote name of each live column (NULL: dropped) */
	{
		Relation	rel = table_open(relid, NoLock);
		TupleDesc	tupdesc = RelationGetDescr(rel);

		n = tupdesc->natts;
		names = palloc0(sizeof(char *) * Max(n, 1));
		declared = palloc0(sizeof(int) * Max(n, 1));
		for (i = 1; i <= n; i++)
		{
			if (!TupleDescAttr(tupdesc, i - 1)->attisdropped)
			{
				names[i - 1] = qipc_get_column_name(relid, i);
				declared[i - 1] = qipc_get_column_attribute(relid, i);
			}
		}
		table_close(rel, NoLock);
	}

	/*
	 * The cached meta is only read between here and the end of the loop
	 * below, which does no catalog access (an invalidation frees it).
	 */
	meta = qipc_relation_meta(relid, fpinfo->server->serverid, userid,
							  fpinfo->topts.table);
	if (meta == NULL)
		return NULL;

	result = palloc0(n + 1);
	*attrs = palloc0(n + 1);
	for (i = 0; i < n; i++)
	{
		int			c;

		if (names[i] == NULL)
			continue;
		for (c = 0; c < meta->ncols; c++)
		{
			if (strcmp(meta->names[c], names[i]) == 0)
			{
				result[i] = meta->types[c];
				(*attrs)[i] = meta->attrs[c];
				break;
			}
		}

		/*
		 * The column option attribute (written by IMPORT FOREIGN SCHEMA, or
		 * declared by the user) wins over meta.  An attribute only orders
		 * the where-subphrases and picks the form the attribute serves; it
		 * never changes an answer, so a stale declaration costs speed only.
		 */
		if (declared[i] >= 0)
			(*attrs)[i] = (char) declared[i];
	}
	*natts = n;
	return result;
}

/* ----------------------------------------------------------------
 * q text: literals, names and the base select
 * ----------------------------------------------------------------
 */

/*
 * qipc_is_q_name
 *		See qipc_fdw.h.  A q name is made of ASCII letters, digits and '_'
 *		and begins with a letter; a dot before a name, or between names,
 *		makes a namespaced one (".sim.trade").  Bytes >= 128 never belong to
 *		a name.
 */
bool
qipc_is_q_name(const char *s)
{
	const char *p = s;

	if (*p == '.')
		p++;
	for (;;)
	{
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
		p++;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || *p == '_')
			p++;
		if (*p == '\0')
			return true;
		if (*p != '.')
			return false;
		p++;
	}
}

/*
 * qipc_append_string
 *		See qipc_fdw.h.  Escapes ", \ and control/non-ASCII bytes (as \NNN
 *		octal), so the literal is plain ASCII.
 */
void
qipc_append_string(StringInfo buf, const char *s)
{
	const unsigned char *p;

	if (strlen(s) == 1)
		appendStringInfoString(buf, "(enlist ");
	appendStringInfoChar(buf, '"');
	for (p = (const unsigned char *) s; *p; p++)
	{
		if (*p == '"' || *p == '\\')
		{
			appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, *p);
		}
		else if (*p == '\n')
			appendStringInfoString(buf, "\\n");
		else if (*p == '\t')
			appendStringInfoString(buf, "\\t");
		else if (*p == '\r')
			appendStringInfoString(buf, "\\r");
		else if (*p < 32 || *p >= 127)
			appendStringInfo(buf, "\\%03o", *p);
		else
			appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
	if (strlen(s) == 1)
		appendStringInfoChar(buf, ')');
}

/*
 * qipc_append_symbol
 *		See qipc_fdw.h.
 */
void
qipc_append_symbol(StringInfo buf, const char *name)
{
	if (qipc_is_q_name(name))
	{
		appendStringInfoChar(buf, '`');
		appendStringInfoString(buf, name);
	}
	else
	{
		appendStringInfoString(buf, "(`$");
		qipc_append_string(buf, name);
		appendStringInfoChar(buf, ')');
	}
}

/*
 * qipc_build_select
 *		See qipc_fdw.h.  With no columns the query counts the rows:
 *		count ?[t;();0b;()] (the result is a long atom).
 */
char *
qipc_build_select(const char *table, List *colnames)
{
	StringInfoData buf;

	initStringInfo(&buf);
	if (colnames == NIL)
	{
		appendStringInfoString(&buf, "count ?[");
		qipc_append_symbol(&buf, table);
		appendStringInfoString(&buf, ";();0b;()]");
		return buf.data;
	}

	appendStringInfoString(&buf, "?[");
	qipc_append_symbol(&buf, table);
	appendStringInfoString(&buf, ";();0b;");
	qipc_append_symbol_list(&buf, colnames);
	appendStringInfoChar(&buf, '!');
	qipc_append_symbol_list(&buf, colnames);
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/* ----------------------------------------------------------------
 * Classification helpers
 * ----------------------------------------------------------------
 */

/* strip binary-compatible relabelings (varchar -> text) */
static Expr *
strip_relabel(Expr *e)
{
	while (e && IsA(e, RelabelType))
		e = ((RelabelType *) e)->arg;
	return e;
}

/*
 * column_class
 *		The class of column "attnum" of the scanned relation for the
 *		declared type typid, or QC_NONE if it cannot be pushed.
 */
static QipcColClass
column_class(DeparseCxt *cxt, AttrNumber attnum, Oid typid)
{
	char		qt;

	if (attnum <= 0 || attnum > cxt->natts || cxt->qtypes == NULL)
		return QC_NONE;
	qt = cxt->qtypes[attnum - 1];
	switch (qt)
	{
		case 'b':
			return typid == BOOLOID ? QC_BOOL : QC_NONE;
		case 'g':
			return typid == UUIDOID ? QC_GUID : QC_NONE;
		case 'h':
			return (typid == INT2OID || typid == INT4OID || typid == INT8OID) ? QC_INT : QC_NONE;
		case 'i':
			return (typid == INT4OID || typid == INT8OID) ? QC_INT : QC_NONE;
		case 'j':
			return typid == INT8OID ? QC_INT : QC_NONE;
		case 'e':
			return (typid == FLOAT4OID || typid == FLOAT8OID) ? QC_FLOAT : QC_NONE;
		case 'f':
			return typid == FLOAT8OID ? QC_FLOAT : QC_NONE;
		case 's':
			return (typid == TEXTOID || typid == VARCHAROID) ? QC_SYM : QC_NONE;
		case 'C':
			return (typid == TEXTOID || typid == VARCHAROID) ? QC_STR : QC_NONE;
		case 'c':
			return (typid == TEXTOID || typid == VARCHAROID ||
					typid == BPCHAROID || typid == CHAROID) ? QC_CHAR : QC_NONE;
		case 'd':
			return typid == DATEOID ? QC_DATE : QC_NONE;
		case 'p':
			return (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID) ? QC_TS : QC_NONE;
		default:
			return QC_NONE;
	}
}

/* the Var of the scanned relation under e, or NULL */
static Var *
get_column_var(Expr *e, DeparseCxt *cxt)
{
	if (cxt->upper_tlist != NIL)
	{
		/* a result column of the aggregation: a stand-in Var for it */
		ListCell   *lc;
		int			k = 0;

		foreach(lc, cxt->upper_tlist)
		{
			Expr	   *te = ((TargetEntry *) lfirst(lc))->expr;

			k++;
			if (equal(te, e) || equal(te, strip_relabel(e)))
				return makeVar(cxt->relid, k, exprType((Node *) te),
							   exprTypmod((Node *) te),
							   exprCollation((Node *) te), 0);
		}
		return NULL;
	}
	e = strip_relabel(e);
	if (e && IsA(e, Var))
	{
		Var		   *v = (Var *) e;

		if (v->varno == cxt->relid && v->varlevelsup == 0 && v->varattno > 0)
			return v;
	}
	return NULL;
}

/*
 * A Const, a Param, or a column of another relation (a join clause of a
 * parameterized path: the planner turns it into a Param in fdw_exprs)
 * under e: a value known when the scan starts.  NULL otherwise.
 */
#define get_value(e) get_value_cxt((e), cxt)
static Expr *
get_value_cxt(Expr *e, DeparseCxt *cxt)
{
	e = strip_relabel(e);
	if (e == NULL)
		return NULL;
	if (IsA(e, Const))
		return e;
	if (IsA(e, Var) && ((Var *) e)->varno != cxt->relid &&
		((Var *) e)->varlevelsup == 0 && cxt->upper_tlist == NIL)
		return e;
	if (IsA(e, Param))
	{
		Param	   *p = (Param *) e;

		if (p->paramkind == PARAM_EXTERN || p->paramkind == PARAM_EXEC)
			return e;
	}
	return NULL;
}

/* the comparison a built-in operator name stands for, or -1 */
static int
cmp_of_opname(const char *name)
{
	if (strcmp(name, "=") == 0)
		return CMP_EQ;
	if (strcmp(name, "<>") == 0)
		return CMP_NE;
	if (strcmp(name, "<") == 0)
		return CMP_LT;
	if (strcmp(name, "<=") == 0)
		return CMP_LE;
	if (strcmp(name, ">") == 0)
		return CMP_GT;
	if (strcmp(name, ">=") == 0)
		return CMP_GE;
	return -1;
}

static QipcCmp
cmp_negate(QipcCmp c)
{
	switch (c)
	{
		case CMP_EQ:
			return CMP_NE;
		case CMP_NE:
			return CMP_EQ;
		case CMP_LT:
			return CMP_GE;
		case CMP_LE:
			return CMP_GT;
		case CMP_GT:
			return CMP_LE;
		case CMP_GE:
			return CMP_LT;
	}
	return c;
}

static QipcCmp
cmp_commute(QipcCmp c)
{
	switch (c)
	{
		case CMP_LT:
			return CMP_GT;
		case CMP_LE:
			return CMP_GE;
		case CMP_GT:
			return CMP_LT;
		case CMP_GE:
			return CMP_LE;
		default:
			return c;
	}
}

/* does the value's type fit the column class? */
static bool
value_type_ok(QipcColClass cls, Oid coltype, Oid valtype)
{
	switch (cls)
	{
		case QC_BOOL:
			return valtype == BOOLOID;
		case QC_GUID:
			return valtype == UUIDOID;
		case QC_INT:
			return valtype == INT2OID || valtype == INT4OID || valtype == INT8OID;
		case QC_FLOAT:
			return valtype == FLOAT4OID || valtype == FLOAT8OID;
		case QC_SYM:
		case QC_STR:
			return valtype == TEXTOID || valtype == VARCHAROID;
		case QC_CHAR:
			if (coltype == CHAROID || coltype == BPCHAROID)
				return valtype == coltype;
			return valtype == TEXTOID || valtype == VARCHAROID;
		case QC_DATE:
			return valtype == DATEOID;
		case QC_TS:
			return valtype == coltype;
		default:
			return false;
	}
}

/* ----------------------------------------------------------------
 * Arguments and output
 * ----------------------------------------------------------------
 */

/*
 * add_arg
 *		Register scan argument (expr, conv) for the current condition and
 *		return its number; identical arguments share a number.
 */
static int
add_arg(DeparseCxt *cxt, Expr *expr, int conv)
{
	ListCell   *le;
	ListCell   *lc;
	int			k = 0;

	forboth(le, cxt->arg_exprs, lc, cxt->arg_convs)
	{
		if ((lfirst_int(lc) & ~QIPC_CONV_STRICT) == conv &&
			equal(lfirst(le), expr))
			break;
		k++;
	}
	if (k == list_length(cxt->arg_exprs))
	{
		cxt->arg_exprs = lappend(cxt->arg_exprs, expr);
		cxt->arg_convs = lappend_int(cxt->arg_convs, conv);
	}
	cxt->cond_args = list_append_unique_int(cxt->cond_args, k);
	cxt->leaf_args = list_append_unique_int(cxt->leaf_args, k);
	return k;
}

/*
 * null_arg
 *		For a value known only at execution (a Param, or a column of another
 *		relation), which SQL compares with nothing when it is NULL while q
 *		would compare a null argument like any other value: where the
 *		condition being written is a top-level one of a base scan
 *		(cxt->strict), the value's argument aK is marked QIPC_CONV_STRICT,
 *		so that a NULL value empties the scan, and -1 is returned: nothing
 *		to test in q.  Elsewhere the number of the argument "the value is
 *		NULL" (a boolean), which the caller tests.  A Const (never NULL
 *		here) needs neither: -1.
 */
static int
null_arg(DeparseCxt *cxt, Expr *value, int k)
{
	NullTest   *nt;

	if (!IsA(value, Param) && !IsA(value, Var))
		return -1;
	if (cxt->strict)
	{
		ListCell   *lc = list_nth_cell(cxt->arg_convs, k);

		lfirst_int(lc) |= QIPC_CONV_STRICT;
		return -1;
	}
	nt = makeNode(NullTest);
	nt->arg = (Expr *) copyObject(value);
	nt->nulltesttype = IS_NULL;
	nt->argisrow = false;
	nt->location = -1;
	return add_arg(cxt, (Expr *) nt, QIPC_CONV_NATURAL);
}

/* register a column for the current condition */
static void
add_col(DeparseCxt *cxt, AttrNumber attnum)
{
	cxt->cond_cols = list_append_unique_int(cxt->cond_cols, attnum);
	cxt->leaf_cols = list_append_unique_int(cxt->leaf_cols, attnum);
}

/*
 * col_sym
 *		The q symbol naming column attnum in a parse tree: a column of the
 *		foreign table, or a result column of the aggregation (HAVING).
 */
static char *
col_sym(DeparseCxt *cxt, AttrNumber attnum)
{
	StringInfoData b;

	initStringInfo(&b);
	if (cxt->upper_tlist != NIL)
		qipc_append_symbol(&b, strVal(list_nth(cxt->upper_names, attnum - 1)));
	else
		qipc_append_symbol(&b, qipc_get_column_name(cxt->foreigntableid,
													attnum));
	return b.data;
}

/*
 * null_guard
 *		The where subphrase "column attnum is not null", or NULL for
 *		classes that q cannot hold nulls in.  Symbols are tested with
 *		x=`$"" (null is always 0b on enumerated symbols in a kdb+
 *		database); the one-item symbol list is the parse tree of a symbol
 *		constant.
 */
static char *
null_guard(DeparseCxt *cxt, QipcColClass cls, AttrNumber attnum)
{
	if (cls == QC_SYM)
		return psprintf("(not;(=;%s;(enlist`$\"\")))", col_sym(cxt, attnum));
	if (cls == QC_STR || cls == QC_BOOL)
		return NULL;
	return psprintf("(not;(null;%s))", col_sym(cxt, attnum));
}

/* the conjunction of parse trees conj (a List of char *) as one tree */
static char *
and_of(List *conj)
{
	char	   *r = NULL;
	int			i;

	if (conj == NIL)
		return pstrdup("1b");
	for (i = list_length(conj) - 1; i >= 0; i--)
	{
		char	   *c = (char *) list_nth(conj, i);

		r = r ? psprintf("(&;%s;%s)", c, r) : c;
	}
	return r;
}

/*
 * value_guard
 *		The tree "tree" comparing with value, sent as argument a: as it is
 *		when the value cannot be NULL in q or is strict (null_arg), else
 *		"(&;(not;aK);tree)" where aK is the boolean "the value is NULL".
 */
static char *
value_guard(DeparseCxt *cxt, Expr *value, int a, char *tree)
{
	int			k = null_arg(cxt, value, a);

	return k < 0 ? tree : psprintf("(&;(not;a%d);%s)", k, tree);
}

/*
 * lambda_leaf
 *		A condition that has no plain parse tree (a float parameter, which
 *		may be NaN or infinite): the q lambda
 *		"body" over the arguments (aN) and columns (xN) registered for this
 *		leaf, applied to them: ({[a0;x1] body}[a0];`col).  The arguments
 *		are those of the enclosing scan lambda, bound by projection.
 */
static char *
lambda_leaf(DeparseCxt *cxt, const char *body)
{
	StringInfoData b;
	ListCell   *l2;
	bool		firstp = true;

	initStringInfo(&b);
	appendStringInfoString(&b, "({[");
	foreach(l2, cxt->leaf_args)
	{
		appendStringInfo(&b, "%sa%d", firstp ? "" : ";", lfirst_int(l2));
		firstp = false;
	}
	foreach(l2, cxt->leaf_cols)
	{
		appendStringInfo(&b, "%sx%d", firstp ? "" : ";", lfirst_int(l2));
		firstp = false;
	}
	appendStringInfo(&b, "] %s}", body);
	if (cxt->leaf_args != NIL)
	{
		appendStringInfoChar(&b, '[');
		foreach(l2, cxt->leaf_args)
		{
			if (l2 != list_head(cxt->leaf_args))
				appendStringInfoChar(&b, ';');
			appendStringInfo(&b, "a%d", lfirst_int(l2));
		}
		appendStringInfoChar(&b, ']');
	}
	foreach(l2, cxt->leaf_cols)
		appendStringInfo(&b, ";%s", col_sym(cxt, lfirst_int(l2)));
	appendStringInfoChar(&b, ')');
	if (list_length(cxt->leaf_args) + list_length(cxt->leaf_cols) >
		QIPC_MAX_LAMBDA_ARGS)
		cxt->too_many = true;
	return b.data;
}

/* a string column is a general list: "b"$ keeps like's result boolean */
static char *
str_bool(QipcColClass cls, char *tree)
{
	return cls == QC_STR ? psprintf("($;\"b\";%s)", tree) : tree;
}

/* append the guard (if any) after the main tree */
static List *
with_guard(List *conj, char *tree, char *guard)
{
	conj = lappend(conj, tree);
	if (guard)
		conj = lappend(conj, guard);
	return conj;
}

/* ----------------------------------------------------------------
 * Conditions
 * ----------------------------------------------------------------
 */

/*
 * Each condition becomes a list of where subphrases (parse trees, as q
 * text that evaluates to them inside the scan lambda; the constants are
 * the lambda's arguments aN, never q text), all of which must hold.
 */

/*
 * deparse_comparison
 *		column op value, value op column, LIKE.  See the file header for the
 *		translations.
 */
static bool
deparse_comparison(OpExpr *op, bool want_true, DeparseCxt *cxt, List **conj)
{
	Expr	   *left;
	Expr	   *right;
	Var		   *var;
	Expr	   *value;
	char	   *opname;
	int			c;
	QipcCmp		cmp;
	QipcColClass cls;
	Oid			valtype;
	int			a;
	int			x;
	char	   *X;
	char	   *guard;

	if (list_length(op->args) != 2 || op->opno >= FirstGenbkiObjectId)
		return false;
	opname = get_opname(op->opno);
	if (opname == NULL)
		return false;

	left = linitial(op->args);
	right = lsecond(op->args);

	/* LIKE and NOT LIKE; ILIKE and NOT ILIKE */
	if (strcmp(opname, "~~") == 0 || strcmp(opname, "!~~") == 0 ||
		strcmp(opname, "~~*") == 0 || strcmp(opname, "!~~*") == 0)
	{
		bool		positive = (opname[0] == '~');
		bool		icase = (opname[strlen(opname) - 1] == '*');
		char	   *tree;
		char	   *colx;

		var = get_column_var(left, cxt);
		value = get_value(right);
		if (var == NULL || value == NULL)
			return false;
		cls = column_class(cxt, var->varattno, var->vartype);
		if (cls != QC_SYM && cls != QC_STR)
			return false;
		if (exprType((Node *) value) != TEXTOID &&
			exprType((Node *) value) != VARCHAROID)
			return false;
		if (OidIsValid(op->inputcollid) &&
			!get_collation_isdeterministic(op->inputcollid))
			return false;

		/*
		 * ILIKE folds case: under the C collation PostgreSQL lowers ASCII
		 * letters only, byte by byte, as q's lower does (the rule of
		 * upper/lower in expr.c); other collations fold other letters too.
		 * The partition column is never pushed inside an expression.
		 */
		if (icase &&
			(!(op->inputcollid == C_COLLATION_OID ||
			   op->inputcollid == POSIX_COLLATION_OID) ||
			 var->varattno == cxt->partattno))
			return false;
		if (IsA(value, Const))
		{
			Const	   *k = (Const *) value;
			char	   *pat;
			int			len;

			if (k->constisnull)
				return false;
			pat = TextDatumGetCString(k->constvalue);
			len = strlen(pat);
			/* PostgreSQL raises an error for a trailing escape: keep it */
			{
				int			i;

				for (i = 0; i < len; i++)
				{
					if (pat[i] == '\\')
					{
						if (i + 1 >= len)
							return false;
						i++;
					}
					else if (pat[i] == '_' && pg_database_encoding_max_length() > 1)
						return false;	/* q's ? is one byte, _ one character */
					if (icase && IS_HIGHBIT_SET(pat[i]))
						return false;	/* only ASCII patterns fold alike */
				}
			}
			/* q's like cannot evaluate every combination of * */
			if (!like_within_q_limits(qipc_like_pattern(pat, len, false)))
				return false;

			/*
			 * ILIKE: the column is lowered in q, the pattern here (its ASCII
			 * letters; an escaped letter stays literal, so lowering it
			 * keeps its meaning).  q's specials are never letters.
			 */
			if (icase)
			{
				int			i;

				for (i = 0; i < len; i++)
					pat[i] = pg_ascii_tolower((unsigned char) pat[i]);
				value = (Expr *) makeConst(k->consttype, k->consttypmod,
										   k->constcollid, -1,
										   CStringGetTextDatum(pat),
										   false, false);
			}
		}
		else
		{
			/*
			 * A parameter's pattern is only known at execution, when it could
			 * be one that q cannot evaluate (see like_within_q_limits): keep
			 * it local.  Custom plans of prepared statements see a constant
			 * and push it.
			 */
			return false;
		}

		if (!want_true)
			positive = !positive;
		x = var->varattno;
		add_col(cxt, x);
		a = add_arg(cxt, value, QIPC_CONV_LIKE);
		colx = col_sym(cxt, x);
		if (icase)
			colx = psprintf("(lower;%s)", colx);
		tree = str_bool(cls, psprintf("(like;%s;a%d)", colx, a));
		if (!positive)
			tree = psprintf("(not;%s)", tree);
		*conj = with_guard(*conj, tree, null_guard(cxt, cls, x));
		return true;
	}

	c = cmp_of_opname(opname);
	if (c < 0)
		return false;
	cmp = (QipcCmp) c;

	var = get_column_var(left, cxt);
	value = get_value(right);
	if (var == NULL)
	{
		var = get_column_var(right, cxt);
		value = get_value(left);
		cmp = cmp_commute(cmp);
	}
	if (var == NULL || value == NULL)
		return false;

	cls = column_class(cxt, var->varattno, var->vartype);
	if (cls == QC_NONE)
		return false;
	valtype = exprType((Node *) value);
	if (!value_type_ok(cls, var->vartype, valtype))
		return false;

	/* operators that only exist for equality */
	if ((cls == QC_BOOL || cls == QC_GUID || cls == QC_STR ||
		 cls == QC_CHAR) &&
		cmp != CMP_EQ && cmp != CMP_NE)
		return false;

	/* text: order only in "C", equality under deterministic collations */
	if (cls == QC_SYM || cls == QC_STR || cls == QC_CHAR)
	{
		if (cmp == CMP_EQ || cmp == CMP_NE)
		{
			if (OidIsValid(op->inputcollid) &&
				!get_collation_isdeterministic(op->inputcollid))
				return false;
		}
		else if (!OidIsValid(op->inputcollid) ||
				 !qipc_collation_is_c(op->inputcollid))
			return false;
	}

	if (IsA(value, Const))
	{
		Const	   *k = (Const *) value;

		if (k->constisnull)
			return false;
		if (cls == QC_FLOAT)
		{
			double		d = (valtype == FLOAT4OID) ?
			DatumGetFloat4(k->constvalue) : DatumGetFloat8(k->constvalue);

			if (isnan(d) || isinf(d))
				return false;
		}
	}

	if (!want_true)
		cmp = cmp_negate(cmp);

	x = var->varattno;
	add_col(cxt, x);
	X = col_sym(cxt, x);

	/* q's x<a, x<=a, x<>a hold for a null x: those need the guard */
	guard = (cmp == CMP_NE || cmp == CMP_LT || cmp == CMP_LE) ?
		null_guard(cxt, cls, x) : NULL;

	switch (cls)
	{
		case QC_BOOL:
		case QC_GUID:
		case QC_DATE:
		case QC_INT:
		case QC_SYM:
			{
				int			conv = QIPC_CONV_NATURAL;
				char	   *A;
				char	   *tree = NULL;

				if (cls == QC_INT)
					conv = QIPC_CONV_LONG;
				else if (cls == QC_SYM)
					conv = QIPC_CONV_SYMBOL;
				a = add_arg(cxt, value, conv);
				/* a symbol constant is a one-item symbol list */
				A = (cls == QC_SYM) ? psprintf("(enlist a%d)", a) :
					psprintf("a%d", a);

				/*
				 * A value that q takes for null (`$"" from '', the zero uuid)
				 * also satisfies x=a and x>=a for a null x: a parameter may
				 * be one, a constant is checked.
				 */
				if (guard == NULL && (cls == QC_SYM || cls == QC_GUID))
				{
					bool		nullish = true;

					if (IsA(value, Const))
					{
						Const	   *k = (Const *) value;

						if (cls == QC_SYM)
							nullish = (TextDatumGetCString(k->constvalue)[0] == '\0');
						else
						{
							pg_uuid_t  *u = DatumGetUUIDP(k->constvalue);
							int			i;

							for (i = 0; i < UUID_LEN; i++)
								if (u->data[i] != 0)
									nullish = false;
						}
					}
					if (nullish)
						guard = null_guard(cxt, cls, x);
				}
				switch (cmp)
				{
					case CMP_EQ:
						tree = psprintf("(=;%s;%s)", X, A);
						break;
					case CMP_NE:
						tree = psprintf("(not;(=;%s;%s))", X, A);
						break;
					case CMP_LT:
						tree = psprintf("(<;%s;%s)", X, A);
						break;
					case CMP_LE:
						tree = psprintf("(not;(>;%s;%s))", X, A);
						break;
					case CMP_GT:
						tree = psprintf("(>;%s;%s)", X, A);
						break;
					case CMP_GE:
						tree = psprintf("(not;(<;%s;%s))", X, A);
						break;
				}
				*conj = with_guard(*conj, value_guard(cxt, value, a, tree), guard);
				break;
			}
		case QC_FLOAT:
			{
				if (IsA(value, Const))
				{
					/*
					 * Exact: the sign of x-a, since only 0 is tolerantly
					 * equal to 0 (a is finite, not NaN: checked above).
					 */
					static const char *const fops[] = {
						"(=;(-;%s;a%d);0f)", "(not;(=;(-;%s;a%d);0f))",
						"(<;(-;%s;a%d);0f)", "(not;(>;(-;%s;a%d);0f))",
						"(>;(-;%s;a%d);0f)", "(not;(<;(-;%s;a%d);0f))"
					};

					a = add_arg(cxt, value, QIPC_CONV_NATURAL);
					*conj = with_guard(*conj, psprintf(fops[cmp], X, a), guard);
				}
				else
				{
					/*
					 * A parameter (sent as a q float) can be NaN or infinite.
					 * NaN is q's null; for PostgreSQL it is above every
					 * value, and the column never holds one (q NaN reads as
					 * NULL): x<NaN, x<=NaN, x<>NaN are true, the others
					 * false.  Infinities compare exactly with q's own < =
					 * (tolerance applies to finite floats only; "in" is
					 * exact); x-a would give NaN for x=a=infinity.  That
					 * needs a branch on the value: a lambda.
					 */
					static const char *const nan_result[] = {
						"0b", "1b", "1b", "1b", "0b", "0b"
					};
					static const char *const inf_ops[] = {
						"(x%d=a%d)", "(not x%d=a%d)", "(x%d<a%d)",
						"(not x%d>a%d)", "(x%d>a%d)", "(not x%d<a%d)"
					};
					static const char *const lops[] = {
						"(0=(x%d-a%d))", "(not 0=(x%d-a%d))",
						"(0>(x%d-a%d))", "(not 0<(x%d-a%d))",
						"(0<(x%d-a%d))", "(not 0>(x%d-a%d))"
					};
					StringInfoData body;
					int			g;

					cxt->leaf_args = NIL;
					cxt->leaf_cols = NIL;
					add_col(cxt, x);
					g = add_arg(cxt, value, QIPC_CONV_QTYPE(KIPC_T_FLOAT));
					initStringInfo(&body);
					{
						int			k = null_arg(cxt, value, g);

						if (k >= 0)
							appendStringInfo(&body, "(not a%d)&", k);
					}
					appendStringInfo(&body, "(not null x%d)&", x);
					appendStringInfo(&body, "$[null a%d; %s; a%d in -0w 0w; ",
									 g, nan_result[cmp], g);
					appendStringInfo(&body, inf_ops[cmp], x, g);
					appendStringInfoString(&body, "; ");
					appendStringInfo(&body, lops[cmp], x, g);
					appendStringInfoChar(&body, ']');
					*conj = lappend(*conj, lambda_leaf(cxt, body.data));
				}
				break;
			}
		case QC_STR:
			{
				/* string columns: exact match through an escaped pattern */
				char	   *tree;

				a = add_arg(cxt, value, QIPC_CONV_EXACT);
				tree = str_bool(cls, psprintf("(like;%s;a%d)", X, a));
				if (cmp != CMP_EQ)
					tree = psprintf("(not;%s)", tree);
				*conj = lappend(*conj, value_guard(cxt, value, a, tree));
				break;
			}
		case QC_CHAR:
			{
				/*
				 * A char column holds one byte per row, the space being q's
				 * null (NULL in SQL).  The value is sent as a char atom
				 * (QIPC_CONV_CHAR): its byte when it is one byte long (for
				 * char(n), after PostgreSQL's trailing-space stripping),
				 * otherwise the space, which the null guard keeps from
				 * matching: such a value equals no value of the column.
				 */
				char	   *tree;

				a = add_arg(cxt, value, QIPC_CONV_CHAR);
				tree = psprintf(cmp == CMP_EQ ? "(=;%s;a%d)" : "(not;(=;%s;a%d))",
								X, a);
				*conj = with_guard(*conj, value_guard(cxt, value, a, tree),
								   null_guard(cxt, cls, x));
				break;
			}
		case QC_TS:
			{
				char	   *tree = NULL;
				int			lo;
				int			last;

				a = -1;

				/*
				 * With c in microseconds and n the q nanoseconds (not null),
				 * floor(n/1000) < c <=> n < lo where lo = c*1000, and
				 * floor(n/1000) <= c <=> n <= L where L = (c+1)*1000-1, the
				 * last nanosecond of c (QIPC_CONV_TS_LO and _TS_LAST, see
				 * ts_bound and ts_last in typemap.c: both clamped to q's
				 * range, infinities to 0W and -0W).  Both exist for every c,
				 * so constants and parameters alike get plain subphrases,
				 * and = is within, which s# answers by binary search.  Both
				 * bounds are above q's null (-0W at least), so the forms
				 * true for a null n are those of <, <= and <> (guarded).
				 */
				switch (cmp)
				{
					case CMP_EQ:
					case CMP_NE:
						lo = add_arg(cxt, value, QIPC_CONV_TS_LO);
						last = add_arg(cxt, value, QIPC_CONV_TS_LAST);
						tree = psprintf("(within;%s;(a%d;a%d))", X, lo, last);
						if (cmp == CMP_NE)
							tree = psprintf("(not;%s)", tree);
						a = lo;
						break;
					case CMP_LT:
						a = add_arg(cxt, value, QIPC_CONV_TS_LO);
						tree = psprintf("(<;%s;a%d)", X, a);
						break;
					case CMP_GE:
						a = add_arg(cxt, value, QIPC_CONV_TS_LO);
						tree = psprintf("(not;(<;%s;a%d))", X, a);
						break;
					case CMP_LE:
						a = add_arg(cxt, value, QIPC_CONV_TS_LAST);
						tree = psprintf("(not;(>;%s;a%d))", X, a);
						break;
					case CMP_GT:
						a = add_arg(cxt, value, QIPC_CONV_TS_LAST);
						tree = psprintf("(>;%s;a%d)", X, a);
						break;
				}
				*conj = with_guard(*conj, value_guard(cxt, value, a, tree), guard);
				break;
			}
		default:
			elog(ERROR, "unexpected column class %d", (int) cls);
	}
	return true;
}

/*
 * in_list_conv
 *		Can "x in list" be pushed for a list of elemtype elements and the
 *		column var of class cls, and how is the list sent (*conv)?  For a
 *		constant array (runtime false) integer elements of any width are
 *		accepted (deparse_in checks each value) and sent as a vector of the
 *		column's q type; an array known only at execution (runtime) must
 *		have elements that fit the column's type, and those that are q
 *		nulls or infinities of it are dropped when it is sent
 *		(QIPC_CONV_IN_FINITE).  Char columns take constant lists only (a
 *		char vector; see deparse_comparison), and then *nullish is set: a
 *		value longer than one byte is sent as the space, q's null char.
 */
static bool
in_list_conv(DeparseCxt *cxt, ScalarArrayOpExpr *saop, Var *var,
			 QipcColClass cls, Oid elemtype, bool runtime, int *conv,
			 bool *nullish)
{
	*conv = QIPC_CONV_NATURAL;
	*nullish = false;
	if (!OidIsValid(elemtype))
		return false;
	switch (cls)
	{
		case QC_INT:
			{
				char		qt = cxt->qtypes[var->varattno - 1];
				int			t = (qt == 'h') ? KIPC_T_SHORT :
				(qt == 'i') ? KIPC_T_INT : KIPC_T_LONG;

				if (elemtype != INT2OID && elemtype != INT4OID &&
					elemtype != INT8OID)
					return false;
				if (runtime &&
					!(elemtype == INT2OID ||
					  (elemtype == INT4OID && qt != 'h') ||
					  (elemtype == INT8OID && qt == 'j')))
					return false;
				*conv = runtime ? QIPC_CONV_IN_FINITE(t) : QIPC_CONV_QTYPE(t);
				return true;
			}
		case QC_SYM:
			if (elemtype != TEXTOID && elemtype != VARCHAROID)
				return false;
			if (OidIsValid(saop->inputcollid) &&
				!get_collation_isdeterministic(saop->inputcollid))
				return false;
			*conv = QIPC_CONV_SYMBOL;
			return true;
		case QC_DATE:
			return elemtype == DATEOID;
		case QC_GUID:
			return elemtype == UUIDOID;
		case QC_CHAR:
			if (runtime || !value_type_ok(cls, var->vartype, elemtype))
				return false;
			if (OidIsValid(saop->inputcollid) &&
				!get_collation_isdeterministic(saop->inputcollid))
				return false;
			*conv = QIPC_CONV_CHAR;
			*nullish = true;
			return true;
		default:
			return false;
	}
}

/*
 * deparse_in
 *		x = ANY(array) (IN) and x <> ALL(array) (NOT IN), as
 *		(in;`x;a) with the array sent as a typed q vector of the column's
 *		type (a symbol vector enlisted once more: a one-item list of it is
 *		its parse tree).
 *
 *		A constant array: arrays with NULL elements are not pushed (x IN
 *		(1, NULL) is never FALSE), integers must be finite values of the q
 *		type, and the guard (not;(null;`x)) follows where a null x would
 *		be "in" the list ('' for symbols, the zero uuid) or for NOT IN.
 *
 *		An array known only at execution (a Param: an initplan's
 *		ARRAY(...), a bind join's batch of keys, $n; or a column of another
 *		relation): only where the condition must be TRUE, since NULL
 *		elements can never make it TRUE and the guard excludes them, while
 *		"not in" would need to know about them.  A NULL array is sent as an
 *		empty vector, which matches nothing, as in SQL.
 */
static bool
deparse_in(ScalarArrayOpExpr *saop, bool want_true, DeparseCxt *cxt,
		   List **conj)
{
	Var		   *var;
	Expr	   *value;
	char	   *opname;
	bool		is_in;
	QipcColClass cls;
	int			conv;
	int			a;
	int			x;
	bool		nullish;
	bool		runtime;
	char	   *tree;

	if (list_length(saop->args) != 2 || saop->opno >= FirstGenbkiObjectId)
		return false;
	opname = get_opname(saop->opno);
	if (opname == NULL)
		return false;
	if (strcmp(opname, "=") == 0 && saop->useOr)
		is_in = true;
	else if (strcmp(opname, "<>") == 0 && !saop->useOr)
		is_in = false;
	else
		return false;

	var = get_column_var(linitial(saop->args), cxt);
	value = get_value(lsecond(saop->args));
	if (var == NULL || value == NULL)
		return false;
	runtime = !IsA(value, Const);
	if (runtime ? !(is_in && want_true) : ((Const *) value)->constisnull)
		return false;

	cls = column_class(cxt, var->varattno, var->vartype);
	if (!in_list_conv(cxt, saop, var, cls,
					  get_element_type(exprType((Node *) value)), runtime,
					  &conv, &nullish))
		return false;

	if (runtime)
		nullish = true;			/* the guard keeps q nulls out */
	else
	{
		Oid			elemtype = get_element_type(((Const *) value)->consttype);
		ArrayType  *arr = DatumGetArrayTypeP(((Const *) value)->constvalue);
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		int			i;

		/*
		 * One dimension only: = ANY flattens a multi-dimensional array, but
		 * it would be sent to q nested.  No NULL elements; integers must be
		 * finite values of the q type.
		 */
		if (ARR_NDIM(arr) > 1)
			return false;
		get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
						  &elems, &nulls, &nelems);
		for (i = 0; i < nelems; i++)
		{
			if (nulls[i])
				return false;
			if (cls == QC_INT)
			{
				int64		v = (elemtype == INT2OID) ? DatumGetInt16(elems[i]) :
				(elemtype == INT4OID) ? DatumGetInt32(elems[i]) : DatumGetInt64(elems[i]);
				char		qt = cxt->qtypes[var->varattno - 1];
				int64		lim = (qt == 'h') ? PG_INT16_MAX : (qt == 'i') ? PG_INT32_MAX : PG_INT64_MAX;

				/* finite q values: -(lim-1) .. lim-1 */
				if (v >= lim || v <= -lim)
					return false;
			}
			else if (cls == QC_SYM)
			{
				/* '' is q's null symbol: a null x would be "in" the list */
				if (TextDatumGetCString(elems[i])[0] == '\0')
					nullish = true;
			}
			else if (cls == QC_GUID)
			{
				pg_uuid_t  *u = DatumGetUUIDP(elems[i]);
				int			b;
				bool		zero = true;

				for (b = 0; b < UUID_LEN; b++)
					if (u->data[b] != 0)
						zero = false;
				if (zero)
					nullish = true;
			}
		}
		if (!want_true)
			is_in = !is_in;
	}

	x = var->varattno;
	add_col(cxt, x);
	a = add_arg(cxt, value, conv);
	tree = psprintf(cls == QC_SYM ? "(in;%s;(enlist a%d))" : "(in;%s;a%d)",
					col_sym(cxt, x), a);
	if (!is_in)
		tree = psprintf("(not;%s)", tree);
	*conj = with_guard(*conj, tree,
					   (!is_in || nullish) ? null_guard(cxt, cls, x) : NULL);
	return true;
}

/* ----------------------------------------------------------------
 * Comparisons through a date or a time bucket
 * ----------------------------------------------------------------
 */

/*
 * "var cmp v" as a comparison of two timestamps (or two timestamptz, as
 * var is) by the pg_catalog operator
 */
static Expr *
ts_cmp(Expr *var, QipcCmp cmp, Timestamp v)
{
	static const char *const names[] = {"=", "<>", "<", "<=", ">", ">="};
	Oid			opno;
	OpExpr	   *op;

	Oid			typid = exprType((Node *) var);	/* timestamp[tz] */

	opno = OpernameGetOprid(list_make2(makeString("pg_catalog"),
									   makeString(pstrdup(names[cmp]))),
							typid, typid);
	if (!OidIsValid(opno))
		return NULL;
	op = (OpExpr *) make_opclause(opno, BOOLOID, false, var,
								  (Expr *) makeConst(typid, -1, InvalidOid,
													 sizeof(Timestamp),
													 TimestampGetDatum(v),
													 false, FLOAT8PASSBYVAL),
								  InvalidOid, InvalidOid);
	op->opfuncid = get_opcode(opno);
	return (Expr *) op;
}

/*
 * "t cmp c" for t = the bucket [lo, lo+w) of the column (lo off plus a
 * multiple of w, for every value of the column) and a timestamp c, as conditions on the
 * column var itself: with hi the first bucket start at or after c,
 *	t < c  <=>  var < hi		t >= c  <=>  var >= hi
 *	t <= c <=>  var < c'		t > c	<=>  var >= c'
 * where c' is the bucket start after c (floor(c) + w); t = c when c is a
 * bucket start: c <= var < c + w, and never otherwise (left to
 * PostgreSQL); t <> c likewise.  NULL when a bound leaves the timestamp
 * range.
 */
static Expr *
bucket_cmp(Expr *var, QipcCmp cmp, Timestamp c, int64 w, int64 off)
{
	int64		lo;
	int64		next;
	int64		hi;
	int64		d;

	/* floor to a bucket start: off plus a multiple of w (0 <= off < w) */
	if (pg_sub_s64_overflow(c, off, &d))
		return NULL;
	lo = c - ((d % w) + w) % w;
	if (pg_add_s64_overflow(lo, w, &next) || !IS_VALID_TIMESTAMP(next) ||
		!IS_VALID_TIMESTAMP(lo))
		return NULL;
	hi = (lo == c) ? c : next;
	switch (cmp)
	{
		case CMP_LT:
			return ts_cmp(var, CMP_LT, hi);
		case CMP_GE:
			return ts_cmp(var, CMP_GE, hi);
		case CMP_LE:
			return ts_cmp(var, CMP_LT, next);
		case CMP_GT:
			return ts_cmp(var, CMP_GE, next);
		case CMP_EQ:
		case CMP_NE:
			{
				Expr	   *a;
				Expr	   *b;

				if (lo != c)
					return NULL;
				a = ts_cmp(var, cmp == CMP_EQ ? CMP_GE : CMP_LT, c);
				b = ts_cmp(var, cmp == CMP_EQ ? CMP_LT : CMP_GE, next);
				if (a == NULL || b == NULL)
					return NULL;
				return makeBoolExpr(cmp == CMP_EQ ? AND_EXPR : OR_EXPR,
									list_make2(a, b), -1);
			}
	}
	return NULL;
}

/*
 * time_cond_rewrite
 *		The comparisons BI tools write on a timestamp column through a date
 *		or a time bucket, as comparisons of the column itself with timestamp
 *		constants that select exactly the same rows (pushed then as plain
 *		bounds on the column, which partition pruning and s# serve):
 *		- ts OP date d (the cross-type operators): ts OP d 00:00, which is
 *		  how PostgreSQL compares them (date2timestamp, infinities kept);
 *		- ts::date OP date d: a comparison with day buckets (bucket_cmp);
 *		- date_trunc(unit, ts) OP timestamp c, for the units of one width:
 *		  a comparison with that unit's buckets (the buckets start at
 *		  multiples of the width from 2000-01-01, as date_trunc's do);
 *		- date_bin(stride, ts, origin) OP c: the buckets of the stride
 *		  from the origin (timestamp or timestamptz).
 *		Nulls stay unknown on both sides; ts = +-infinity is in no finite
 *		bucket and compares the same way on both sides.  Only constants
 *		(parameters have no value when planning), only finite date and c
 *		for the buckets; the timestamptz forms depend on TimeZone and are
 *		not rewritten.  NULL when op is none of these.
 */
static Expr *
time_cond_rewrite(OpExpr *op, DeparseCxt *cxt)
{
	Expr	   *l;
	Expr	   *r;
	Expr	   *side;
	Const	   *c;
	char	   *opname;
	int			cmp;
	Var		   *var;

	if (cxt->upper_tlist != NIL || list_length(op->args) != 2 ||
		op->opno >= FirstGenbkiObjectId)
		return NULL;
	l = strip_relabel(linitial(op->args));
	r = strip_relabel(lsecond(op->args));
	opname = get_opname(op->opno);
	if (opname == NULL || (cmp = cmp_of_opname(opname)) < 0)
		return NULL;
	if (r && IsA(r, Const))
	{
		side = l;
		c = (Const *) r;
	}
	else if (l && IsA(l, Const))
	{
		side = r;
		c = (Const *) l;
		cmp = cmp_commute((QipcCmp) cmp);
	}
	else
		return NULL;
	if (side == NULL || c->constisnull)
		return NULL;

	/* ts OP date */
	if (IsA(side, Var) && c->consttype == DATEOID)
	{
		int			overflow = 0;
		Timestamp	t;

		var = get_column_var(side, cxt);
		if (var == NULL || var->vartype != TIMESTAMPOID)
			return NULL;
		t = date2timestamp_opt_overflow(DatumGetDateADT(c->constvalue),
										&overflow);
		if (overflow != 0)
			return NULL;
		return ts_cmp((Expr *) var, (QipcCmp) cmp, t);
	}

	if (IsA(side, FuncExpr))
	{
		FuncExpr   *fe = (FuncExpr *) side;
		QipcTimeFn	tf;
		QipcBucketFn bf;

		if (fe->funcid >= FirstGenbkiObjectId || fe->funcretset)
			return NULL;

		/*
		 * date_bin(stride, ts, origin) OP c: buckets of the stride from
		 * the origin (timepart.c); for timestamptz too, as date_bin and
		 * the comparison both work on the absolute time
		 */
		if (qipc_time_fn_parse(side, &tf) && tf.kind == QIPC_TIME_BIN)
		{
			Timestamp	t;

			var = get_column_var((Expr *) tf.var, cxt);
			if (var == NULL || c->consttype != var->vartype ||
				column_class(cxt, var->varattno, var->vartype) != QC_TS)
				return NULL;
			t = DatumGetTimestamp(c->constvalue);
			if (TIMESTAMP_NOT_FINITE(t))
				return NULL;
			return bucket_cmp((Expr *) var, (QipcCmp) cmp, t, tf.stride,
							  tf.offset);
		}

		/*
		 * ts::date OP date and date_trunc(unit, ts) OP timestamp: day or
		 * unit buckets from 2000-01-01 (the buckets upper.c groups by)
		 */
		if (qipc_bucket_fn_parse(side, &bf))
		{
			Timestamp	t;

			var = get_column_var((Expr *) bf.var, cxt);
			if (var == NULL || var->vartype != TIMESTAMPOID)
				return NULL;
			if (bf.todate)
			{
				int			overflow = 0;

				if (c->consttype != DATEOID ||
					DATE_NOT_FINITE(DatumGetDateADT(c->constvalue)))
					return NULL;
				t = date2timestamp_opt_overflow(DatumGetDateADT(c->constvalue),
												&overflow);
				if (overflow != 0)
					return NULL;
			}
			else
			{
				if (c->consttype != TIMESTAMPOID)
					return NULL;
				t = DatumGetTimestamp(c->constvalue);
				if (TIMESTAMP_NOT_FINITE(t))
					return NULL;
			}
			return bucket_cmp((Expr *) var, (QipcCmp) cmp, t, bf.ns / 1000, 0);
		}
	}
	return NULL;
}

/* ----------------------------------------------------------------
 * Conditions over value expressions (expr.c)
 * ----------------------------------------------------------------
 */

/* QipcExprCxt.column: a column of the scanned table, never the partition column */
static char
expr_column(void *arg, Var *var, char **sym)
{
	DeparseCxt *cxt = (DeparseCxt *) arg;

	if (cxt->upper_tlist != NIL || cxt->qtypes == NULL ||
		var->varattno <= 0 || var->varattno > cxt->natts ||
		var->varattno == cxt->partattno)
		return '\0';
	add_col(cxt, var->varattno);
	*sym = col_sym(cxt, var->varattno);
	return cxt->qtypes[var->varattno - 1];
}

/* QipcExprCxt.add_arg */
static int
expr_add_arg(void *arg, Expr *value, int conv)
{
	return add_arg((DeparseCxt *) arg, value, conv);
}

/*
 * deparse_expr_cond
 *		A condition over value expressions (price * size > 1e6,
 *		COALESCE(sym, 'x') = 'x', upper(sym) = 'A' ...), T or F as in
 *		deparse_cond.  Where expr.c reports hazard rows (PostgreSQL raises
 *		an error or computes NaN there), the where subphrase selects them
 *		too and the condition is marked for a recheck: PostgreSQL
 *		evaluates it again on the rows q returns, so it raises the error
 *		or decides the row itself.
 */
static bool
deparse_expr_cond(Expr *node, bool want_true, DeparseCxt *cxt, List **conj)
{
	QipcExprCxt ec;
	QipcExpr	e;
	char	   *tree;

	/* a tree without a column is an atom in q, not a value per row */
	if (cxt->upper_tlist != NIL || !contain_var_clause((Node *) node))
		return false;
	memset(&ec, 0, sizeof(ec));
	ec.relid = cxt->relid;
	ec.arg = cxt;
	ec.column = expr_column;
	ec.add_arg = expr_add_arg;
	if (!qipc_deparse_condition(&ec, node, want_true, &e))
		return false;
	tree = e.tree;
	if (e.hazards != NIL || e.nan_hazards != NIL)
	{
		tree = psprintf("(|;%s;%s)", tree, qipc_expr_hazard_tree(&e));
		cxt->recheck = true;
	}
	cxt->exprcond = true;
	*conj = lappend(*conj, tree);
	return true;
}

/*
 * integral_const
 *		The value of an integer-valued numeric, double precision or integer
 *		constant within +-1e15 in *v; false for any other (a fraction, NaN,
 *		an infinity), which the comparisons below leave to PostgreSQL.
 */
static bool
integral_const(Const *c, int64 *v)
{
	switch (c->consttype)
	{
		case INT2OID:
			*v = DatumGetInt16(c->constvalue);
			return true;
		case INT4OID:
			*v = DatumGetInt32(c->constvalue);
			return true;
		case INT8OID:
			*v = DatumGetInt64(c->constvalue);
			return *v > -INT64CONST(1000000000000000) &&
				*v < INT64CONST(1000000000000000);
		case FLOAT8OID:
			{
				double		d = DatumGetFloat8(c->constvalue);

				if (isnan(d) || isinf(d) || rint(d) != d || fabs(d) >= 1e15)
					return false;
				*v = (int64) d;
				return true;
			}
		case NUMERICOID:
			{
				Numeric		n = DatumGetNumeric(c->constvalue);
				Datum		t;
				double		d;

				if (numeric_is_nan(n) || numeric_is_inf(n))
					return false;
				t = DirectFunctionCall2(numeric_trunc, c->constvalue,
										Int32GetDatum(0));
				if (!DatumGetBool(DirectFunctionCall2(numeric_eq, t,
													  c->constvalue)))
					return false;
				d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, t));
				if (fabs(d) >= 1e15)
					return false;
				*v = DatumGetInt64(DirectFunctionCall1(numeric_int8, t));
				return true;
			}
		default:
			return false;
	}
}

/*
 * time_part_cond
 *		extract(field FROM x) OP c or date_part(field, x) OP c for a field
 *		q computes exactly and an integral constant c, carried as a long
 *		argument.  The field's value is an integer, as is c, so the
 *		comparison is exact.  Fields other than the year are compared as
 *		computed for finite x, with a guard dropping the rows of a null or
 *		infinite x, where the field is NULL (qipc_time_part_cmp_q: the
 *		cheap form, `hh$x and no vector conditional).  The year is the
 *		whole tree (timepart.c: a q long, 0W/-0W for the year of
 *		+-infinity, null for NULL); q's null is below every value, so <,
 *		<= and <> get a not-null guard, as for an integer column.  Returns
 *		-1 when the condition is not of this form, else whether it was
 *		written.
 */
static int
time_part_cond(OpExpr *op, bool want_true, DeparseCxt *cxt, List **conj)
{
	Expr	   *l;
	Expr	   *r;
	Expr	   *side;
	Const	   *c;
	char	   *opname;
	int			cmp;
	QipcTimeFn	tf;
	Var		   *var;
	QipcColClass cls;
	char		qt;
	int64		v;
	char	   *E;
	char	   *guard;
	char	   *tree = NULL;
	int			a;
	static const char *const ops[] = {
		"(=;%s;a%d)", "(not;(=;%s;a%d))", "(<;%s;a%d)",
		"(not;(>;%s;a%d))", "(>;%s;a%d)", "(not;(<;%s;a%d))"
	};

	if (cxt->upper_tlist != NIL || list_length(op->args) != 2 ||
		op->opno >= FirstGenbkiObjectId)
		return -1;
	l = strip_relabel(linitial(op->args));
	r = strip_relabel(lsecond(op->args));
	opname = get_opname(op->opno);
	if (opname == NULL || (cmp = cmp_of_opname(opname)) < 0)
		return -1;
	if (r && IsA(r, Const))
	{
		side = l;
		c = (Const *) r;
	}
	else if (l && IsA(l, Const))
	{
		side = r;
		c = (Const *) l;
		cmp = cmp_commute((QipcCmp) cmp);
	}
	else
		return -1;
	if (side == NULL || !qipc_time_fn_parse(side, &tf) ||
		tf.kind != QIPC_TIME_PART)
		return -1;
	if (c->constisnull || !integral_const(c, &v))
		return false;
	var = get_column_var((Expr *) tf.var, cxt);
	if (var == NULL)
		return false;
	cls = column_class(cxt, var->varattno, var->vartype);
	if (cls != QC_TS && cls != QC_DATE)
		return false;
	qt = cxt->qtypes[var->varattno - 1];
	E = qipc_time_part_cmp_q(&tf, col_sym(cxt, var->varattno), qt, &guard);
	if (E == NULL)
	{
		E = qipc_time_fn_q(&tf, col_sym(cxt, var->varattno), qt);
		guard = NULL;
	}
	if (E == NULL)
		return false;
	add_col(cxt, var->varattno);
	if (!want_true)
		cmp = cmp_negate((QipcCmp) cmp);
	a = add_arg(cxt, (Expr *) makeConst(INT8OID, -1, InvalidOid,
										sizeof(int64), Int64GetDatum(v),
										false, FLOAT8PASSBYVAL),
				QIPC_CONV_LONG);
	tree = psprintf(ops[cmp], E, a);
	if (guard == NULL && (cmp == CMP_NE || cmp == CMP_LT || cmp == CMP_LE))
		guard = psprintf("(not;(null;%s))", E);
	*conj = with_guard(*conj, tree, guard);
	return true;
}

/*
 * deparse_cond
 *		Check (cxt->buf == NULL) or write the q translation of a boolean
 *		condition: where it is TRUE if want_true, where it is FALSE
 *		otherwise, as where subphrases appended to *conj, all of which must
 *		hold.  Returns false if the condition cannot be pushed.
 */
static bool
deparse_cond(Expr *node, bool want_true, DeparseCxt *cxt, List **conj)
{
	check_stack_depth();

	if (node == NULL)
		return false;

	switch (nodeTag(node))
	{
		case T_OpExpr:
			{
				/* through a date or a time bucket: as bounds on the column */
				Expr	   *rw = time_cond_rewrite((OpExpr *) node, cxt);

				int			tp;

				if (rw != NULL)
					return deparse_cond(rw, want_true, cxt, conj);
				/* a field of a timestamp or date column (timepart.c) */
				tp = time_part_cond((OpExpr *) node, want_true, cxt, conj);
				if (tp >= 0)
					return tp == 1;
			}
			if (deparse_comparison((OpExpr *) node, want_true, cxt, conj))
				return true;
			return deparse_expr_cond(node, want_true, cxt, conj);

		case T_ScalarArrayOpExpr:
			return deparse_in((ScalarArrayOpExpr *) node, want_true, cxt,
							  conj);

		case T_NullTest:
			{
				NullTest   *nt = (NullTest *) node;
				Var		   *var = get_column_var(nt->arg, cxt);
				QipcColClass cls;
				bool		isnull;
				char	   *X;
				char	   *tree;

				if (var == NULL && !nt->argisrow)
					return deparse_expr_cond(node, want_true, cxt, conj);
				if (var == NULL || nt->argisrow)
					return false;
				cls = column_class(cxt, var->varattno, var->vartype);
				if (cls == QC_NONE || cls == QC_BOOL || cls == QC_STR)
					return false;
				isnull = (nt->nulltesttype == IS_NULL) == want_true;
				add_col(cxt, var->varattno);
				X = col_sym(cxt, var->varattno);
				if (cls == QC_SYM)
					tree = psprintf("(=;%s;(enlist`$\"\"))", X);
				else
					tree = psprintf("(null;%s)", X);
				if (!isnull)
					tree = psprintf("(not;%s)", tree);
				*conj = lappend(*conj, tree);
				return true;
			}

		case T_Var:
			{
				/* a boolean column used as a condition */
				Var		   *var = get_column_var(node, cxt);
				char	   *X;

				if (var == NULL ||
					column_class(cxt, var->varattno, var->vartype) != QC_BOOL)
					return false;
				add_col(cxt, var->varattno);
				X = col_sym(cxt, var->varattno);
				*conj = lappend(*conj, psprintf(want_true ? "(=;%s;1b)" : "(=;%s;0b)", X));
				return true;
			}

		case T_BoolExpr:
			{
				BoolExpr   *b = (BoolExpr *) node;
				ListCell   *lc;
				char	   *r = NULL;

				if (b->boolop == NOT_EXPR)
					return deparse_cond(linitial(b->args), !want_true, cxt,
										conj);

				/* T(a AND b) = T(a)&T(b); F(a AND b) = F(a)|F(b); dually OR */
				if ((b->boolop == AND_EXPR) == want_true)
				{
					foreach(lc, b->args)
					{
						if (!deparse_cond((Expr *) lfirst(lc), want_true, cxt,
										  conj))
							return false;
					}
					return true;
				}
				/* an arm's NULL value leaves the others: not strict */
				{
					bool		strict = cxt->strict;

					cxt->strict = false;
					foreach(lc, b->args)
					{
						List	   *arm = NIL;

						if (!deparse_cond((Expr *) lfirst(lc), want_true, cxt,
										  &arm))
						{
							cxt->strict = strict;
							return false;
						}
						r = r ? psprintf("(|;%s;%s)", r, and_of(arm)) : and_of(arm);
					}
					cxt->strict = strict;
				}
				*conj = lappend(*conj, r);
				return true;
			}

		case T_RelabelType:
			return deparse_cond(((RelabelType *) node)->arg, want_true, cxt,
								conj);

		default:
			return false;
	}
}

/* ----------------------------------------------------------------
 * Entry points
 * ----------------------------------------------------------------
 */

static void
init_cxt(DeparseCxt *cxt, PlannerInfo *root, RelOptInfo *baserel)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	RangeTblEntry *rte = planner_rt_fetch(baserel->relid, root);

	memset(cxt, 0, sizeof(*cxt));
	cxt->root = root;
	cxt->relid = baserel->relid;
	cxt->foreigntableid = rte->relid;
	cxt->qtypes = NULL;
	if (qipc_enable_pushdown)
	{
		Oid			userid = OidIsValid(baserel->userid) ? baserel->userid : GetUserId();

		char	   *attrs = NULL;

		cxt->qtypes = get_qtypes(rte->relid, fpinfo, userid, &cxt->natts,
								 &attrs);
		cxt->qattrs = attrs;
	}
	if (cxt->qtypes != NULL && fpinfo->topts.partition_column != NULL)
	{
		int			i;

		for (i = 1; i <= cxt->natts; i++)
		{
			if (cxt->qtypes[i - 1] != '\0' &&
				strcmp(qipc_get_column_name(rte->relid, i),
					   fpinfo->topts.partition_column) == 0)
				cxt->partattno = i;
		}
	}
}

/*
 * check_cond
 *		Can "clause" be pushed, given the arguments already used by the
 *		conditions accepted so far?  On success the arguments it needs are
 *		kept in cxt.
 */
static bool
check_cond(DeparseCxt *cxt, Expr *clause, List **conj)
{
	List	   *saved_exprs = cxt->arg_exprs;
	List	   *saved_convs = cxt->arg_convs;
	List	   *c = NIL;

	cxt->arg_exprs = list_copy(saved_exprs);
	cxt->arg_convs = list_copy(saved_convs);
	cxt->cond_args = NIL;
	cxt->cond_cols = NIL;
	cxt->leaf_args = NIL;
	cxt->leaf_cols = NIL;
	cxt->too_many = false;
	cxt->buf = NULL;
	cxt->exprcond = false;
	cxt->recheck = false;
	cxt->strict = cxt->strict_scan;
	if (deparse_cond(clause, true, cxt, &c) && !cxt->too_many &&
		list_length(cxt->arg_exprs) <= QIPC_MAX_LAMBDA_ARGS)
	{
		if (conj)
			*conj = c;
		return true;
	}
	cxt->arg_exprs = saved_exprs;
	cxt->arg_convs = saved_convs;
	return false;
}

/*
 * qipc_classify_conditions
 *		Split input_conds (RestrictInfos of baserel) into those q evaluates
 *		(remote_conds) and the rest (local_conds).  Nothing is remote when
 *		qipc_fdw.enable_pushdown is off, for "query"/"function" tables, or
 *		when q cannot tell the column types.
 */
void
qipc_classify_conditions(PlannerInfo *root, RelOptInfo *baserel,
						 List *input_conds, List **remote_conds,
						 List **local_conds)
{
	DeparseCxt	cxt;
	ListCell   *lc;

	*remote_conds = NIL;
	*local_conds = NIL;
	if (input_conds == NIL)
		return;
	init_cxt(&cxt, root, baserel);
	foreach(lc, input_conds)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (cxt.qtypes != NULL && !ri->pseudoconstant &&
			check_cond(&cxt, ri->clause, NULL))
		{
			/* a superset in q, checked again by PostgreSQL: both lists */
			*remote_conds = lappend(*remote_conds, ri);
			if (cxt.recheck)
				*local_conds = lappend(*local_conds, ri);
		}
		else
			*local_conds = lappend(*local_conds, ri);
	}
}

/*
 * qipc_is_foreign_expr
 *		Can q evaluate "expr" (a condition on baserel) exactly?  Used for
 *		join clauses of parameterized paths.
 */
bool
qipc_is_foreign_expr(PlannerInfo *root, RelOptInfo *baserel, Expr *expr)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, baserel);
	if (cxt.qtypes == NULL)
		return false;
	/* join clauses have no local recheck: exact ones only */
	return check_cond(&cxt, expr, NULL) && !cxt.recheck;
}

/*
 * qipc_deparse_conditions
 *		Write the where subphrases (a q list of parse trees) for the
 *		conditions "conds" (RestrictInfos or Exprs) of baserel into buf, and
 *		append the scan arguments they need to *arg_exprs / *arg_convs.
 *		Conditions on the partition column come first.  Conditions that
 *		cannot be pushed (or do not fit in the argument limit) are returned
 *		in *rejected (as given); the caller evaluates them locally.
 *		Writes "()" when no condition is pushed.
 */
static void deparse_conditions_cxt(DeparseCxt *cxt, List *conds,
								   StringInfo buf, List **arg_exprs,
								   List **arg_convs, List **rejected);

void
qipc_deparse_conditions(PlannerInfo *root, RelOptInfo *baserel, List *conds,
						StringInfo buf, List **arg_exprs, List **arg_convs,
						List **rejected)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, baserel);
	deparse_conditions_cxt(&cxt, conds, buf, arg_exprs, arg_convs,
						   rejected);
}

/*
 * qipc_deparse_scan_conditions
 *		See qipc_fdw.h.  A generic plan's "date >= $1" is then written as
 *		the custom plan's (within;`date;(a0;0Wd)), the plain subphrase that
 *		kdb+'s partition pruning and attribute lookups need, where a test of
 *		the parameter's nullness around it would hide the column.
 */
void
qipc_deparse_scan_conditions(PlannerInfo *root, RelOptInfo *baserel,
							 List *conds, StringInfo buf, List **arg_exprs,
							 List **arg_convs, List **rejected)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, baserel);
	cxt.strict_scan = true;
	deparse_conditions_cxt(&cxt, conds, buf, arg_exprs, arg_convs,
						   rejected);
}

/*
 * qipc_deparse_upper_conditions
 *		As qipc_deparse_conditions, for HAVING conditions over the result
 *		columns of an aggregation (upper.c): tlist entry k (a grouping
 *		column or an Aggref) is the q column qnames[k] of q type
 *		qtypes[k].  The same translations apply: the results are q values
 *		with q nulls like any column.
 */
void
qipc_deparse_upper_conditions(PlannerInfo *root, RelOptInfo *scanrel,
							  List *tlist, List *qnames, const char *qtypes,
							  List *conds, StringInfo buf, List **arg_exprs,
							  List **arg_convs, List **rejected)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, scanrel);
	cxt.qtypes = qipc_enable_pushdown ? qtypes : NULL;
	cxt.natts = list_length(tlist);
	cxt.qattrs = NULL;
	cxt.upper_tlist = tlist;
	cxt.upper_names = qnames;
	deparse_conditions_cxt(&cxt, conds, buf, arg_exprs, arg_convs,
						   rejected);
}

/*
 * bound_of
 *		Is clause "column >= value" or "column <= value" on an integer,
 *		date or timestamp column, or "column > value" or "column < value"
 *		on a timestamp column (*strict), the value a constant, or a strict
 *		value (cxt->strict_scan: a NULL one empties the scan, see
 *		null_arg)?  Sets *attnum, *lower (>= or >), *strict and *k.
 *
 *		A strict timestamp bound is sent as the nanosecond after the last
 *		one of the value (>) or before its first (<), inclusive bounds for
 *		within (bound_conv).  +infinity has no nanosecond after it,
 *		-infinity none before: x > +infinity and x < -infinity hold for no
 *		row, so such a constant is left to the plain comparison, and such a
 *		parameter empties the scan (qipc_param_has_no_bound).
 */
static bool
bound_of(DeparseCxt *cxt, Expr *clause, AttrNumber *attnum, bool *lower,
		 bool *strict, Expr **k)
{
	OpExpr	   *op;
	char	   *opname;
	Var		   *var;
	Expr	   *value;
	QipcColClass cls;
	int			c;

	if (!IsA(clause, OpExpr))
		return false;
	op = (OpExpr *) clause;
	if (list_length(op->args) != 2 || op->opno >= FirstGenbkiObjectId)
		return false;
	opname = get_opname(op->opno);
	if (opname == NULL)
		return false;
	c = cmp_of_opname(opname);
	if (c != CMP_LE && c != CMP_GE && c != CMP_LT && c != CMP_GT)
		return false;
	var = get_column_var(linitial(op->args), cxt);
	value = get_value(lsecond(op->args));
	if (var == NULL)
	{
		var = get_column_var(lsecond(op->args), cxt);
		value = get_value(linitial(op->args));
		c = cmp_commute((QipcCmp) c);
	}
	if (var == NULL || value == NULL)
		return false;
	if (IsA(value, Const) ? ((Const *) value)->constisnull : !cxt->strict_scan)
		return false;
	cls = column_class(cxt, var->varattno, var->vartype);
	if ((cls != QC_INT && cls != QC_DATE && cls != QC_TS) ||
		!value_type_ok(cls, var->vartype, exprType((Node *) value)))
		return false;
	*strict = (c == CMP_LT || c == CMP_GT);
	if (*strict)
	{
		if (cls != QC_TS)
			return false;
		if (IsA(value, Const) &&
			qipc_param_has_no_bound(((Const *) value)->constvalue,
									((Const *) value)->consttype,
									c == CMP_GT ? QIPC_CONV_TS_AFTER :
									QIPC_CONV_TS_BEFORE))
			return false;
	}
	*attnum = var->varattno;
	*lower = (c == CMP_GE || c == CMP_GT);
	*k = value;
	return true;
}

/*
 * bound_conv
 *		How a bound of bound_of is sent for within on a column of q type qt:
 *		a date as it is, an integer as a long, a timestamp as the first
 *		nanosecond of a lower bound's microsecond (x >= c <=> n >= lo) and
 *		the last of an upper bound's (x <= c <=> n <= L; see ts_bound and
 *		ts_last in typemap.c), a strict one as the nanosecond after L (x >
 *		c <=> n >= L+1) or before lo (x < c <=> n <= lo-1), so that
 *		within's inclusive bounds select exactly the nanoseconds PostgreSQL
 *		reads inside the range.
 */
static int
bound_conv(char qt, bool lower, bool strict)
{
	if (qt == 'd')
		return QIPC_CONV_NATURAL;
	if (qt == 'p' && strict)
		return lower ? QIPC_CONV_TS_AFTER : QIPC_CONV_TS_BEFORE;
	if (qt == 'p')
		return lower ? QIPC_CONV_TS_LO : QIPC_CONV_TS_LAST;
	return QIPC_CONV_LONG;
}

/*
 * deparse_conditions_cxt
 *		The work of qipc_deparse_conditions.  kdb+ applies the where
 *		subphrases in order, each to the rows the previous ones left, and
 *		its fast paths work on the first constraints: partition pruning on
 *		the partition column, and the attributes (s# binary search, u# g# p#
 *		hash and index lookups) for =, in and within on the attributed
 *		column.  So the subphrases are ordered: conditions on the partition
 *		column, then those on one attributed column, then the rest (each
 *		condition's own guards after its main test); "x >= a AND x <= b" on
 *		such a column becomes (within;`x;(a;b)).
 */
static void
deparse_conditions_cxt(DeparseCxt *cxtp, List *conds, StringInfo buf,
					   List **arg_exprs, List **arg_convs, List **rejected)
{
	DeparseCxt	cxt = *cxtp;
	ListCell   *lc;
	List	   *ranked[3] = {NIL, NIL, NIL};
	List	   *accepted;
	List	   *phrases = NIL;
	/* init_cxt found it; a grouped result has no partition column */
	AttrNumber	partattno = cxt.upper_tlist == NIL ? cxt.partattno :
		InvalidAttrNumber;
	int			r;

	*rejected = NIL;
	cxt.arg_exprs = *arg_exprs;
	cxt.arg_convs = *arg_convs;

	/* check first, and rank */
	foreach(lc, conds)
	{
		Node	   *n1 = (Node *) lfirst(lc);
		Expr	   *clause = IsA(n1, RestrictInfo) ? ((RestrictInfo *) n1)->clause : (Expr *) n1;

		if (cxt.qtypes == NULL || !check_cond(&cxt, clause, NULL))
		{
			*rejected = lappend(*rejected, n1);
			continue;
		}
		if (cxt.exprcond)
			r = 2;				/* evaluated over whole columns anyway */
		else if (list_length(cxt.cond_cols) == 1 &&
			linitial_int(cxt.cond_cols) == partattno)
			r = 0;
		else if (list_length(cxt.cond_cols) == 1 && cxt.qattrs != NULL &&
				 cxt.upper_tlist == NIL &&
				 cxt.qattrs[linitial_int(cxt.cond_cols) - 1] != '\0')
			r = 1;
		else
			r = 2;
		ranked[r] = lappend(ranked[r], clause);
	}
	accepted = list_concat(list_concat(ranked[0], ranked[1]), ranked[2]);

	/* write */
	cxt.arg_exprs = *arg_exprs;
	cxt.arg_convs = *arg_convs;
	foreach(lc, accepted)
	{
		Expr	   *clause = (Expr *) lfirst(lc);
		List	   *conj = NIL;
		AttrNumber	attnum;
		bool		lower;
		bool		strict;
		Expr	   *k;
		ListCell   *lp;

		if (clause == NULL)
			continue;			/* merged into a within */
		cxt.strict = cxt.strict_scan;

		/*
		 * a lower bound with an upper bound on a fast-path column: within;
		 * a strict timestamp bound too (bound_of)
		 */
		if (cxt.upper_tlist == NIL &&
			bound_of(&cxt, clause, &attnum, &lower, &strict, &k) &&
			(attnum == partattno ||
			 (cxt.qattrs != NULL && cxt.qattrs[attnum - 1] != '\0')))
		{
			ListCell   *l2;

			for_each_cell(l2, accepted, lnext(accepted, lc))
			{
				AttrNumber	attnum2;
				bool		lower2;
				bool		strict2;
				Expr	   *k2;

				if (lfirst(l2) != NULL &&
					bound_of(&cxt, (Expr *) lfirst(l2), &attnum2, &lower2,
							 &strict2, &k2) &&
					attnum2 == attnum && lower2 != lower)
				{
					char		qt = cxt.qtypes[attnum - 1];
					int			alo;
					int			ahi;

					alo = add_arg(&cxt, lower ? k : k2,
								  bound_conv(qt, true, lower ? strict : strict2));
					(void) null_arg(&cxt, lower ? k : k2, alo);
					ahi = add_arg(&cxt, lower ? k2 : k,
								  bound_conv(qt, false, lower ? strict2 : strict));
					(void) null_arg(&cxt, lower ? k2 : k, ahi);
					phrases = lappend(phrases,
									  psprintf("(within;%s;(a%d;a%d))",
											   col_sym(&cxt, attnum), alo, ahi));
					lfirst(l2) = NULL;
					clause = NULL;
					break;
				}
			}
			if (clause == NULL)
				continue;

			/*
			 * A lone bound: within up to the type's infinity, the form the
			 * partition pruning and s# serve (no guard: a null is below -0W,
			 * so it is never within)
			 */
			{
				char		qt = cxt.qtypes[attnum - 1];
				const char *inf = (qt == 'd') ? "0Wd" : (qt == 'p') ? "0Wp" : "0W";
				int			ak;

				ak = add_arg(&cxt, k, bound_conv(qt, lower, strict));
				(void) null_arg(&cxt, k, ak);
				phrases = lappend(phrases,
								  lower ?
								  psprintf("(within;%s;(a%d;%s))",
										   col_sym(&cxt, attnum), ak, inf) :
								  psprintf("(within;%s;(-%s;a%d))",
										   col_sym(&cxt, attnum), inf, ak));
				continue;
			}
		}

		cxt.cond_args = NIL;
		cxt.cond_cols = NIL;
		cxt.leaf_args = NIL;
		cxt.leaf_cols = NIL;
		if (!deparse_cond(clause, true, &cxt, &conj))
			elog(ERROR, "qipc_fdw: condition checked as shippable cannot be deparsed");
		/* a guard two conditions share (same text, same arguments): once */
		foreach(lp, conj)
		{
			ListCell   *lq;
			bool		dup = false;

			foreach(lq, phrases)
				if (strcmp((char *) lfirst(lq), (char *) lfirst(lp)) == 0)
					dup = true;
			if (!dup)
				phrases = lappend(phrases, lfirst(lp));
		}
	}

	/* (subphrase;subphrase;...), one is enlisted, none is () */
	if (phrases == NIL)
		appendStringInfoString(buf, "()");
	else if (list_length(phrases) == 1)
		appendStringInfo(buf, "enlist %s", (char *) linitial(phrases));
	else
	{
		appendStringInfoChar(buf, '(');
		foreach(lc, phrases)
		{
			if (lc != list_head(phrases))
				appendStringInfoChar(buf, ';');
			appendStringInfoString(buf, (char *) lfirst(lc));
		}
		appendStringInfoChar(buf, ')');
	}
	*arg_exprs = cxt.arg_exprs;
	*arg_convs = cxt.arg_convs;
}

/*
 * qipc_conditions_use_attribute
 *		See qipc_fdw.h.  True when one of the pushed conditions conds
 *		(RestrictInfos) is on a single column that carries an attribute
 *		(meta's a column: s# u# p# g#), so that deparse_conditions_cxt puts
 *		it first, where kdb+ answers it through the attribute.
 */
bool
qipc_conditions_use_attribute(PlannerInfo *root, RelOptInfo *baserel,
							  List *conds)
{
	DeparseCxt	cxt;
	ListCell   *lc;

	init_cxt(&cxt, root, baserel);
	if (cxt.qtypes == NULL || cxt.qattrs == NULL)
		return false;
	foreach(lc, conds)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (check_cond(&cxt, ri->clause, NULL) &&
			list_length(cxt.cond_cols) == 1 &&
			cxt.qattrs[linitial_int(cxt.cond_cols) - 1] != '\0')
			return true;
	}
	return false;
}

/*
 * qipc_partition_attnum
 *		See qipc_fdw.h.
 */
AttrNumber
qipc_partition_attnum(PlannerInfo *root, RelOptInfo *baserel)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, baserel);
	return cxt.partattno;
}

/*
 * qipc_column_qtype
 *		The q type letter of column attnum of baserel's foreign table, or
 *		'\0' if unknown (or pushdown is off).  For the aggregate pushdown.
 */
char
qipc_column_qtype(PlannerInfo *root, RelOptInfo *baserel, AttrNumber attnum)
{
	DeparseCxt	cxt;

	init_cxt(&cxt, root, baserel);
	if (cxt.qtypes == NULL || attnum <= 0 || attnum > cxt.natts)
		return '\0';
	return cxt.qtypes[attnum - 1];
}

/*
 * qipc_wrap_lambda
 *		Turn q text "body" that uses scan arguments a0..aN-1 into the
 *		source of a lambda taking them, or return it as is without
 *		arguments.  palloc'd.
 */
char *
qipc_wrap_lambda(const char *body, int nargs)
{
	StringInfoData buf;
	int			i;

	if (nargs == 0)
		return pstrdup(body);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{[");
	for (i = 0; i < nargs; i++)
		appendStringInfo(&buf, "%sa%d", i ? ";" : "", i);
	appendStringInfo(&buf, "] %s}", body);
	return buf.data;
}

/*
 * qipc_display_query
 *		The q of a scan for EXPLAIN: the lambda applied to its arguments,
 *		constants rendered as q literals (display only; they travel as typed
 *		values), parameters as $n, other expressions (evaluated at
 *		execution) as their SQL in parentheses.  palloc'd.
 */
char *
qipc_display_query(const char *query, List *arg_exprs, List *arg_convs)
{
	StringInfoData buf;
	ListCell   *le;
	ListCell   *lc;

	if (arg_exprs == NIL)
		return pstrdup(query);
	initStringInfo(&buf);
	appendStringInfoString(&buf, query);
	appendStringInfoChar(&buf, '[');
	forboth(le, arg_exprs, lc, arg_convs)
	{
		Expr	   *e = (Expr *) lfirst(le);

		if (le != list_head(arg_exprs))
			appendStringInfoChar(&buf, ';');
		if (IsA(e, Const))
		{
			Const	   *k = (Const *) e;
			KipcObject *o = qipc_param_to_kipc(k->constvalue, k->constisnull,
											   k->consttype,
											   lfirst_int(lc) & ~QIPC_CONV_STRICT);
			char	   *s = qipc_format_value(o);

			appendStringInfoString(&buf, s);
			pfree(s);
		}
		else if (IsA(e, Param))
		{
			Param	   *p = (Param *) e;

			appendStringInfo(&buf, p->paramkind == PARAM_EXTERN ? "$%d" : "$exec%d",
							 p->paramid);
		}
		else if (IsA(e, Var))
			appendStringInfoString(&buf, "$outer");
		else if (IsA(e, NullTest) && IsA(((NullTest *) e)->arg, Param))
		{
			Param	   *p = (Param *) ((NullTest *) e)->arg;

			appendStringInfo(&buf, p->paramkind == PARAM_EXTERN ? "(null $%d)" : "(null $exec%d)",
							 p->paramid);
		}
		else if (IsA(e, NullTest) && IsA(((NullTest *) e)->arg, Var))
			appendStringInfoString(&buf, "(null $outer)");
		else if (!contain_var_clause((Node *) e))
		{
			/* a stable expression, evaluated at execution: show its SQL */
			appendStringInfoChar(&buf, '(');
			appendStringInfoString(&buf,
								   deparse_expression((Node *) e, NIL,
													  false, false));
			appendStringInfoChar(&buf, ')');
		}
		else
			appendStringInfoString(&buf, "?");
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/*
 * like_within_q_limits
 *		Can q's like evaluate the q pattern qpat (from qipc_like_pattern)?
 *		kdb+ limits patterns containing *: a * that is neither the first nor
 *		the last character cannot be combined with another * ("*the*the"
 *		and "*the*the*" signal 'nyi).  qipc_like_pattern writes literal
 *		specials as one-character classes [c], skipped here.
 */
static bool
like_within_q_limits(const char *qpat)
{
	int			m = strlen(qpat);
	int			stars = 0;
	int			middle = 0;
	int			i;

	for (i = 0; i < m; i++)
	{
		if (qpat[i] == '[')
		{
			i += 2;				/* [c] */
			continue;
		}
		if (qpat[i] == '*')
		{
			stars++;
			if (i != 0 && i != m - 1)
				middle++;
		}
	}
	return !(middle > 0 && stars > 1);
}

/*
 * qipc_append_symbol_list
 *		A q symbol vector for names (List of String): `a`b when all are
 *		plain, a general list of symbol atoms otherwise; one name is
 *		enlisted.
 */
void
qipc_append_symbol_list(StringInfo buf, List *names)
{
	ListCell   *lc;
	bool		all_plain = true;

	foreach(lc, names)
	{
		if (!qipc_is_q_name(strVal(lfirst(lc))))
			all_plain = false;
	}
	if (list_length(names) == 1)
	{
		appendStringInfoString(buf, "(enlist ");
		qipc_append_symbol(buf, strVal(linitial(names)));
		appendStringInfoChar(buf, ')');
	}
	else if (all_plain)
	{
		foreach(lc, names)
			qipc_append_symbol(buf, strVal(lfirst(lc)));
	}
	else
	{
		appendStringInfoChar(buf, '(');
		foreach(lc, names)
		{
			if (lc != list_head(names))
				appendStringInfoChar(buf, ';');
			qipc_append_symbol(buf, strVal(lfirst(lc)));
		}
		appendStringInfoChar(buf, ')');
	}
}

/*
 * hidden_name
 *		The name of a hidden column of a sorted scan: letter c and key number
 *		k (k0, e0, n0), made longer with a leading x while a column of the
 *		scan has that name.  A String node.
 */
static String *
hidden_name(List *colnames, char c, int k)
{
	char	   *name = psprintf("%c%d", c, k);
	bool		clash = true;

	while (clash)
	{
		ListCell   *lc;

		clash = false;
		foreach(lc, colnames)
			if (strcmp(strVal(lfirst(lc)), name) == 0)
				clash = true;
		if (clash)
			name = psprintf("x%s", name);
	}
	return makeString(name);
}

/*
 * qipc_deparse_scan
 *		Build the q of a base-table scan with the pushed conditions
 *		remote_conds (RestrictInfos or Exprs):
 *			?[`t;(where subphrases);0b;cols!cols]
 *		(count ?[`t;...;0b;()] when no column is needed), wrapped in a lambda
 *		taking the scan arguments when there are any.  Sets *fdw_exprs to
 *		the argument expressions and *fdw_private_extra to the items that
 *		follow QipcScanPrivateColumnNames in fdw_private (argument
 *		conversions and the EXPLAIN text).  Conditions that could not be
 *		pushed after all are appended to *local_exprs as given (the caller
 *		checks them locally).
 *		palloc'd.
 */
char *
qipc_deparse_scan(PlannerInfo *root, RelOptInfo *baserel,
				  ForeignPath *best_path, List *remote_conds, List *colnames,
				  List **fdw_exprs, List **fdw_private_extra,
				  List **local_exprs)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	StringInfoData buf;
	List	   *arg_exprs = NIL;
	List	   *arg_convs = NIL;
	List	   *rejected = NIL;
	char	   *query;

	List	   *keys = NIL;
	List	   *knames = NIL;
	List	   *enames = NIL;
	List	   *nnames = NIL;
	List	   *hnames = NIL;	/* hidden columns: names, */
	List	   *htrees = NIL;	/* and their trees */
	ListCell   *lc;

	initStringInfo(&buf);
	if (colnames == NIL)
		appendStringInfoString(&buf, "count ");
	appendStringInfoString(&buf, "?[");
	qipc_append_symbol(&buf, fpinfo->topts.table);
	appendStringInfoChar(&buf, ';');
	qipc_deparse_scan_conditions(root, baserel, remote_conds, &buf,
								 &arg_exprs, &arg_convs, &rejected);

	/*
	 * Sort keys: an expression's values (and the flags of its error and NaN
	 * rows) are hidden columns of the select, dropped after the sort
	 */
	if (colnames != NIL && best_path->path.pathkeys != NIL)
	{
		DeparseCxt	cxt;
		int			k = 0;

		init_cxt(&cxt, root, baserel);
		cxt.arg_exprs = arg_exprs;
		cxt.arg_convs = arg_convs;
		foreach(lc, best_path->path.pathkeys)
		{
			SortKey    *sk = palloc(sizeof(SortKey));

			if (!sort_key_of(&cxt, baserel, (PathKey *) lfirst(lc),
							 lnext(best_path->path.pathkeys, lc) == NULL, sk))
				elog(ERROR, "qipc_fdw: pathkey checked as shippable cannot be deparsed");
			keys = lappend(keys, sk);
			knames = lappend(knames, NULL);
			enames = lappend(enames, NULL);
			nnames = lappend(nnames, NULL);
			if (sk->tree != NULL)
			{
				llast(knames) = hidden_name(colnames, 'k', k);
				hnames = lappend(hnames, llast(knames));
				htrees = lappend(htrees, sk->tree);
			}
			if (sk->errs != NULL)
			{
				llast(enames) = hidden_name(colnames, 'e', k);
				hnames = lappend(hnames, llast(enames));
				htrees = lappend(htrees, sk->errs);
			}
			if (sk->nans != NULL)
			{
				llast(nnames) = hidden_name(colnames, 'n', k);
				hnames = lappend(hnames, llast(nnames));
				htrees = lappend(htrees, sk->nans);
			}
			k++;
		}
		arg_exprs = cxt.arg_exprs;
		arg_convs = cxt.arg_convs;
		if (list_length(arg_exprs) > QIPC_MAX_LAMBDA_ARGS)
			elog(ERROR, "qipc_fdw: sort keys checked as shippable need too many arguments");
	}

	appendStringInfoString(&buf, ";0b;");
	if (colnames == NIL)
		appendStringInfoString(&buf, "()");
	else if (hnames == NIL)
	{
		qipc_append_symbol_list(&buf, colnames);
		appendStringInfoChar(&buf, '!');
		qipc_append_symbol_list(&buf, colnames);
	}
	else
	{
		ListCell   *lt;

		qipc_append_symbol_list(&buf, list_concat_copy(colnames, hnames));
		appendStringInfoString(&buf, "!(");
		foreach(lc, colnames)
		{
			qipc_append_symbol(&buf, strVal(lfirst(lc)));
			appendStringInfoChar(&buf, ';');
		}
		foreach(lt, htrees)
		{
			if (lt != list_head(htrees))
				appendStringInfoChar(&buf, ';');
			appendStringInfoString(&buf, (char *) lfirst(lt));
		}
		appendStringInfoChar(&buf, ')');
	}
	appendStringInfoChar(&buf, ']');

	*local_exprs = list_concat(*local_exprs, rejected);

	/* ORDER BY (pathkeys) and LIMIT */
	{
		List	   *pathkeys = best_path->path.pathkeys;
		int64		limit = scan_limit(root, baserel, best_path, *local_exprs);
		int			limit_arg = -1;

		if (limit >= 0 && list_length(arg_exprs) < QIPC_MAX_LAMBDA_ARGS)
		{
			arg_exprs = lappend(arg_exprs,
								makeConst(INT8OID, -1, InvalidOid, 8,
										  Int64GetDatum(limit), false, true));
			arg_convs = lappend_int(arg_convs, QIPC_CONV_NATURAL);
			limit_arg = list_length(arg_exprs) - 1;
		}
		if (colnames == NIL && limit_arg >= 0)
		{
			/* only a row count: at most the limit */
			char	   *sel = pstrdup(buf.data);

			resetStringInfo(&buf);
			appendStringInfo(&buf, "(a%d&%s)", limit_arg, sel);
		}
		else if (colnames != NIL && (pathkeys != NIL || limit_arg >= 0))
		{
			char	   *keep = NULL;
			char	   *body;

			/* the result without the hidden columns: (cols)#t */
			if (hnames != NIL)
			{
				StringInfoData b2;

				initStringInfo(&b2);
				appendStringInfoChar(&b2, '(');
				qipc_append_symbol_list(&b2, colnames);
				appendStringInfoString(&b2, ")#");
				keep = b2.data;
			}
			body = append_sort_and_limit(root, baserel, pathkeys, keys,
										 knames, enames, nnames, keep,
										 buf.data, limit_arg);

			resetStringInfo(&buf);
			if (arg_exprs == NIL)
			{
				appendStringInfo(&buf, "{[] %s}[]", body);
				query = pstrdup(buf.data);
				*fdw_exprs = NIL;
				*fdw_private_extra = list_make2(NIL, makeString(query));
				return query;
			}
			appendStringInfoString(&buf, body);
		}
	}

	query = qipc_wrap_lambda(buf.data, list_length(arg_exprs));
	*fdw_exprs = arg_exprs;
	*fdw_private_extra = list_make2(arg_convs,
									makeString(qipc_display_query(query, arg_exprs, arg_convs)));
	return query;
}


/*
 * pure_arith
 *		Is e built of + - * / and unary minus on double precision (and
 *		smallint/integer), casts to double precision, columns and constants
 *		only?  Its q value is then null exactly where a column under it is
 *		null or PostgreSQL's value is NaN (NaN propagates through every
 *		step, as q's float null does).
 */
static bool
pure_arith(Node *e)
{
	if (e == NULL)
		return false;
	if (IsA(e, Var) || IsA(e, Const))
		return true;
	if (IsA(e, RelabelType))
		return pure_arith((Node *) ((RelabelType *) e)->arg);
	if (IsA(e, OpExpr))
	{
		OpExpr	   *op = (OpExpr *) e;
		char	   *name = get_opname(op->opno);
		ListCell   *lc;

		if (name == NULL || strlen(name) != 1 || strchr("+-*/", name[0]) == NULL)
			return false;
		foreach(lc, op->args)
			if (!pure_arith((Node *) lfirst(lc)))
				return false;
		return true;
	}
	if (IsA(e, FuncExpr))
	{
		FuncExpr   *fe = (FuncExpr *) e;

		return fe->funcresulttype == FLOAT8OID &&
			(fe->funcformat == COERCE_IMPLICIT_CAST ||
			 fe->funcformat == COERCE_EXPLICIT_CAST) &&
			list_length(fe->args) == 1 &&
			pure_arith((Node *) linitial(fe->args));
	}
	return false;
}

/* does type typid's default btree ordering serve pathkey pk? */
static bool
default_order(Oid typid, PathKey *pk)
{
	Oid			opclass = GetDefaultOpClass(typid, BTREE_AM_OID);

	return OidIsValid(opclass) && get_opclass_family(opclass) == pk->pk_opfamily;
}

/*
 * sort_key_of
 *		Can q sort by pathkey pk exactly as PostgreSQL would?  It can when
 *		the key is a plain column of the scanned table whose class q orders
 *		like SQL (integers, floats, dates, timestamps, booleans; text only
 *		under the "C" collation), or an expression over its columns with a
 *		numeric, date or timestamp value (or a symbol, under "C"), with the
 *		type's default btree ordering.  An expression's arguments are
 *		registered in cxt.  last: pk is the last key of the ordering.
 *		Fills *sk.
 */
static bool
sort_key_of(DeparseCxt *cxt, RelOptInfo *baserel, PathKey *pk, bool last,
			SortKey *sk)
{
	EquivalenceClass *ec = pk->pk_eclass;
	ListCell   *lc;
	bool		ccoll = OidIsValid(ec->ec_collation) &&
		qipc_collation_is_c(ec->ec_collation);

	memset(sk, 0, sizeof(*sk));
	if (ec->ec_has_volatile || cxt->qtypes == NULL ||
		!qipc_pathkey_is_ordered(pk))
		return false;
	foreach(lc, ec->ec_members)
	{
		EquivalenceMember *em = (EquivalenceMember *) lfirst(lc);
		Var		   *var;
		QipcColClass cls;
		QipcTimeFn	tf;
		Oid			typid = exprType((Node *) em->em_expr);

		if (em->em_is_const || em->em_is_child ||
			!bms_equal(em->em_relids, baserel->relids))
			continue;
		if (!default_order(typid, pk))
			continue;

		/* a plain column */
		var = get_column_var(em->em_expr, cxt);
		if (var != NULL && IsA(em->em_expr, Var))
		{
			cls = column_class(cxt, var->varattno, var->vartype);
			if (!(cls == QC_INT || cls == QC_FLOAT || cls == QC_DATE ||
				  cls == QC_TS || cls == QC_BOOL || cls == QC_SYM))
				continue;
			if (cls == QC_SYM && !ccoll)
				continue;
			sk->attnum = var->varattno;
			sk->qt = cxt->qtypes[var->varattno - 1];
			if (sk->qt == 'p' && !last)
			{
				/*
				 * q orders the nanoseconds of timestamps PostgreSQL reads as
				 * equal (the scan floors them to microseconds), and a later
				 * key must order those ties: the key is the microsecond, as
				 * date_trunc('microseconds') computes it (upper.c's bucket,
				 * +-infinity kept as 0Wp/-0Wp; as for every bucket, a value
				 * within a microsecond of q's earliest timestamp, in
				 * 1707-09-22, would fall below q's range)
				 */
				QipcBucketFn bf;

				bf.var = var;
				bf.ns = INT64CONST(1000);
				bf.todate = false;
				sk->attnum = 0;
				sk->tree = qipc_bucket_fn_q(&bf, col_sym(cxt, var->varattno));
			}
			return true;
		}

		/*
		 * extract/date_part (a q long: 0W/-0W for the year of +-infinity,
		 * which sort where PostgreSQL's +-Infinity do) and date_bin (a
		 * timestamp, +-infinity kept).  date_part(text, date) casts the
		 * date to timestamp, an error past the timestamp range: those rows
		 * are error rows of the key (append_sort_and_limit).
		 */
		if (qipc_time_fn_parse_key(em->em_expr, &tf))
		{
			char		qt;

			var = get_column_var((Expr *) tf.var, cxt);
			if (var == NULL || var->varattno == cxt->partattno)
				continue;
			cls = column_class(cxt, var->varattno, var->vartype);
			if (cls != QC_TS && cls != QC_DATE)
				continue;
			qt = cxt->qtypes[var->varattno - 1];
			sk->tree = qipc_time_fn_q(&tf, col_sym(cxt, var->varattno), qt);
			if (sk->tree == NULL)
				continue;
			sk->qt = tf.kind == QIPC_TIME_BIN ? 'p' : 'j';
			if (tf.datecast)
				sk->errs = qipc_time_fn_cast_errs_q(col_sym(cxt, var->varattno));
			return true;
		}

		/*
		 * date_trunc of one width and ::date of a timestamp (upper.c's xbar
		 * buckets, +-infinity kept as 0Wp/0Wd, which sort where
		 * PostgreSQL's +-infinity do)
		 */
		{
			QipcBucketFn bf;

			if (qipc_bucket_fn_parse(em->em_expr, &bf))
			{
				var = get_column_var((Expr *) bf.var, cxt);
				if (var == NULL || var->varattno == cxt->partattno ||
					column_class(cxt, var->varattno, var->vartype) != QC_TS ||
					cxt->qtypes[var->varattno - 1] != 'p')
					continue;
				sk->tree = qipc_bucket_fn_q(&bf, col_sym(cxt, var->varattno));
				sk->qt = bf.todate ? 'd' : 'p';
				return true;
			}
		}

		/* a value expression (expr.c) */
		if (contain_var_clause((Node *) em->em_expr))
		{
			QipcExprCxt ecx;
			QipcExpr	e;
			List	   *save_args = cxt->arg_exprs;
			List	   *save_convs = cxt->arg_convs;

			memset(&ecx, 0, sizeof(ecx));
			ecx.relid = cxt->relid;
			ecx.arg = cxt;
			ecx.column = expr_column;
			ecx.add_arg = expr_add_arg;
			cxt->arg_exprs = list_copy(cxt->arg_exprs);
			cxt->arg_convs = list_copy(cxt->arg_convs);
			if (qipc_deparse_value(&ecx, em->em_expr, &e) &&
				(strchr("hijef", e.qt) != NULL || (e.qt == 's' && ccoll)) &&
				(e.nan_hazards == NIL || pure_arith((Node *) em->em_expr)))
			{
				sk->tree = e.tree;
				sk->qt = e.qt;
				if (e.hazards != NIL)
					sk->errs = qipc_expr_hazard_tree_of(&e, false);
				if (e.nan_hazards != NIL)
				{
					/* null in q, no column under it null: NaN */
					List	   *vars = pull_var_clause((Node *) em->em_expr, 0);
					StringInfoData b;
					ListCell   *lv;

					initStringInfo(&b);
					appendStringInfo(&b, "(null;%s)", e.tree);
					foreach(lv, vars)
					{
						Var		   *v = (Var *) lfirst(lv);

						b.data = psprintf("(&;%s;(not;(null;%s)))", b.data,
										  col_sym(cxt, v->varattno));
					}
					sk->nans = b.data;
				}
				return true;
			}
			cxt->arg_exprs = save_args;
			cxt->arg_convs = save_convs;
		}
	}
	return false;
}

/*
 * qipc_sort_keys_fit
 *		See qipc_fdw.h: sort_key_of for every pathkey.  The scan's lambda
 *		takes the arguments of the pushed conditions and of the sort
 *		expressions: at most 8 together.
 */
bool
qipc_sort_keys_fit(PlannerInfo *root, RelOptInfo *baserel, List *pathkeys)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	DeparseCxt	cxt;
	StringInfoData buf;
	List	   *args = NIL;
	List	   *convs = NIL;
	List	   *rejected = NIL;
	ListCell   *lc;

	initStringInfo(&buf);
	if (fpinfo->remote_conds != NIL)
		qipc_deparse_scan_conditions(root, baserel, fpinfo->remote_conds,
									 &buf, &args, &convs, &rejected);
	init_cxt(&cxt, root, baserel);
	cxt.arg_exprs = args;
	cxt.arg_convs = convs;
	foreach(lc, pathkeys)
	{
		SortKey		sk;

		if (!sort_key_of(&cxt, baserel, (PathKey *) lfirst(lc),
						 lnext(pathkeys, lc) == NULL, &sk))
			return false;
	}
	return list_length(cxt.arg_exprs) <= QIPC_MAX_LAMBDA_ARGS;
}

/*
 * scan_limit
 *		The number of rows the scan of baserel may stop after, or -1.
 *
 * A base scan can apply LIMIT itself only when nothing between it and the
 * Limit node changes the rows: the query reads this one relation, every
 * condition is pushed, there is no grouping, aggregate, DISTINCT, window
 * function or set-returning function, and the scan delivers the ORDER BY
 * order (or there is none).  It then returns the first OFFSET+LIMIT rows
 * (q sublist, which never wraps around like #); the Limit node above still
 * applies the OFFSET.  Only constant LIMIT/OFFSET are used.
 */
static int64
scan_limit(PlannerInfo *root, RelOptInfo *baserel, ForeignPath *best_path,
		   List *local_exprs)
{
	Query	   *parse = root->parse;
	int64		count;
	int64		offset = 0;

	if (!qipc_enable_pushdown || parse->limitCount == NULL ||
		parse->limitOption != LIMIT_OPTION_COUNT)
		return -1;
	if (!IsA(parse->limitCount, Const) ||
		(parse->limitOffset != NULL && !IsA(parse->limitOffset, Const)))
		return -1;
	if (((Const *) parse->limitCount)->constisnull)
		return -1;
	count = DatumGetInt64(((Const *) parse->limitCount)->constvalue);
	if (parse->limitOffset != NULL && !((Const *) parse->limitOffset)->constisnull)
		offset = DatumGetInt64(((Const *) parse->limitOffset)->constvalue);
	if (count < 0 || offset < 0 || count > PG_INT64_MAX - offset)
		return -1;
	if (bms_membership(root->all_baserels) != BMS_SINGLETON ||
		root->simple_rel_array_size < 1 ||
		parse->hasAggs || parse->groupClause || parse->groupingSets ||
		parse->distinctClause || parse->hasWindowFuncs ||
		parse->hasTargetSRFs || parse->havingQual || parse->rowMarks ||
		parse->setOperations || root->hasHavingQual ||
		local_exprs != NIL || best_path->path.param_info != NULL)
		return -1;
	if (root->sort_pathkeys != NIL &&
		!pathkeys_contained_in(root->sort_pathkeys, best_path->path.pathkeys))
		return -1;
	return count + offset;
}

/*
 * qipc_append_sort_pass
 *		See qipc_fdw.h.  The row order is i, indexes into table t; a pass
 *		sorts the dictionary i!k of the key's values k in the current order
 *		with asc or desc and keeps its keys.  KX documents asc and desc as
 *		stable ("preserves order between equals"), for a dictionary too,
 *		which they sort by its values; it says nothing of the kind for iasc
 *		and idesc, so the grades are not relied on.  q sorts nulls as the
 *		lowest values: first ascending, last descending.  The other
 *		placements take a second pass, ascending, on the null flags (or
 *		their negation) of the values in the new order (value d).
 */
void
qipc_append_sort_pass(StringInfo buf, const char *col, bool desc,
					  bool nulls_first, const char *nulltest)
{
	appendStringInfo(buf, "; k:t[%s] i; d:%s i!k; i:key d",
					 col, desc ? "desc" : "asc");
	if (nulltest == NULL)
		return;
	if (!desc && !nulls_first)
		appendStringInfo(buf, "; k:value d; i:key asc i!%s", nulltest);
	else if (desc && nulls_first)
		appendStringInfo(buf, "; k:value d; i:key asc i!not %s", nulltest);
}

/*
 * append_sort_and_limit
 *		Wrap select text "sel" (which yields table t) into q that sorts it by
 *		the sort keys (SortKey, for the path's pathkeys) and keeps the first
 *		n rows (n < 0: all).  A plain column is sorted as it is in t; an
 *		expression's values are in t's hidden column knames[k].  Each key is
 *		a stable pass (qipc_append_sort_pass), with a second one that
 *		places the nulls (a NaN, which q holds as null, sorts above every
 *		value and below NULLS LAST, as in PostgreSQL: a pass on the rank of
 *		value, NaN and null).  The passes run from the least significant
 *		key to the most significant, so ties of a key keep the order of the
 *		keys after it.  Last, the rows where PostgreSQL raises an error
 *		computing a key (hidden column enames[k]) are put first, in the
 *		table's order: PostgreSQL computes the sort keys of the rows it
 *		reads (the scan's projection), so the first row read raises the
 *		error a local sort would have raised at that row, the first such
 *		row in the table.
 *		keep (or NULL) is the take that drops the hidden columns, (cols)#.
 */
static char *
append_sort_and_limit(PlannerInfo *root, RelOptInfo *baserel, List *pathkeys,
					  List *keys, List *knames, List *enames, List *nnames,
					  const char *keep, const char *sel, int limit_arg)
{
	StringInfoData buf;
	int			k;
	RangeTblEntry *rte = planner_rt_fetch(baserel->relid, root);
	StringInfoData errs;

	initStringInfo(&buf);
	initStringInfo(&errs);
	appendStringInfo(&buf, "t:0!%s; i:til count t", sel);
	for (k = list_length(pathkeys) - 1; k >= 0; k--)
	{
		PathKey    *pk = (PathKey *) list_nth(pathkeys, k);
		SortKey    *sk = (SortKey *) list_nth(keys, k);
		bool		desc = qipc_pathkey_is_desc(pk);
		const char *nulltest;
		StringInfoData col;

		initStringInfo(&col);
		if (sk->tree == NULL)
			qipc_append_symbol(&col, qipc_get_column_name(rte->relid, sk->attnum));
		else
			qipc_append_symbol(&col, strVal(list_nth(knames, k)));
		if (sk->qt == 'b')
			nulltest = NULL;	/* no nulls */
		else if (sk->nans != NULL)
			nulltest = NULL;	/* below */
		else
			nulltest = (sk->qt == 's') ? "(k=`$\"\")" : "(null k)";
		qipc_append_sort_pass(&buf, col.data, desc, pk->pk_nulls_first,
							  nulltest);
		if (sk->nans != NULL)
		{
			/*
			 * a stable pass on the rank, in the new order: values 1 and NaN
			 * 2 ascending, NaN 1 and values 2 descending; NULL 0 with NULLS
			 * FIRST, 3 with NULLS LAST
			 */
			appendStringInfoString(&buf, "; k:t[");
			qipc_append_symbol(&buf, strVal(list_nth(knames, k)));
			appendStringInfoString(&buf, "] i; n:t[");
			qipc_append_symbol(&buf, strVal(list_nth(nnames, k)));
			appendStringInfo(&buf, "] i; i:key asc i!?[n;%d;?[null k;%d;%d]]",
							 desc ? 1 : 2, pk->pk_nulls_first ? 0 : 3,
							 desc ? 2 : 1);
		}
	}
	for (k = 0; k < list_length(pathkeys); k++)
	{
		SortKey    *sk = (SortKey *) list_nth(keys, k);

		if (sk->errs == NULL)
			continue;
		appendStringInfoString(&errs, errs.len ? "|(t[" : "(t[");
		qipc_append_symbol(&errs, strVal(list_nth(enames, k)));
		appendStringInfoString(&errs, "])");
	}
	if (errs.len > 0)
		appendStringInfo(&buf, "; e:%s; if[any e; i:(where e),i where not e i]",
						 errs.data);
	if (limit_arg >= 0)
		appendStringInfo(&buf, "; i:a%d sublist i", limit_arg);
	appendStringInfo(&buf, "; %st i", keep ? keep : "");
	return buf.data;
}

/*
 * qipc_deparse_count_query
 *		The q of use_remote_estimate: the table's row count and the number
 *		of rows the conditions conds keep, as a pair of longs:
 *			(count ?[`t;();0b;()];count ?[`t;(where subphrases);0b;()])
 *		wrapped in a lambda taking the scan arguments when there are any
 *		(set as in qipc_deparse_conditions).  palloc'd.
 */
char *
qipc_deparse_count_query(PlannerInfo *root, RelOptInfo *baserel, List *conds,
						 List **arg_exprs, List **arg_convs, List **rejected)
{
	QipcFdwRelationInfo *fpinfo = (QipcFdwRelationInfo *) baserel->fdw_private;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "(count ?[");
	qipc_append_symbol(&buf, fpinfo->topts.table);
	appendStringInfoString(&buf, ";();0b;()];count ?[");
	qipc_append_symbol(&buf, fpinfo->topts.table);
	appendStringInfoChar(&buf, ';');
	qipc_deparse_conditions(root, baserel, conds, &buf, arg_exprs, arg_convs,
							rejected);
	appendStringInfoString(&buf, ";0b;()])");
	return qipc_wrap_lambda(buf.data, list_length(*arg_exprs));
}

/*
 * qipc_build_sample_query
 *		The q of ANALYZE's sample: a lambda of the sample size n that counts
 *		table and deals n distinct random row numbers ((neg n)?c), so that
 *		only the sample crosses the wire:
 *			{[n] t:?[`t;();0b;cols!cols]; c:count t; (c; $[c>n; t asc (neg n)?c; t])}
 *		palloc'd.
 */
char *
qipc_build_sample_query(const char *table, List *colnames)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{[n] t:?[");
	qipc_append_symbol(&buf, table);
	appendStringInfoString(&buf, ";();0b;");
	qipc_append_symbol_list(&buf, colnames);
	appendStringInfoChar(&buf, '!');
	qipc_append_symbol_list(&buf, colnames);
	appendStringInfoString(&buf, "]; c:count t; (c; $[c>n; t asc (neg n)?c; t])}");
	return buf.data;
}

/*
 * qipc_build_request
 *		See qipc_fdw.h.
 */
KipcObject *
qipc_build_request(KipcObject *head, List *args)
{
	KipcObject *list;
	ListCell   *lc;
	int			k = 1;

	if (args == NIL)
		return head;

	list = qipc_track_object(kipc_new_list(list_length(args) + 1));
	list->v.objs[0] = kipc_ref(head);
	foreach(lc, args)
		list->v.objs[k++] = kipc_ref((KipcObject *) lfirst(lc));
	return list;
}
