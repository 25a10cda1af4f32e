/*-------------------------------------------------------------------------
 *
 * q_ind.c
 *		.Q.ind[t;y]: rows of a partitioned table by absolute row number.
 *
 * kdb+ documents .Q.ind (ref/dotq.md, "ind (partitioned index") as the
 * way to pick rows of a partitioned table by index, where `select ...
 * where i in ...` does not work across partitions (i counts within each
 * partition): x is a partitioned table, y a long vector of row indexes
 * into it, and the result is the rows y.  The row numbers run over the
 * partitions in .Q.pv order, each partition contributing its row count
 * (the counts .Q.cn caches in .Q.pn); q.k reads, for each run of
 * indexes that falls into one partition, those rows of every column of
 * that partition, with the partition column prepended, and joins the
 * runs in the order of y.  So a call costs O(count y) per column,
 * whatever the partitions' sizes; it is what a paged scan of a
 * partitioned table sends (scan.c).
 *
 * The test server keeps a partitioned table as one in-memory table whose
 * rows are sorted by partition (q_table.c, .qserver.partition), so the
 * absolute row number of kdb+ is the row number of that table: a
 * partition missing for this table counts zero rows in kdb+ too.  The
 * result is a plain in-memory table (partition column first, no
 * attributes: indexing a column by a row list drops them).  Checks, as
 * q.k's definition implies: y must be a long vector (the index is found
 * with bin over the long running counts: 'type otherwise), x a
 * partitioned table ('type), and every index within the table (an index
 * past the last partition names no partition: kdb+ then fails mapping a
 * partition that does not exist; here 'index).  An empty y gives the
 * empty general list, as ,/ of no runs does.
 *
 * .qserver.stats[] counts, as for a select, the partitions visited (one
 * per run) and count y rows of every column.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		test/qserver/q_ind.c
 *
 *-------------------------------------------------------------------------
 */
#include "q_verbs.h"

K *
q_ind(K *x, K *y)
{
	K		   *pf = q_get_global(".qserver.pf");
	K		   *dict,
			   *names,
			   *cols,
			   *pcol,
			   *runs;
	int64_t		nrows,
				k,
				nruns;
	int			size;

	if (!q_is_parted_table(x) || !pf || pf->type != -KIPC_T_SYMBOL)
		q_err("type");
	if (y->type != KIPC_T_LONG)
		q_err("type");
	if (y->n == 0)
		return kipc_new_list(0);

	dict = x->v.objs[0];
	names = kipc_dict_keys(dict);
	cols = kipc_dict_values(dict);
	nrows = cols->n > 0 ? cols->v.objs[0]->n : 0;
	for (k = 0; k < y->n; k++)
	{
		int64_t		j = kipc_get_j(y, k);

		if (j < 0 || j >= nrows)
			q_err("index");
	}

	/* the partitions visited: one per run of indexes in one partition */
	pcol = q_table_col(x, pf->a.s);
	if (!pcol || kipc_type_size(pcol->type) == 0)
		q_err("type");
	size = kipc_type_size(pcol->type);
	nruns = 0;
	runs = kipc_new_vector(pcol->type, y->n);
	if (!runs)
		q_err("wsfull");
	for (k = 0; k < y->n; k++)
	{
		const char *item = (const char *) pcol->v.items +
			kipc_get_j(y, k) * size;

		if (nruns > 0 &&
			memcmp((const char *) runs->v.items + (nruns - 1) * size,
				   item, size) == 0)
			continue;
		memcpy((char *) runs->v.items + nruns * size, item, size);
		nruns++;
	}
	kipc_resize(runs, nruns);
	q_stats_parts(runs);
	kipc_unref(runs);
	for (k = 0; k < names->n; k++)
		q_stats_rows(names->v.syms[k], y->n);

	/* new column vectors, without attributes */
	return q_table_rows(x, y);
}
