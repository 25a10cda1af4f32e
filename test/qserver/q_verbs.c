/*-------------------------------------------------------------------------
 *
 * q_verbs.c
 *		Dispatch of primitive indexes to the verbs (q_unary / q_binary).
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_verbs.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

/* ----------------------------------------------------------------
 * Dispatch
 * ----------------------------------------------------------------
 */
static bool
is_identity(const K *x)
{
	return x->type == KIPC_T_UNARY && x->a.g == U_IDENTITY;
}

static K *
any_all(K *x, bool all)
{
	K		   *b;
	int64_t		k;
	bool		r = all;

	if (x->type == KIPC_T_TABLE)
	{
		/* per column (KX all-any.md) */
		K		   *d = x->v.objs[0];
		K		   *cols = kipc_dict_values(d);
		K		   *vals = mklist(cols->n);

		for (k = 0; k < cols->n; k++)
			vals->v.objs[k] = any_all(cols->v.objs[k], all);
		return q_dict_new(kipc_ref(kipc_dict_keys(d)), q_collapse(vals));
	}
	if (x->type == KIPC_T_LIST || is_dict(x))
	{
		K		   *v = is_dict(x) ? kipc_ref(kipc_dict_values(x)) : kipc_ref(x);
		K		   *res;

		if (v->type == KIPC_T_LIST)
		{
			if (v->n == 0)
			{
				kipc_unref(v);
				return kipc_new_bool(all);
			}
			q_err("nyi");
		}
		res = any_all(v, all);
		kipc_unref(v);
		return res;
	}
	if (!is_simple(x) || absT(x) == KIPC_T_SYMBOL || absT(x) == KIPC_T_GUID)
		q_err("type");
	b = cast_simple(1, x);
	if (b->type < 0)
		r = b->a.g != 0;
	else
		for (k = 0; k < b->n; k++)
		{
			bool		v = ((uint8_t *) b->v.items)[k] != 0;

			if (all && !v)
			{
				r = false;
				break;
			}
			if (!all && v)
			{
				r = true;
				break;
			}
		}
	kipc_unref(b);
	return kipc_new_bool(r);
}

K *
q_unary(int idx, K *x)
{
	QInterp    *q = q_cur;

	switch (idx)
	{
		case U_IDENTITY: return kipc_ref(x);
		case U_FLIP: return q_flip(x);
		case U_NEG: return math1(M_NEG, x);
		case U_FIRST: return first_last(x, false);
		case U_LAST: return first_last(x, true);
		case U_RECIP: return math1(M_RECIP, x);
		case U_WHERE: return q_where(x);
		case U_REVERSE: return reverse(x);
		case U_NULL: return math1(M_NULL, x);
		case U_GROUP: return group(x);
		case U_IASC: return q_iasc(x, false);
		case U_IDESC: return q_iasc(x, true);
		case U_STRING: return q_string(x);
		case U_ENLIST1:
		case U_ENLIST: return q_enlist(x);
		case U_COUNT: return kipc_new_long(q_count(x));
		case U_FLOOR: return math1(M_FLOOR, x);
		case U_CEILING: return math1(M_CEIL, x);
		case U_NOT: return math1(M_NOT, x);
		case U_KEY: return key_of(x);
		case U_DISTINCT:
		case U_DISTINCT2: return distinct(x);
		case U_TYPE: return type_of(x);
		case U_VALUE:
		case U_GET: return value(x);
		case U_AVG: return agg(A_AVG, x);
		case U_SUM: return agg(A_SUM, x);
		case U_PRD: return agg(A_PRD, x);
		case U_MIN: return agg(A_MIN, x);
		case U_MAX: return agg(A_MAX, x);
		case U_MED: return agg(A_MED, x);
		case U_VAR: return agg(A_VAR, x);
		case U_DEV: return agg(A_DEV, x);
		case U_SDEV: return agg(A_SDEV, x);
		case U_ABS: return math1(M_ABS, x);
		case U_SQRT: return math1(M_SQRT, x);
		case U_LOG: return math1(M_LOG, x);
		case U_EXP: return math1(M_EXP, x);
		case U_SIGNUM: return math1(M_SIGNUM, x);
		case U_TIL:
			{
				int64_t		n;

				if (!(x->type < 0 && intlike_t(-x->type)))
					q_err("type");
				n = getJ(x, -1);
				return q_til(n);
			}
		case U_ASC: return sort_values(x, false);
		case U_DESC: return sort_values(x, true);
		case U_RANK:
			{
				K		   *a = q_iasc(x, false);
				K		   *r = q_iasc(a, false);

				kipc_unref(a);
				return r;
			}
		case U_COLS: return q_cols(x);
		case U_TABLES:
			if (is_identity(x))
				return q_tables();
			return q_tables_in(x);
		case U_META: return q_meta(x);
		case U_KEYS: return q_keys(x);
		case U_LOWER: return case_map(x, false);
		case U_UPPER: return case_map(x, true);
		case U_RAZE: return raze(x);
		case U_SUMS: return running(R_SUMS, x);
		case U_PRDS: return running(R_PRDS, x);
		case U_MAXS: return running(R_MAXS, x);
		case U_MINS: return running(R_MINS, x);
		case U_DELTAS: return running(R_DELTAS, x);
		case U_RATIOS: return running(R_RATIOS, x);
		case U_FILLS: return running(R_FILLS, x);
		case U_ATTR: return attr_of(x);
		case U_TRIM: return trim(x, 0);
		case U_LTRIM: return trim(x, 1);
		case U_RTRIM: return trim(x, 2);
		case U_ANY: return any_all(x, false);
		case U_ALL: return any_all(x, true);
		case U_GETENV:
			{
				const char *v;

				if (x->type != -KIPC_T_SYMBOL)
					q_err("type");
				v = getenv(x->a.s);
				return kipc_new_cstring(v ? v : "");
			}
		case U_SHOW:
			{
				char	   *s = q_show(x);

				printf("%s\n", s);
				fflush(stdout);
				free(s);
				return kipc_new_identity();
			}
		case U_EVAL:
			return q_parse_tree_eval(x);
		case U_QS_SLEEP:
			return qs_sleep(x);
		case U_QS_CLOSE:
			if (q->hooks.close_caller)
				q->hooks.close_caller(q->hooks.arg);
			return kipc_new_identity();
		case U_QS_GARBAGE:
			if (q->hooks.garbage_reply)
				q->hooks.garbage_reply(q->hooks.arg);
			return kipc_new_identity();
		case U_QS_ASYNCFIRST:
			if (q->hooks.async_first)
				q->hooks.async_first(q->hooks.arg, x);
			return kipc_new_identity();
		case U_QS_EXIT:
		case U_EXIT:
			if (q->hooks.exit_server)
				q->hooks.exit_server(q->hooks.arg);
			else
				q_err("nyi");
			return kipc_new_identity();
		case U_QS_RESTART:
			if (q->hooks.restart)
				q->hooks.restart(q->hooks.arg, is_identity(x) ? 0 : q_to_long(x));
			return kipc_new_identity();
		case U_QS_STATS:
			return q_stats_value();
		case U_QS_PARTITION:
			/* .qserver.partition[`t;`col] arrives here as one list */
			if (x->type == KIPC_T_LIST && x->n == 2)
				return q_partition(x->v.objs[0], x->v.objs[1]);
			if (x->type == KIPC_T_SYMBOL && x->n == 2)
			{
				K		   *a = vec_item(x, 0),
						   *b = vec_item(x, 1),
						   *r = q_partition(a, b);

				kipc_unref(a);
				kipc_unref(b);
				return r;
			}
			q_err("rank");
		default:
			q_err("nyi");
	}
}

K *
q_binary(int idx, K *x, K *y)
{
	switch (idx)
	{
		case B_ASSIGN: return kipc_ref(y);
		case B_PLUS: return arith(OP_ADD, x, y);
		case B_MINUS: return arith(OP_SUB, x, y);
		case B_TIMES: return arith(OP_MUL, x, y);
		case B_DIVIDE: return arith(OP_FDIV, x, y);
		case B_DIV: return arith(OP_IDIV, x, y);
		case B_MOD: return arith(OP_MOD, x, y);
		case B_AND: return arith(OP_MIN, x, y);
		case B_OR: return arith(OP_MAX, x, y);
		case B_XEXP: return arith(OP_XEXP, x, y);
		case B_XLOG: return arith(OP_XLOG, x, y);
		case B_FILL: return q_fill_value(x, y);
		case B_EQ: return compare(C_EQ, x, y);
		case B_NE: return compare(C_NE, x, y);
		case B_LT: return compare(C_LT, x, y);
		case B_GT: return compare(C_GT, x, y);
		case B_LE: return compare(C_LE, x, y);
		case B_GE: return compare(C_GE, x, y);
		case B_CAST:
			if (x->type == -KIPC_T_LONG && x->a.j != NJ && (y->type == KIPC_T_CHAR || y->type == -KIPC_T_CHAR))
			{
				/* pad: 5$"abc" */
				int64_t		w = x->a.j,
							len = y->type < 0 ? 1 : y->n,
							m = w < 0 ? -w : w;
				const char *s = y->type < 0 ? (const char *) &y->a.g : (const char *) y->v.items;
				K		   *r = mk(KIPC_T_CHAR, m, false);

				if (m == 0)
					return r;
				qmemset(r->v.items, ' ', m);
				if (w >= 0)
					qmemcpy(r->v.items, s, len < m ? len : m);
				else
					qmemcpy((char *) r->v.items + (len < m ? m - len : 0),
						   s + (len > m ? len - m : 0), len < m ? len : m);
				return r;
			}
			return q_cast(x, y);
		case B_JOIN: return q_join(x, y);
		case B_TAKE: return take_verb(x, y);
		case B_DROP: return drop_verb(x, y);
		case B_MATCH: return kipc_new_bool(q_match(x, y));
		case B_BANG:
			if (x->type == -KIPC_T_LONG || x->type == -KIPC_T_INT || x->type == -KIPC_T_SHORT)
			{
				int64_t		n = getJ(x, -1);

				if (n == NJ)
				{
					/* 0N!x: show x on the console, return it */
					char	   *s = q_show(y);

					printf("%s\n", s);
					fflush(stdout);
					free(s);
					return kipc_ref(y);
				}
				if (n == -3)
				{
					char	   *s = q_show(y);
					K		   *r = kipc_new_cstring(s);

					free(s);
					return r;
				}
				if (y->type == KIPC_T_TABLE || kipc_is_keyed_table(y))
				{
					if (n == 0)
						return q_unkey(y);
					return q_xkey(x, y);
				}
				/* n!x keys a table only: an atom or a vector is a type error
				 * (0!42 is 'type in kdb+) */
				if (y->type != KIPC_T_LIST && y->type != KIPC_T_DICT &&
					y->type >= -KIPC_T_TIME && y->type <= KIPC_T_TIME)
					q_err("type");
				q_err("nyi");
			}
			if (q_is_atom(x) && !q_is_atom(y))
				q_err("length");
			if (!q_is_atom(x) && q_count(x) != q_count(y) && !q_is_atom(y))
				q_err("length");
			return q_dict_new(kipc_ref(x), kipc_ref(y));
		case B_QUERY:
			if (x->type == -KIPC_T_LONG || x->type == -KIPC_T_INT || x->type == -KIPC_T_SHORT)
				return q_rand(x, y);
			return find(x, y);
		case B_AT:
			return q_index(x, y);
		case B_DOT:
			return dot_verb(x, y);
		case B_IN: return in(x, y);
		case B_WITHIN: return within(x, y);
		case B_LIKE: return like(x, y);
		case B_BIN: return bin(x, y, false);
		case B_BINR: return bin(x, y, true);
		case B_SS: return ss(x, y);
		case B_INSERT: return q_insert(x, y);
		case B_UPSERT: return q_upsert(x, y);
		case B_WSUM: return wsum_wavg(x, y, false);
		case B_WAVG: return wsum_wavg(x, y, true);
		case B_XBAR: return xbar(x, y);
		case B_XASC: return q_xasc(x, y, false);
		case B_XDESC: return q_xasc(x, y, true);
		case B_XKEY: return q_xkey(x, y);
		case B_SUBLIST: return q_sublist(x, y);
		case B_EXCEPT: return filter_in(x, y, false);
		case B_INTER: return filter_in(x, y, true);
		case B_UNION: return union_(x, y);
		case B_EACH: return derived_apply(KIPC_T_EACH, x, y);
		case B_OVER: return derived_apply(KIPC_T_OVER, x, y);
		case B_SCAN: return derived_apply(KIPC_T_SCAN, x, y);
		case B_PRIOR: return derived_apply(KIPC_T_EACHPRIOR, x, y);
		case B_CROSS: return cross(x, y);
		case B_VS: return vs(x, y);
		case B_SV: return sv(x, y);
		case B_CUT: return cut(x, y);
		case B_ROTATE: return rotate(x, y);
		case B_MAVG:
		case B_MSUM:
		case B_MMAX:
		case B_MMIN:
		case B_MCOUNT:
			return moving(idx, x, y);
		case B_XPREV: return xprev(x, y);
		default:
			q_err("nyi");
	}
}
