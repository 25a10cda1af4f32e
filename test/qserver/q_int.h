/*-------------------------------------------------------------------------
 *
 * q_int.h
 *		Private declarations shared by the q interpreter files (q_*.c).
 *
 * The interpreter is a tree walker: q_parse.c turns source text into a
 * QNode tree, q_eval.c walks it (names, application, lambdas, iterators,
 * the qeval.h entry points), q_verbs.c holds the primitives that work on
 * whole vectors, q_table.c holds tables, dictionaries and qSQL.
 *
 * Values are libkipc heap objects.  Convention everywhere: arguments are
 * borrowed, results are new references.  Errors are q signals: q_err()
 * longjmps to the innermost protected frame (the top of a request, or a
 * trap).  That path frees the parse trees (QArena), the lambda frames and
 * the values the evaluator holds in flight (application arguments, partial
 * lists and each results: q_vpush); temporaries private to a primitive in
 * q_verbs.c / q_table.c are not tracked and may leak on an error, because
 * a test server favours a short correct evaluator there.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef Q_INT_H
#define Q_INT_H

#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kipc.h"
#include "qeval.h"

typedef KipcObject K;

/* ----------------------------------------------------------------
 * Parse tree
 * ----------------------------------------------------------------
 */
typedef enum QNodeKind
{
	N_CONST,					/* val */
	N_VAR,						/* name */
	N_APPLY,					/* kids[0] function, kids[1..n-1] args (NULL =
								 * elided) */
	N_LAMBDA,					/* lam */
	N_LIST,						/* (a;b;c): kids */
	N_ASSIGN,					/* name : kids[0]; op = modifying verb or 0;
								 * global = '::' */
	N_IASSIGN,					/* name[kids[1..]] : kids[0] */
	N_RETURN,					/* :kids[0] */
	N_SIGNAL,					/* 'kids[0] */
	N_COND,						/* $[c;a;b;...] kids */
	N_IF,						/* if[c;...] */
	N_DO,						/* do[n;...] */
	N_WHILE,					/* while[c;...] */
	N_SEQ,						/* statements; value of last */
	N_DERIVED,					/* kids[0] adverb'd by op (0..5) */
	N_QSQL,						/* sql */
	N_NIL						/* empty statement: :: */
} QNodeKind;

typedef struct QNode QNode;
typedef struct QLambda QLambda;
typedef struct QSql QSql;

/*
 * Parse trees live in arenas: every node, name, array and literal value
 * (a reference the arena owns) of one parse.  Arenas form a stack in
 * QInterp.arena: value on text pushes one for its parse and pops (frees)
 * it after the evaluation; a q error unwinds the stack back to the
 * catching frame's level (q_protect, a trap), so nothing of an abandoned
 * parse outlives the request.  A lambda's tree gets its own arena, detached
 * from the stack and kept with the cached lambda.  qSQL evaluation
 * (q_table.c) keeps its phrase arrays and column cache in arenas too.
 */
typedef struct QArena QArena;

struct QNode
{
	QNodeKind	kind;
	int			n;				/* number of kids */
	QNode	  **kids;
	K		   *val;			/* N_CONST */
	char	   *name;			/* N_VAR, N_ASSIGN */
	int			op;				/* adverb index / assign verb */
	bool		global;			/* '::' assignment */
	bool		is_verb;		/* a primitive in verb position */
	QLambda    *lam;			/* N_LAMBDA */
	QSql	   *sql;			/* N_QSQL */
};

struct QLambda
{
	char	   *src;
	int			nparams;
	char	   *params[8];
	QNode	   *body;
	QArena	   *arena;			/* holds this lambda's tree (cached for good) */
};

typedef enum QSqlKind
{
	SQL_SELECT, SQL_EXEC, SQL_UPDATE, SQL_DELETE
} QSqlKind;

struct QSql
{
	QSqlKind	kind;
	QNode	   *limit;			/* select[...] expression or NULL */
	bool		distinct;		/* select distinct / ?[..;1b;..] */
	int			ncols;
	char	  **colnames;		/* NULL entry = derive */
	QNode	  **cols;
	int			nby;
	char	  **bynames;
	QNode	  **by;
	QNode	   *from;
	int			nwhere;
	QNode	  **where;
	/* delete: column names to drop (ncols names, cols NULL) */
	/* functional forms: exec's single unnamed column */
	bool		exec_single;
	bool		by_is_dict;		/* functional b given as a dict */
	K		   *order;			/* functional 6th argument (idesc;`col) */
	QNode	   *order_by;		/* select[n;>col]: the >col / <col */
};

/* ----------------------------------------------------------------
 * Interpreter state
 * ----------------------------------------------------------------
 */
typedef struct QVar
{
	char	   *name;
	K		   *val;
} QVar;

typedef struct QFrame
{
	QVar		vars[128];
	int			nvars;
	struct QFrame *up;			/* only for deadline/cleanup bookkeeping */
	struct QFrame *below;		/* the live frame allocated before this one
								 * (q->frame may be reset meanwhile) */
} QFrame;

/* column scope for qSQL: names resolve to (possibly indexed) columns */
typedef struct QScope
{
	K		   *table;			/* unkeyed table */
	K		   *idx;			/* long vector of rows, or NULL = all */
	K		  **cache;			/* materialised columns, per column */
	int64_t		ncols;
	struct QScope *up;
} QScope;

typedef struct QErrJmp
{
	jmp_buf		jb;
	struct QErrJmp *prev;
} QErrJmp;

typedef struct QHash
{
	char	  **keys;
	void	  **vals;
	int64_t		cap;
	int64_t		n;
} QHash;

/* per-request cost counters for .qserver.stats[] (q_stats.c) */
#define Q_STATS_MAX 32
struct QStats
{
	bool		valid;			/* a request was counted */
	K		   *parts;			/* partition values visited, or NULL */
	int			ncol;
	char		names[Q_STATS_MAX][64];
	int64_t		rows[Q_STATS_MAX];	/* rows read per column */
	int			nattr;
	char		acol[Q_STATS_MAX][64];
	int			aattr[Q_STATS_MAX]; /* KIPC_ATTR_* used */
	int64_t		arows[Q_STATS_MAX];
};

struct QInterp
{
	QServerHooks hooks;
	QHash		globals;		/* name -> K* */
	QHash		lambdas;		/* source text -> QLambda* */
	QFrame	   *frame;
	QScope	   *scope;
	QErrJmp    *jmp;
	char		errbuf[256];
	int64_t		deadline_ms;
	uint64_t	tick;
	uint64_t	rng;
	int			depth;
	char	   *zu;
	int			zw;
	char	   *za;
	bool		returning;		/* ':' return in progress */
	K		   *retval;
	QArena	   *arena;			/* top of the parse arena stack, or NULL */
	QFrame	   *ftop;			/* newest live lambda frame */
	/* values in flight: references held by evaluations under way, dropped
	 * when an error unwinds past them (q_vpush / q_vpop) */
	K		  **vstack;
	int64_t		vsp;
	int64_t		vcap;
	QStats		stats;			/* the request under way */
	QStats		stats_last;		/* the last finished request */
	bool		stats_call;		/* this request asked for stats */
	QStats	   *stats_sink;		/* the caller's connection's record, or NULL */
	int			stats_off;		/* > 0: do not count (internal steps) */
};

/* current interpreter (single threaded server) */
extern QInterp *q_cur;

/* ----------------------------------------------------------------
 * Primitive identifiers.  Values below 64 are kdb+'s own primitive
 * indexes (kdb-ipc-protocol.md 3.5) so functions survive IPC; the rest are
 * private indexes for q keywords that kdb+ implements as lambdas.
 * ----------------------------------------------------------------
 */
enum
{
	/* unary (type 101) */
	U_IDENTITY = 0, U_FLIP = 1, U_NEG = 2, U_FIRST = 3, U_RECIP = 4,
	U_WHERE = 5, U_REVERSE = 6, U_NULL = 7, U_GROUP = 8, U_IASC = 9,
	U_IDESC = 10, U_STRING = 11, U_ENLIST1 = 12, U_COUNT = 13, U_FLOOR = 14,
	U_NOT = 15, U_KEY = 16, U_DISTINCT = 17, U_TYPE = 18, U_VALUE = 19,
	U_AVG = 23, U_LAST = 24, U_SUM = 25, U_PRD = 26, U_MIN = 27, U_MAX = 28,
	U_EXIT = 29, U_GETENV = 30, U_ABS = 31, U_SQRT = 32, U_LOG = 33, U_EXP = 34,
	U_ENLIST = 41, U_VAR = 42,
	U_TIL = 64, U_ASC, U_DESC, U_COLS, U_TABLES, U_META, U_KEYS, U_LOWER,
	U_UPPER, U_CEILING, U_SIGNUM, U_MED, U_DEV, U_RAZE, U_SUMS, U_MAXS, U_MINS,
	U_PRDS, U_DELTAS, U_RATIOS, U_ATTR, U_TRIM, U_LTRIM, U_RTRIM, U_ANY, U_ALL,
	U_FILLS, U_RANK, U_GET, U_UNGROUP, U_XCOLS0, U_SHOW, U_PARSE, U_EVAL,
	U_QS_SLEEP, U_QS_CLOSE, U_QS_GARBAGE, U_QS_ASYNCFIRST, U_QS_EXIT,
	U_QS_RESTART, U_QS_PARTITION, U_QS_TIME, U_DISTINCT2, U_SDEV, U_QS_STATS,
	U_Q_IND,
	U_ELIDED = 255
};

enum
{
	/* binary (type 102) */
	B_ASSIGN = 0, B_PLUS = 1, B_MINUS = 2, B_TIMES = 3, B_DIVIDE = 4,
	B_AND = 5, B_OR = 6, B_FILL = 7, B_EQ = 8, B_LT = 9, B_GT = 10,
	B_CAST = 11, B_JOIN = 12, B_TAKE = 13, B_DROP = 14, B_MATCH = 15,
	B_BANG = 16, B_QUERY = 17, B_AT = 18, B_DOT = 19,
	B_IN = 23, B_WITHIN = 24, B_LIKE = 25, B_BIN = 26, B_SS = 27,
	B_INSERT = 28, B_WSUM = 29, B_WAVG = 30, B_DIV = 31, B_XEXP = 32,
	B_NE = 64, B_LE, B_GE, B_MOD, B_XBAR, B_XASC, B_XDESC, B_SUBLIST,
	B_UPSERT, B_XKEY, B_EXCEPT, B_INTER, B_UNION, B_EACH, B_OVER, B_SCAN,
	B_CROSS, B_XCOL, B_XCOLS, B_VS, B_SV, B_SET, B_CUT, B_ROTATE, B_XLOG,
	B_XGROUP, B_MAVG, B_MSUM, B_MMAX, B_MMIN, B_XPREV, B_PRIOR, B_LJ,
	B_IJ, B_UJ, B_AJ, B_SSR, B_BINR, B_MCOUNT, B_ASOF, B_FBY
};

/* ----------------------------------------------------------------
 * Helpers (q_eval.c)
 * ----------------------------------------------------------------
 */
extern void q_err(const char *msg) __attribute__((noreturn));
extern void q_errf(const char *fmt,...) __attribute__((noreturn, format(printf, 1, 2)));
extern void *q_alloc(size_t n);
extern char *q_strdup(const char *s);
extern char *q_strndup(const char *s, size_t n);
extern void q_check_deadline(void);

/* parse arenas (see QArena) */
extern QArena *q_arena_push(void);	/* new arena on top of the stack */
extern void q_arena_pop(QArena *a); /* free a, the top */
extern QArena *q_arena_detach(QArena *a);	/* unstack a, the top; keep it */
extern void q_arena_unwind(QArena *to); /* free every arena above to */
extern void *q_palloc(size_t n);	/* zeroed, from the top arena */
extern char *q_pstrndup(const char *s, size_t n);
extern void *q_pgrow(void *old, size_t oldn, size_t n);	/* copy to n bytes */
extern void q_arena_own(K *v);	/* the top arena unrefs v when freed */
extern void q_arena_cleanup(void (*fn) (void *arg), void *arg);	/* run fn(arg)
																 * when the top
																 * arena is freed */

/* values in flight (QInterp.vstack): q_vpush(v) lends the stack v's
 * reference; q_vpop(base) unrefs everything above base, q_vdrop(base)
 * forgets it (the caller keeps the references) */
extern void q_vpush(K *v);
extern void q_vpop(int64_t base);
extern void q_vdrop(int64_t base);

extern K   *q_eval(QNode *n);
extern K   *q_apply(K *f, K **args, int n);
extern K   *q_apply1(K *f, K *x);
extern K   *q_apply2(K *f, K *x, K *y);
extern K   *q_get_global(const char *name);
extern void q_set_global(const char *name, K *v);	/* takes a new ref */
extern K   *q_lookup(const char *name);	/* NULL if undefined; new ref */
extern K   *q_value_string(const char *src, size_t len);
extern K   *q_parse_tree_eval(K *tree);
extern bool q_is_function(const K *x);
extern K   *q_builtin(const char *name);	/* new ref or NULL */
extern QLambda *q_lambda_of(K *f);

/* hash */
extern void *q_hash_get(QHash *h, const char *key);
extern void q_hash_put(QHash *h, const char *key, void *val);	/* returns old via
																 * get first */

/* ----------------------------------------------------------------
 * Parser (q_parse.c)
 * ----------------------------------------------------------------
 */
extern QNode *q_parse(const char *src, size_t len);
extern QLambda *q_parse_lambda(const char *src, size_t len);
extern K   *q_parse_literal(const char *s, size_t len, int type);	/* "D"$ etc */
extern QNode *q_node(QNodeKind kind, int n);
extern QNode *q_node_const(K *v);	/* takes v */
extern QNode *q_tree_to_node(K *t);	/* parse tree -> node */

/* ----------------------------------------------------------------
 * Values and verbs (q_verbs.c)
 * ----------------------------------------------------------------
 */
extern K   *q_unary(int idx, K *x);
extern K   *q_binary(int idx, K *x, K *y);
extern K   *q_null_atom(int type);	/* typed null atom, type < 0 */
extern K   *q_item(const K *x, int64_t i);	/* item i of any list / vector */
extern K   *q_index(K *x, K *i);	/* x[i] */
extern K   *q_collapse(K *list);	/* general list of same-type atoms ->
									 * vector; takes list */
extern K   *q_enlist(K *x);
extern K   *q_join(K *x, K *y);
extern K   *q_take(int64_t n, K *x);
extern K   *q_sublist(K *x, K *y);
extern K   *q_til(int64_t n);
extern K   *q_where(K *x);
extern int64_t q_count(const K *x);
extern bool q_true(K *x);
extern int64_t q_to_long(K *x);
extern K   *q_iasc(K *x, bool desc);
/* proleptic Gregorian calendar, days counted from 2000.01.01 (q's epoch) */
extern int64_t q_days_from_civil(int64_t y, int64_t m, int64_t d);
extern void q_civil_from_days(int64_t z, int64_t *y, int *m, int *d);
typedef int (*QIdxCmp) (const void *ctx, int64_t a, int64_t b);
extern void q_merge_sort(int64_t *idx, int64_t n, QIdxCmp cmp, const void *ctx);	/* stable */
extern K   *q_group_ids(K **cols, int ncols, int64_t n, int64_t *ngroups, K **first);
/* q_group.c: dense group numbers by exact 64-bit keys; -1 = type not keyable */
extern bool q_group_slow(void);
extern K   *q_group_sizes(const int64_t *gid, const int64_t *rank, int64_t ng, int64_t n);
extern K   *q_group_count_valid(const K *v, const int64_t *gid, const int64_t *rank,
								 int64_t ng, int64_t n);
extern K   *q_group_agg(int u, const K *v, const int64_t *gid, const int64_t *rank,
						 int64_t ng, int64_t n);
extern int64_t q_group_keys(K **cols, int nc, const K *idx, int64_t n, int64_t *gid,
							int64_t **firstp);
extern K   *q_cast(K *t, K *x);
extern K   *q_empty_of(int type);
extern K   *q_vec_from_items(K **items, int64_t n);
extern bool q_match(K *x, K *y);
extern K   *q_string(K *x);
extern bool q_is_atom(const K *x);
extern K   *q_rand(K *x, K *y);
extern void q_rand_seed(uint64_t s);
extern K   *q_fill_value(K *x, K *y);
extern int	q_sym_cmp(const char *a, const char *b);

/*
 * The symbol table (q_sym.c): the interpreter's heap symbols are interned
 * (KIPC_F_INTERNED), so two items of interned objects are equal exactly
 * when their pointers are.  q_sym_id() is the dense id (1..q_sym_count())
 * of an item of an interned object, 0 for the empty symbol.
 */
extern void q_sym_init(void);
extern void set_sym_from(K *dst, int64_t k, const K *src, int64_t i);
extern uint32_t q_sym_count(void);

static inline uint32_t
q_sym_id(const char *s)
{
	uint32_t	id;

	if (s[0] == '\0')
		return 0;
	memcpy(&id, s - 4, 4);
	return id;
}

static inline bool
q_sym_interned(const K *x)
{
	return (x->flags & KIPC_F_INTERNED) != 0;
}
extern char *q_show(K *x);	/* q's one-line display (-3!); malloc'd */

/* ----------------------------------------------------------------
 * Tables and qSQL (q_table.c)
 * ----------------------------------------------------------------
 */
extern K   *q_table_new(K *names, K *cols);	/* takes both */
extern K   *q_flip(K *x);
extern K   *q_table_rows(K *t, K *idx);	/* subset rows by long vector */
extern K   *q_table_col(K *t, const char *name);	/* borrowed or NULL */
extern K   *q_unkey(K *t);
extern K   *q_xkey(K *keys, K *t);
extern K   *q_run_sql(QSql *s);
extern K   *q_functional(int which, K **args, int n);
extern K   *q_meta(K *t);
extern K   *q_cols(K *t);
extern K   *q_keys(K *t);
extern K   *q_tables(void);
extern K   *q_insert(K *name, K *rows);
extern K   *q_upsert(K *t, K *rows);
extern K   *q_xasc(K *cols, K *t, bool desc);
extern K   *q_dict_index(K *d, K *key);
extern K   *q_table_index(K *t, K *i);
extern K   *q_dict_new(K *k, K *v);
extern K   *q_scope_lookup(const char *name);
extern K   *q_resolve_table(K *t);	/* symbol -> global value; new ref */
extern K   *q_partition(K *name, K *col);
extern K   *q_ind(K *x, K *y);	/* .Q.ind (q_ind.c) */
extern K   *q_tables_in(K *ns);	/* tables `.ns; NULL/`/`. = root */
extern bool q_is_parted_table(const K *x);	/* a request must not return it */

/* q_stats.c: .qserver.stats[] */
extern void q_stats_begin(QInterp *q);
extern void q_stats_end(QInterp *q);
extern void q_stats_free(QInterp *q);
extern void q_stats_rows(const char *col, int64_t n);
extern void q_stats_attr(const char *col, int attr, int64_t rows);
extern void q_stats_parts(K *pv);
extern K   *q_stats_value(void);

/* q_attr.c: attributes kept on append, attribute-driven lookups */
extern void q_append_attr(const K *old, K *res);
extern bool q_is_parted(const K *x);	/* equal items adjacent */
extern K   *q_attr_rows(K *col, int verb, K *val, int64_t lo, int64_t hi);
extern int	q_cmp_items(const K *x, int64_t a, const K *y, int64_t b);

#endif							/* Q_INT_H */
