/*-------------------------------------------------------------------------
 *
 * q_verbs.h
 *		Private interface shared by the files that implement the q test
 *		server's values and primitive verbs.
 *
 * The verbs are split by area (q_values.c, q_arith.c, q_compare.c,
 * q_agg.c, q_search.c, q_sort.c, q_list.c, q_show.c, q_cast.c,
 * q_within.c, q_rand.c, q_string.c, q_misc.c and the dispatch in
 * q_verbs.c; q_attr.c and q_stats.c use this header too).  It holds what
 * more than one of them needs: the small type predicates, operand
 * loading, the arithmetic and comparison engines, hashing and sorting
 * helpers.  Nothing else includes it; the rest of the server uses
 * q_int.h.
 *
 * Design.  Every verb works on whole vectors in tight C loops: operands
 * are widened once into an int64 or double array (nulls mapped to
 * INT64_MIN / NaN, temporal units rescaled when two temporal types meet),
 * the operation runs over the arrays with an atom operand broadcast by a
 * zero stride, and the result is narrowed once into the result type.  No
 * per-item object is allocated for simple vectors.  General lists,
 * dictionaries and tables reach the same code through atomic extension
 * (item by item, value by value, column by column).  Type rules follow the
 * "Range and domains" tables of the KX reference (code.kx.com/q/ref/add/
 * and friends); a combination this interpreter is not sure about signals
 * 'nyi rather than guessing, because the server is the oracle of the FDW's
 * differential tests.  Table and qSQL operations are delegated to
 * q_table.c.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_verbs.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef Q_VERBS_H
#define Q_VERBS_H

#include <ctype.h>
#include <float.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "q_int.h"

#define NJ		KIPC_NULL_LONG
#define WJ		KIPC_INF_LONG
#define NI		KIPC_NULL_INT
#define WI		KIPC_INF_INT
#define NH		KIPC_NULL_SHORT
#define NS_DAY	KIPC_NS_PER_DAY

/* operations of the arithmetic engine */
enum
{
	OP_ADD, OP_SUB, OP_MUL, OP_FDIV, OP_IDIV, OP_MOD, OP_MIN, OP_MAX,
	OP_XEXP, OP_XLOG
};

/* comparison operators */
enum
{
	C_EQ, C_NE, C_LT, C_GT, C_LE, C_GE
};

#define CONV_M2D	(-1)		/* month -> days */

#define CONV_M2NS	(-2)		/* month -> ns */

typedef struct Plan
{
	int			rt;				/* result type */
	bool		fdom;			/* compute in doubles */
	int64_t		cx,
				cy;				/* load_j conversions */
} Plan;

enum
{
	M_NEG, M_ABS, M_FLOOR, M_CEIL, M_SQRT, M_EXP, M_LOG, M_SIGNUM, M_RECIP,
	M_NOT, M_NULL
};

enum
{
	A_SUM, A_PRD, A_MIN, A_MAX, A_AVG, A_MED, A_VAR, A_DEV, A_SVAR, A_SDEV
};

enum
{
	R_SUMS, R_PRDS, R_MAXS, R_MINS, R_DELTAS, R_RATIOS, R_FILLS
};

typedef struct HSet
{
	const K    *x;				/* the items indexed */
	int64_t    *slot;			/* item index or -1 */
	uint64_t	mask;
} HSet;

typedef struct SB
{
	char	   *p;
	size_t		n,
				cap;
} SB;

extern const char *const type_names[];

extern K *mk(int t, int64_t n, bool atom);
extern K *mklist(int64_t n);
extern void * xmalloc(size_t n);
extern void set_sym(K *v, int64_t k, const char *s);
extern int64_t getJ(const K *x, int64_t k);
extern double getF(const K *x, int64_t k);
extern void putJ(K *r, int64_t k, int64_t v);
extern void putF(K *r, int64_t k, double v);
extern bool item_null(const K *x, int64_t k);
extern K *vec_item(const K *x, int64_t k);
extern K *proto_of(const K *x);
extern void copy_item(K *dst, int64_t k, const K *src, int64_t i);
extern int64_t floordiv(int64_t a, int64_t b);
extern int64_t floormod(int64_t a, int64_t b);
extern int64_t month_to_days(int64_t m);
extern int64_t days_to_month(int64_t d);
extern int64_t ns_unit(int t);
extern int64_t * load_j(const K *x, int64_t conv, int64_t **tofree);
extern double * load_f(const K *x, double div, double **tofree);
extern void store_j(K *r, const int64_t *R, int64_t n);
extern void store_f(K *r, const double *R, int64_t n);
extern bool plan_arith(int op, int tx, int ty, Plan *p);
extern int64_t pair_len(const K *x, const K *y);
extern K *arith(int op, K *x, K *y);
extern K *compare(int op, K *x, K *y);
extern K *atomic2(int verb, K *x, K *y);
extern K *atomic1(int verb, K *x);
extern K *math1(int m, K *x);
extern int sum_type(int t);
extern K *agg(int a, K *x);
extern double lane_sum(const double *X, int64_t n, int64_t *cnt);
extern K *running(int m, K *x);
extern K *gather(const K *x, const int64_t *I, int64_t n);
extern int64_t * index_array(const K *i, int64_t **tofree);
extern uint64_t item_hash(const K *x, int64_t k);
extern void hs_init(HSet *h, const K *x, int64_t expect);
extern void hs_free(HSet *h);
extern int64_t hs_find(const HSet *h, const K *y, int64_t j, uint64_t hv);
extern int64_t hs_add(HSet *h, int64_t i, uint64_t hv);
extern K *distinct_idx(const K *x);
extern K *distinct(K *x);
extern K *find(K *x, K *y);
extern K *in(K *x, K *y);
extern K *filter_in(K *x, K *y, bool keep_in);
extern K *union_(K *x, K *y);
extern K *group(K *x);
extern int obj_cmp(const K *a, const K *b);
extern K *sort_values(K *x, bool desc);
extern K *dict_join(K *x, K *y);
extern K *take_verb(K *x, K *y);
extern K *cut_at(K *x, K *y);
extern K *drop_verb(K *x, K *y);
extern K *dot_verb(K *x, K *y);
extern K *reverse(K *x);
extern K *first_last(K *x, bool last);
extern void sb_putn(SB *b, const char *s, size_t n);
extern void sb_puts(SB *b, const char *s);
extern int64_t inf_of(int t, bool neg);
extern K *cast_simple(int T, K *x);
extern bool like_match(const char *s, size_t n, const char *p, size_t m);
extern K *like(K *x, K *y);
extern K *within(K *x, K *y);
extern K *xbar(K *x, K *y);
extern K *case_map(K *x, bool up);
extern K *trim(K *x, int which);
extern K *vs(K *x, K *y);
extern K *sv(K *x, K *y);
extern K *ss(K *x, K *y);
extern K *raze(K *x);
extern K *cut(K *x, K *y);
extern K *rotate(K *x, K *y);
extern K *bin(K *x, K *y, bool right);
extern K *moving(int verb, K *x, K *y);
extern K *xprev(K *x, K *y);
extern K *cross(K *x, K *y);
extern K *wsum_wavg(K *x, K *y, bool avg);
extern K *attr_of(K *x);
extern K *type_of(K *x);
extern K *value(K *x);
extern K *key_of(K *x);
extern K *derived_apply(int type, K *f, K *x);
extern K *qs_sleep(K *x);

static inline int
absT(const K *x)
{
	return x->type < 0 ? -x->type : x->type;
}

static inline bool
is_vec(const K *x)
{
	return x->type >= 1 && x->type <= 19;
}

static inline bool
is_simple(const K *x)
{
	return (x->type >= -19 && x->type <= -1) || is_vec(x);
}

static inline bool
intlike_t(int t)
{
	return t == 1 || t == 4 || t == 5 || t == 6 || t == 7;
}

static inline bool
numeric_t(int t)
{
	return intlike_t(t) || t == 8 || t == 9;
}

static inline bool
temporal_t(int t)
{
	return t >= 12 && t <= 19;
}

static inline bool
span_t(int t)
{
	return t == 16 || t == 17 || t == 18 || t == 19;
}

static inline bool
j64_t(int t)
{
	return t == 7 || t == 12 || t == 16;
}

static inline bool
i32_t(int t)
{
	return t == 6 || t == 13 || t == 14 || t == 17 || t == 18 || t == 19;
}

static inline bool
f64_t(int t)
{
	return t == 9 || t == 15;
}

static inline bool
is_dict(const K *x)
{
	return x->type == KIPC_T_DICT || x->type == KIPC_T_SORTED_DICT;
}

static inline void
qmemcpy(void *d, const void *s, size_t n)
{
	if (n)
		memcpy(d, s, n);
}

static inline void
qmemset(void *d, int c, size_t n)
{
	if (n)
		memset(d, c, n);
}

static inline int
fcmp(double a, double b)
{
	double		m;

	if (isnan(a))
		return isnan(b) ? 0 : -1;
	if (isnan(b))
		return 1;
	if (a == b)
		return 0;
	m = fmax(fabs(a), fabs(b));
	if (!isinf(m) && fabs(a - b) <= 1.1368683772161603e-13 * m)
		return 0;
	return a < b ? -1 : 1;
}


#endif							/* Q_VERBS_H */
