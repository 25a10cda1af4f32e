/*-------------------------------------------------------------------------
 *
 * q_stats.c
 *		.qserver.stats[]: what the last request cost (a test-server-only
 *		hook, not part of kdb+).
 *
 * Tests of the FDW want to prove that a pushed-down query is as cheap on
 * the q side as a hand-written one: that a select on a partitioned table
 * visits only the partitions its first constraint names, and that a
 * point query on an attributed column reads that value's rows only.  The
 * interpreter therefore counts, per request:
 *
 *	parts	the partition values visited by selects on partitioned tables
 *			(in visiting order; an empty list when none was visited)
 *	rows	column name -> rows of that column read by qSQL (a column read
 *			for the rows of the current row set counts those rows; the
 *			rows an attribute lookup answers count as read)
 *	attrs	a table (col: column; attr: attribute; rows: rows answered)
 *			with one row per Where subphrase answered through an
 *			attribute (binary search for `s#, the hash/group index for
 *			`u#, `g# and `p#)
 *
 * .qserver.stats[] returns that dictionary for the last request that was
 * not itself a .qserver.stats call (requests and top-level evaluations
 * begin and end a count: q_handle_request and q_eval_text).  The server
 * keeps a record per connection too (q_set_stats_sink around each
 * request): a stats call reports the caller's own previous request
 * whatever other clients did meanwhile, and on a connection that has
 * made no other request yet, the last one of any connection.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_stats.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

static void
stats_clear(QStats *s)
{
	kipc_unref(s->parts);
	s->parts = NULL;
	s->ncol = 0;
	s->nattr = 0;
	s->valid = false;
}

void
q_stats_begin(QInterp *q)
{
	q->stats_call = false;
	q->stats_off = 0;
	stats_clear(&q->stats);
}

/* dst becomes a copy of src */
static void
stats_copy(QStats *dst, const QStats *src)
{
	stats_clear(dst);
	*dst = *src;
	if (dst->parts)
		kipc_ref(dst->parts);
}

void
q_stats_end(QInterp *q)
{
	if (q->stats_call)
		return;
	/* the finished count becomes the last one, the interpreter's and the
	 * caller's connection's */
	q->stats.valid = true;
	if (q->stats_sink)
		stats_copy(q->stats_sink, &q->stats);
	stats_copy(&q->stats_last, &q->stats);
	stats_clear(&q->stats);
}

void
q_stats_free(QInterp *q)
{
	stats_clear(&q->stats);
	stats_clear(&q->stats_last);
}

/* a connection's record (NULL when out of memory) */
QStats *
q_stats_new(void)
{
	return calloc(1, sizeof(QStats));
}

void
q_stats_delete(QStats *s)
{
	if (!s)
		return;
	stats_clear(s);
	free(s);
}

void
q_set_stats_sink(QInterp *q, QStats *s)
{
	q->stats_sink = s;
}

void
q_stats_rows(const char *col, int64_t n)
{
	QStats	   *s;
	int			i;

	if (!q_cur || q_cur->stats_off > 0)
		return;
	s = &q_cur->stats;
	for (i = 0; i < s->ncol; i++)
		if (strcmp(s->names[i], col) == 0)
		{
			s->rows[i] += n;
			return;
		}
	if (s->ncol == Q_STATS_MAX)
		return;					/* more columns than a test looks at */
	snprintf(s->names[s->ncol], sizeof(s->names[0]), "%s", col);
	s->rows[s->ncol++] = n;
}

void
q_stats_attr(const char *col, int attr, int64_t rows)
{
	QStats	   *s;

	if (!q_cur || q_cur->stats_off > 0)
		return;
	s = &q_cur->stats;
	q_stats_rows(col, rows);
	if (s->nattr == Q_STATS_MAX)
		return;
	snprintf(s->acol[s->nattr], sizeof(s->acol[0]), "%s", col);
	s->aattr[s->nattr] = attr;
	s->arows[s->nattr++] = rows;
}

/* partition values visited: pv (a vector) is appended */
void
q_stats_parts(K *pv)
{
	QStats	   *s;

	if (!q_cur)
		return;
	s = &q_cur->stats;
	if (!s->parts)
		s->parts = kipc_ref(pv);
	else
	{
		K		   *j = q_join(s->parts, pv);

		kipc_unref(s->parts);
		s->parts = j;
	}
}

/* .qserver.stats[]: the dictionary described at the top of this file */
K *
q_stats_value(void)
{
	QInterp    *q = q_cur;
	QStats	   *s = q->stats_sink && q->stats_sink->valid ? q->stats_sink : &q->stats_last;
	static const char *const an[] = {"", "s", "u", "p", "g"};
	K		   *keys = kipc_new_vector(KIPC_T_SYMBOL, 3),
			   *vals = kipc_new_list(3),
			   *rn = kipc_new_vector(KIPC_T_SYMBOL, s->ncol),
			   *rv = kipc_new_vector(KIPC_T_LONG, s->ncol),
			   *ac = kipc_new_vector(KIPC_T_SYMBOL, s->nattr),
			   *aa = kipc_new_vector(KIPC_T_SYMBOL, s->nattr),
			   *ar = kipc_new_vector(KIPC_T_LONG, s->nattr),
			   *tn = kipc_new_vector(KIPC_T_SYMBOL, 3),
			   *tc = kipc_new_list(3);
	int			i;

	q->stats_call = true;
	for (i = 0; i < s->ncol; i++)
	{
		kipc_set_symbol(rn, i, s->names[i]);
		kipc_set_j(rv, i, s->rows[i]);
	}
	for (i = 0; i < s->nattr; i++)
	{
		kipc_set_symbol(ac, i, s->acol[i]);
		kipc_set_symbol(aa, i, an[s->aattr[i] <= 4 ? s->aattr[i] : 0]);
		kipc_set_j(ar, i, s->arows[i]);
	}
	kipc_set_symbol(tn, 0, "col");
	kipc_set_symbol(tn, 1, "attr");
	kipc_set_symbol(tn, 2, "rows");
	tc->v.objs[0] = ac;
	tc->v.objs[1] = aa;
	tc->v.objs[2] = ar;
	kipc_set_symbol(keys, 0, "parts");
	kipc_set_symbol(keys, 1, "rows");
	kipc_set_symbol(keys, 2, "attrs");
	vals->v.objs[0] = s->parts ? kipc_ref(s->parts) : kipc_new_vector(KIPC_T_LONG, 0);
	vals->v.objs[1] = q_dict_new(rn, rv);
	vals->v.objs[2] = q_table_new(tn, tc);
	return q_dict_new(keys, vals);
}
