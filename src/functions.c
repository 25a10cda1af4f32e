/*-------------------------------------------------------------------------
 *
 * functions.c
 *		  SQL-callable functions of qipc_fdw: direct q access (qipc_exec,
 *		  qipc_query, qipc_call, qipc_send, qipc_exec_file) and connection
 *		  management (qipc_fdw_get_connections, qipc_fdw_disconnect,
 *		  qipc_fdw_disconnect_all).
 *
 * They cover what a q client does over IPC: send q text, or a function
 * and its arguments; call a named function after checking that it exists;
 * send an async message that awaits no response; run a script file
 * statement by statement.  They share the connection
 * cache of foreign table scans (connection.c): the foreign server is looked
 * up by name and the current user's user mapping decides the credentials,
 * exactly as a scan by the current user would.  The caller needs USAGE on
 * the foreign server, as dblink requires for its named connections.
 *
 * Arguments are never spliced into q text.  With arguments the request is
 * the general list (query; arg1; ...; argN) of typed q values, which q's
 * default .z.pg (value) evaluates by applying the function that the query
 * text evaluates to; PostgreSQL values convert as qipc_datum_to_kipc
 * documents (name sends a symbol, text a string, an untyped NULL the
 * generic null ::).  Results convert to jsonb (jsonconv.c) or, for
 * qipc_query, to the column definition list's types with the same
 * converters as scans (typemap.c).
 *
 * Responses are freed with the memory context that was current when they
 * arrived (qipc_request registers a reset callback), so no path here frees
 * a message explicitly.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "qipc_fdw.h"

/*
 * q code of the existence check made by qipc_call, applied to the function
 * name as a symbol argument (never spliced): the q type of the named value,
 * or a short null when the name is undefined (value signals) or names the
 * generic null (a name that was never assigned in an existing namespace).
 */
#define QIPC_CALL_CHECK "{@[{$[(::)~r:value x;0Nh;type r]};x;0Nh]}"

/* one statement of a q script, for qipc_exec_file */
typedef struct QipcScriptStatement
{
	char	   *text;			/* palloc'd; continuation lines joined by \n */
	int			lineno;			/* line of the file where it starts */
} QipcScriptStatement;

/* error context of qipc_exec_file */
typedef struct QipcScriptErrorContext
{
	const char *path;
	int			lineno;			/* 0 while reading the file */
} QipcScriptErrorContext;

/* qipc_fdw.c */
extern Datum qipc_fdw_handler(PG_FUNCTION_ARGS);

static QipcConnection *connect_by_name(Name servername);
static KipcObject *arg_to_kipc(Datum value, bool isnull, Oid typid);
static int	collect_args(FunctionCallInfo fcinfo, int first, List **args);
static List *split_q_script(const char *src, size_t len);
static void script_error_callback(void *arg);
static void bind_query_result(const KipcObject *result, TupleDesc tupdesc,
							  const KipcObject ***cols, int64 *nrows);

PG_FUNCTION_INFO_V1(qipc_exec);
PG_FUNCTION_INFO_V1(qipc_query);
PG_FUNCTION_INFO_V1(qipc_call);
PG_FUNCTION_INFO_V1(qipc_send);
PG_FUNCTION_INFO_V1(qipc_exec_file);
PG_FUNCTION_INFO_V1(qipc_fdw_get_connections);
PG_FUNCTION_INFO_V1(qipc_fdw_disconnect);
PG_FUNCTION_INFO_V1(qipc_fdw_disconnect_all);

/* ----------------------------------------------------------------
 * Helpers
 * ----------------------------------------------------------------
 */

/*
 * connect_by_name
 *		The connection of the current user to the foreign server called
 *		servername.  Raises an error if the server does not exist, does not
 *		belong to qipc_fdw, the user lacks USAGE on it, or has no user
 *		mapping for it.
 */
static QipcConnection *
connect_by_name(Name servername)
{
	ForeignServer *server;
	ForeignDataWrapper *fdw;
	AclResult	aclresult;
	FmgrInfo	handler;
	UserMapping *user;

	server = GetForeignServerByName(NameStr(*servername), false);

	aclresult = qipc_server_aclcheck(server->serverid, GetUserId(),
									 ACL_USAGE);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, server->servername);

	/*
	 * The server's options are read as qipc_fdw options, so it must really be
	 * one of ours: compare the wrapper's handler with our own.
	 */
	fdw = GetForeignDataWrapper(server->fdwid);
	if (!OidIsValid(fdw->fdwhandler))
		handler.fn_addr = NULL;
	else
		fmgr_info(fdw->fdwhandler, &handler);
	if (handler.fn_addr != qipc_fdw_handler)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("foreign server \"%s\" does not use foreign-data wrapper qipc_fdw",
						server->servername)));

	user = GetUserMapping(GetUserId(), server->serverid);
	return qipc_get_connection(user);
}

/*
 * arg_to_kipc
 *		One SQL argument as a heap q value (tracked in CurrentMemoryContext).
 *
 * Literals of unknown type (a quoted string passed to "any") are text; an
 * untyped NULL is q's generic null ::, since it has no type whose null could
 * be sent.  Domains are sent as their base type.
 */
static KipcObject *
arg_to_kipc(Datum value, bool isnull, Oid typid)
{
	if (typid == UNKNOWNOID)
	{
		if (isnull)
			return qipc_track_object(kipc_new_identity());
		value = CStringGetTextDatum(DatumGetCString(value));
		typid = TEXTOID;
	}
	typid = getBaseType(typid);
	return qipc_datum_to_kipc(value, isnull, typid, 0);
}

/*
 * collect_args
 *		Convert the variadic arguments of a call, from argument number
 *		"first" on, to a List of heap q values.  Handles both forms of a
 *		VARIADIC "any" call: separate arguments, or one array passed with an
 *		explicit VARIADIC (a NULL array means no arguments, as for format()).
 *		Returns the number of arguments.
 */
static int
collect_args(FunctionCallInfo fcinfo, int first, List **args)
{
	int			i;

	*args = NIL;
	if (PG_NARGS() <= first)
		return 0;

	if (get_fn_expr_variadic(fcinfo->flinfo))
	{
		Oid			arrtype = get_fn_expr_argtype(fcinfo->flinfo, first);
		ArrayType  *arr;
		Oid			elemtype;
		int16		elmlen;
		bool		elmbyval;
		char		elmalign;
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		Assert(PG_NARGS() == first + 1);
		if (PG_ARGISNULL(first))
			return 0;
		if (!OidIsValid(get_base_element_type(arrtype)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("VARIADIC argument must be an array")));
		arr = PG_GETARG_ARRAYTYPE_P(first);
		elemtype = ARR_ELEMTYPE(arr);
		get_typlenbyvalalign(elemtype, &elmlen, &elmbyval, &elmalign);
		deconstruct_array(arr, elemtype, elmlen, elmbyval, elmalign,
						  &elems, &nulls, &nelems);
		for (i = 0; i < nelems; i++)
			*args = lappend(*args, arg_to_kipc(elems[i], nulls[i], elemtype));
		return nelems;
	}

	for (i = first; i < PG_NARGS(); i++)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, i);

		if (!OidIsValid(typid))
			elog(ERROR, "could not determine the data type of argument %d", i + 1);
		*args = lappend(*args, arg_to_kipc(PG_GETARG_DATUM(i), PG_ARGISNULL(i),
										   typid));
	}
	return PG_NARGS() - first;
}

/*
 * request_with_args
 *		Send head applied to args and return the response.  A q 'type error
 *		when an argument is a string (what text becomes) gets a hint:
 *		q functions usually take names as symbols, which ::name sends.
 */
static KipcMsg *
request_with_args(QipcConnection *conn, KipcObject *head, List *args,
				  const char *qtext)
{
	KipcMsg    *msg;
	ListCell   *lc;

	msg = qipc_request_ext(conn, qipc_build_request(head, args), qtext,
						   QIPC_REQUEST_ALLOW_ERROR);
	if (msg->root->type != KIPC_T_ERROR)
		return msg;
	if (msg->root->a.s != NULL && strcmp(msg->root->a.s, "type") == 0)
	{
		foreach(lc, args)
		{
			if (((KipcObject *) lfirst(lc))->type == KIPC_T_CHAR)
				qipc_report_q_error(conn, msg->root, qtext,
									"Text arguments are sent as q strings; to send a symbol, cast the argument to name (::name).");
		}
	}
	qipc_report_q_error(conn, msg->root, qtext, NULL);
}

/* the q text of a request, for error contexts */
static KipcObject *
query_head(text *query, char **qtext)
{
	*qtext = text_to_cstring(query);
	return qipc_track_object(kipc_new_string(VARDATA_ANY(query),
											 VARSIZE_ANY_EXHDR(query)));
}

/* ----------------------------------------------------------------
 * qipc_exec, qipc_send, qipc_call
 * ----------------------------------------------------------------
 */

/*
 * qipc_exec(server name, query text [, VARIADIC args "any"]) RETURNS jsonb
 *		Run q and return the result as jsonb.
 */
Datum
qipc_exec(PG_FUNCTION_ARGS)
{
	QipcConnection *conn;
	KipcObject *head;
	List	   *args;
	char	   *qtext;
	KipcMsg    *msg;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();

	head = query_head(PG_GETARG_TEXT_PP(1), &qtext);
	collect_args(fcinfo, 2, &args);
	conn = connect_by_name(PG_GETARG_NAME(0));
	msg = request_with_args(conn, head, args, qtext);
	result = qipc_kipc_to_jsonb(msg->root);
	qipc_release_connection(conn);

	PG_RETURN_DATUM(result);
}

/*
 * qipc_send(server name, query text [, VARIADIC args "any"]) RETURNS void
 *		Send q as an async message: no response is awaited.  q
 *		handles a connection's messages in order, so a later
 *		call on the same connection sees its effect.
 */
Datum
qipc_send(PG_FUNCTION_ARGS)
{
	QipcConnection *conn;
	KipcObject *head;
	List	   *args;
	char	   *qtext;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_VOID();

	head = query_head(PG_GETARG_TEXT_PP(1), &qtext);
	collect_args(fcinfo, 2, &args);
	conn = connect_by_name(PG_GETARG_NAME(0));
	qipc_send_async(conn, qipc_build_request(head, args), qtext);
	qipc_release_connection(conn);

	PG_RETURN_VOID();
}

/*
 * qipc_call(server name, function text [, VARIADIC args "any"]) RETURNS jsonb
 *		Call a named (possibly namespaced) q function, after checking that
 *		it exists, so that a missing function is an error of its own.
 *
 * The name travels as a symbol in both requests, never as q text.  With no
 * arguments the function is applied to ::, which is what f[] means in q.
 */
Datum
qipc_call(PG_FUNCTION_ARGS)
{
	QipcConnection *conn;
	char	   *fname;
	List	   *args;
	KipcObject *check;
	KipcObject *name;
	KipcMsg    *msg;
	const KipcObject *t;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();

	fname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!qipc_is_q_name(fname))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid q function name: \"%s\"", fname),
				 errhint("Use a q name such as \"f\", \".test.addition\" or \".test.namespace.subtraction\".")));

	collect_args(fcinfo, 2, &args);
	conn = connect_by_name(PG_GETARG_NAME(0));
	name = qipc_track_object(kipc_new_symbol(fname));

	/* does it exist, and is it a function? */
	check = qipc_build_request(qipc_track_object(kipc_new_cstring(QIPC_CALL_CHECK)),
						  list_make1(name));
	msg = qipc_request(conn, check, QIPC_CALL_CHECK);
	t = msg->root;
	if (t->type != -KIPC_T_SHORT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("unexpected response to the q function check on foreign server \"%s\"",
						NameStr(*PG_GETARG_NAME(0))),
				 errdetail("Expected a short, got a q value of type %s.",
						   kipc_type_name(t->type))));
	if (t->a.h == KIPC_NULL_SHORT)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function \"%s\" does not exist on foreign server \"%s\"",
						fname, NameStr(*PG_GETARG_NAME(0)))));
	if (t->a.h < KIPC_T_LAMBDA || t->a.h > KIPC_T_DYNLOAD)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" on foreign server \"%s\" is not a function",
						fname, NameStr(*PG_GETARG_NAME(0))),
				 errdetail("Its q type is %dh.", t->a.h)));

	/* call it: (`name; arg1; ...) or (`name; ::) */
	if (args == NIL)
		args = list_make1(qipc_track_object(kipc_new_identity()));
	msg = request_with_args(conn, name, args, fname);
	result = qipc_kipc_to_jsonb(msg->root);
	qipc_release_connection(conn);

	PG_RETURN_DATUM(result);
}

/* ----------------------------------------------------------------
 * qipc_query
 * ----------------------------------------------------------------
 */

/*
 * one_item_column
 *		A one-row column holding atom (or string) "item": palloc'd KipcObject
 *		headers that borrow the item's storage.
 */
static const KipcObject *
one_item_column(const KipcObject *item)
{
	KipcObject *col = palloc0(sizeof(KipcObject));

	if (item->type < 0 && item->type >= -KIPC_T_TIME)
	{
		col->type = -item->type;
		col->n = 1;
		if (col->type == KIPC_T_SYMBOL)
		{
			const char **syms = palloc(sizeof(char *));

			syms[0] = item->a.s;
			col->v.syms = syms;
		}
		else
			col->v.items = (void *) &item->a;
	}
	else
	{
		KipcObject **objs = palloc(sizeof(KipcObject *));

		objs[0] = (KipcObject *) item;
		col->type = KIPC_T_LIST;
		col->n = 1;
		col->v.objs = objs;
	}
	return col;
}

/* item k of a dictionary's values as a one-row column */
static const KipcObject *
dict_value_column(const KipcObject *vals, int64 k)
{
	KipcObject *col;
	int			size;

	if (vals->type == KIPC_T_LIST)
		return one_item_column(vals->v.objs[k]);

	col = palloc0(sizeof(KipcObject));
	col->type = vals->type;
	col->n = 1;
	if (vals->type == KIPC_T_SYMBOL)
		col->v.syms = vals->v.syms + k;
	else
	{
		size = kipc_type_size(vals->type);
		col->v.items = (char *) vals->v.items + k * size;
	}
	return col;
}

/* append the columns of simple table t to cols[*n...] */
static void
add_table_columns(const KipcObject *t, const KipcObject **cols, int *n,
				  int max)
{
	int64		c;

	for (c = 0; c < kipc_table_ncols(t); c++)
	{
		if (*n < max)
			cols[*n] = kipc_table_column(t, c);
		(*n)++;
	}
}

/*
 * bind_query_result
 *		Match a q result to the column definition list, by position (as
 *		dblink does): a table's columns, a keyed table's key then value
 *		columns, a dictionary as one row, and for a single output column
 *		also a list (one row per item), a string or an atom (one row).  The
 *		generic null :: gives no rows.  *cols receives one column object
 *		per output attribute, *nrows the row count.
 */
static void
bind_query_result(const KipcObject *result, TupleDesc tupdesc,
				  const KipcObject ***cols, int64 *nrows)
{
	int			natts = tupdesc->natts;
	const KipcObject **c = palloc0(sizeof(KipcObject *) * Max(natts, 1));
	int			n = 0;
	int			i;

	*cols = c;
	*nrows = 0;

	if (result->type == KIPC_T_UNARY && result->a.g == 0)
		return;					/* :: */

	if (result->type == KIPC_T_TABLE)
		add_table_columns(result, c, &n, natts);
	else if (kipc_is_keyed_table(result))
	{
		add_table_columns(kipc_dict_keys(result), c, &n, natts);
		add_table_columns(kipc_dict_values(result), c, &n, natts);
	}
	else if ((result->type == KIPC_T_DICT ||
			  result->type == KIPC_T_SORTED_DICT) &&
			 kipc_dict_values(result)->type >= 0 &&
			 kipc_dict_values(result)->type <= KIPC_T_TIME)
	{
		const KipcObject *vals = kipc_dict_values(result);
		int64		k;

		for (k = 0; k < vals->n; k++)
		{
			if (n < natts)
				c[n] = dict_value_column(vals, k);
			n++;
		}
		if (natts == n)
			*nrows = 1;
	}
	else if (natts == 1 && result->type == KIPC_T_CHAR)
	{
		c[0] = one_item_column(result);
		*nrows = 1;
		return;
	}
	else if (natts == 1 && result->type >= 0 && result->type <= KIPC_T_TIME)
	{
		c[0] = result;
		*nrows = result->n;
		return;
	}
	else if (natts == 1 && result->type < 0 && result->type >= -KIPC_T_TIME)
	{
		c[0] = one_item_column(result);
		*nrows = 1;
		return;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("q result of type %s cannot be returned as rows",
						kipc_type_name(result->type)),
				 errhint("Return a table, a keyed table or a dictionary, or a list for a single column.")));

	if (n != natts)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("remote query result rowtype does not match the specified FROM clause rowtype"),
				 errdetail("The q result has %d columns, the column definition list has %d.",
						   n, natts)));

	/* all columns of a table have the same length */
	for (i = 0; i < natts; i++)
	{
		if (c[i]->type < 0 || c[i]->type > KIPC_T_TIME)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("q result has a column that is not a list")));
		if (i == 0)
			*nrows = c[i]->n;
		else if (c[i]->n != *nrows)
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("q result has columns of different lengths")));
	}
}

/* error context of qipc_query's conversions */
typedef struct QipcQueryErrorContext
{
	TupleDesc	tupdesc;
	int			cur_col;		/* -1 when not converting */
} QipcQueryErrorContext;

static void
query_error_callback(void *arg)
{
	QipcQueryErrorContext *ctx = (QipcQueryErrorContext *) arg;

	if (ctx->cur_col >= 0)
		errcontext("column \"%s\" of the qipc_query result",
				   NameStr(TupleDescAttr(ctx->tupdesc, ctx->cur_col)->attname));
}

/*
 * qipc_query(server name, query text [, VARIADIC args "any"])
 *		RETURNS SETOF record
 *		Run q and return its table result as rows of the column definition
 *		list, converted exactly as a foreign table scan converts (typemap.c).
 */
Datum
qipc_query(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	QipcConnection *conn;
	KipcObject *head;
	List	   *args;
	char	   *qtext;
	KipcMsg    *msg;
	TupleDesc	tupdesc;
	const KipcObject **cols;
	int64		nrows;
	int64		row;
	int			natts;
	int			i;
	QipcColumnConverter *cvs;
	MemoryContext cache_cxt;
	MemoryContext row_cxt;
	MemoryContext oldcxt;
	Datum	   *values;
	bool	   *nulls;
	ErrorContextCallback errcallback;
	QipcQueryErrorContext errctx;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;		/* no rows */

	tupdesc = rsinfo->setDesc;
	natts = tupdesc->natts;

	head = query_head(PG_GETARG_TEXT_PP(1), &qtext);
	collect_args(fcinfo, 2, &args);
	conn = connect_by_name(PG_GETARG_NAME(0));
	msg = request_with_args(conn, head, args, qtext);
	qipc_release_connection(conn);

	bind_query_result(msg->root, tupdesc, &cols, &nrows);

	cache_cxt = AllocSetContextCreate(CurrentMemoryContext,
									  "qipc_fdw query converters",
									  ALLOCSET_DEFAULT_SIZES);
	row_cxt = AllocSetContextCreate(CurrentMemoryContext,
									"qipc_fdw temporary data",
									ALLOCSET_SMALL_SIZES);

	errctx.tupdesc = tupdesc;
	errctx.cur_col = -1;
	errcallback.callback = query_error_callback;
	errcallback.arg = (void *) &errctx;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	cvs = palloc0(sizeof(QipcColumnConverter) * Max(natts, 1));
	for (i = 0; i < natts && nrows > 0; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);

		errctx.cur_col = i;
		qipc_init_converter(&cvs[i], attr->atttypid, attr->atttypmod,
							cols[i], NameStr(attr->attname), "qipc_query",
							cache_cxt);
	}

	values = palloc(sizeof(Datum) * Max(natts, 1));
	nulls = palloc(sizeof(bool) * Max(natts, 1));
	for (row = 0; row < nrows; row++)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(row_cxt);
		oldcxt = MemoryContextSwitchTo(row_cxt);
		for (i = 0; i < natts; i++)
		{
			errctx.cur_col = i;
			values[i] = cvs[i].convert(&cvs[i], cols[i], row, &nulls[i]);
		}
		errctx.cur_col = -1;
		MemoryContextSwitchTo(oldcxt);
		tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
	}

	error_context_stack = errcallback.previous;
	MemoryContextDelete(row_cxt);
	MemoryContextDelete(cache_cxt);

	return (Datum) 0;
}

/* ----------------------------------------------------------------
 * qipc_exec_file
 * ----------------------------------------------------------------
 */

/* is line[0..len) blank? */
static bool
is_blank(const char *line, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
}

/* is line[0..len) the single character c, perhaps with trailing blanks? */
static bool
is_lone(const char *line, size_t len, char c)
{
	return len >= 1 && line[0] == c && is_blank(line + 1, len - 1);
}

/*
 * strip_trailing_comment
 *		Length of line[0..len) without a trailing comment: q starts a comment
 *		at a "/" preceded by white space, outside string literals.  Trailing
 *		white space is dropped too.
 */
static size_t
strip_trailing_comment(const char *line, size_t len)
{
	bool		in_string = false;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		ch = line[i];

		if (in_string)
		{
			if (ch == '\\' && i + 1 < len)
				i++;
			else if (ch == '"')
				in_string = false;
		}
		else if (ch == '"')
			in_string = true;
		else if (ch == '/' && i > 0 && (line[i - 1] == ' ' || line[i - 1] == '\t'))
		{
			len = i;
			break;
		}
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len;
}

/*
 * split_q_script
 *		Split q script text into statements the way q loads a script:
 *		- a line that starts with white space continues the statement before
 *		  it (the lines are joined with a newline);
 *		- a line starting with "/" is a comment, and so is the rest of a line
 *		  from a "/" preceded by white space;
 *		- a line holding only "/" starts a block comment that ends at a line
 *		  holding only "\";
 *		- a line holding only "\" outside a block comment ends the script:
 *		  the rest of the file is ignored;
 *		- blank lines are ignored.
 *		Returns a List of QipcScriptStatement.
 */
static List *
split_q_script(const char *src, size_t len)
{
	List	   *result = NIL;
	StringInfoData cur;
	int			cur_line = 0;
	bool		in_block = false;
	size_t		pos = 0;
	int			lineno = 0;

	initStringInfo(&cur);
	while (pos < len)
	{
		const char *line = src + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t		linelen = nl ? (size_t) (nl - line) : len - pos;

		pos += linelen + (nl ? 1 : 0);
		lineno++;
		if (linelen > 0 && line[linelen - 1] == '\r')
			linelen--;

		if (in_block)
		{
			if (is_lone(line, linelen, '\\'))
				in_block = false;
			continue;
		}
		if (is_lone(line, linelen, '/'))
		{
			in_block = true;
			continue;
		}
		if (is_lone(line, linelen, '\\'))
			break;				/* the rest of the file is a comment */
		if (linelen > 0 && line[0] == '/')
			continue;
		if (is_blank(line, linelen))
			continue;

		linelen = strip_trailing_comment(line, linelen);
		if (linelen == 0)
			continue;

		if (line[0] == ' ' || line[0] == '\t')
		{
			/* a continuation line */
			if (cur.len > 0)
				appendStringInfoChar(&cur, '\n');
			else
				cur_line = lineno;
			appendBinaryStringInfo(&cur, line, linelen);
			continue;
		}

		/* a new statement: emit the previous one */
		if (cur.len > 0)
		{
			QipcScriptStatement *st = palloc(sizeof(QipcScriptStatement));

			st->text = pstrdup(cur.data);
			st->lineno = cur_line;
			result = lappend(result, st);
			resetStringInfo(&cur);
		}
		cur_line = lineno;
		appendBinaryStringInfo(&cur, line, linelen);
	}
	if (cur.len > 0)
	{
		QipcScriptStatement *st = palloc(sizeof(QipcScriptStatement));

		st->text = pstrdup(cur.data);
		st->lineno = cur_line;
		result = lappend(result, st);
	}
	pfree(cur.data);
	return result;
}

static void
script_error_callback(void *arg)
{
	QipcScriptErrorContext *ctx = (QipcScriptErrorContext *) arg;

	if (ctx->lineno > 0)
		errcontext("q script \"%s\", line %d", ctx->path, ctx->lineno);
	else
		errcontext("q script \"%s\"", ctx->path);
}

/*
 * read_script_file
 *		The whole file as a palloc'd buffer.  Relative paths are relative to
 *		the data directory (the server's working directory), as for
 *		pg_read_file.
 */
static char *
read_script_file(const char *path, size_t *len)
{
	FILE	   *file;
	StringInfoData buf;
	char		chunk[8192];
	size_t		n;

	file = AllocateFile(path, PG_BINARY_R);
	if (file == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));

	initStringInfo(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
	{
		if ((size_t) buf.len + n >= MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("file \"%s\" is too large", path)));
		appendBinaryStringInfo(&buf, chunk, n);
		CHECK_FOR_INTERRUPTS();
	}
	if (ferror(file))
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\": %m", path)));
	FreeFile(file);

	*len = buf.len;
	return buf.data;
}

/*
 * qipc_exec_file(server name, path text) RETURNS jsonb
 *		Send a q script that the database server can read to the q server,
 *		statement by statement as q loads a script, and return the last
 *		result.  The first q error stops the script.
 *
 * Reading server files needs superuser or pg_read_server_files, as COPY
 * FROM a file does, whatever EXECUTE grants say.
 */
Datum
qipc_exec_file(PG_FUNCTION_ARGS)
{
	char	   *path;
	char	   *src;
	size_t		len;
	List	   *stmts;
	ListCell   *lc;
	QipcConnection *conn;
	MemoryContext stmt_cxt;
	MemoryContext oldcxt;
	ErrorContextCallback errcallback;
	QipcScriptErrorContext errctx;
	Datum		result = (Datum) 0;

	if (!superuser() &&
		!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser or have privileges of the pg_read_server_files role to execute a q script file")));

	path = text_to_cstring(PG_GETARG_TEXT_PP(1));
	canonicalize_path(path);

	errctx.path = path;
	errctx.lineno = 0;
	errcallback.callback = script_error_callback;
	errcallback.arg = (void *) &errctx;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	src = read_script_file(path, &len);
	stmts = split_q_script(src, len);

	conn = connect_by_name(PG_GETARG_NAME(0));

	/* one response at a time: each is freed when the next one is sent */
	stmt_cxt = AllocSetContextCreate(CurrentMemoryContext,
									 "qipc_fdw script statement",
									 ALLOCSET_DEFAULT_SIZES);
	foreach(lc, stmts)
	{
		QipcScriptStatement *st = (QipcScriptStatement *) lfirst(lc);
		KipcObject *request;
		KipcMsg    *msg;

		errctx.lineno = st->lineno;
		MemoryContextReset(stmt_cxt);
		oldcxt = MemoryContextSwitchTo(stmt_cxt);
		request = qipc_track_object(kipc_new_cstring(st->text));
		msg = qipc_request(conn, request, st->text);
		MemoryContextSwitchTo(oldcxt);

		if (lnext(stmts, lc) == NULL)
			result = qipc_kipc_to_jsonb(msg->root);
	}
	MemoryContextDelete(stmt_cxt);
	qipc_release_connection(conn);
	error_context_stack = errcallback.previous;

	/* an empty script: JSON null, as q's result of loading nothing (::) */
	if (stmts == NIL)
	{
		JsonbValue	jv;

		jv.type = jbvNull;
		result = JsonbPGetDatum(JsonbValueToJsonb(&jv));
	}
	PG_RETURN_DATUM(result);
}

/* ----------------------------------------------------------------
 * Connection functions
 * ----------------------------------------------------------------
 */

#define QIPC_GET_CONNECTIONS_COLS	10

/*
 * qipc_fdw_get_connections(OUT server_name text, OUT user_name text,
 *		OUT address text, OUT connected_since timestamptz, OUT requests bigint,
 *		OUT bytes_in bigint, OUT bytes_out bigint, OUT reconnects bigint,
 *		OUT last_error text, OUT tls boolean) RETURNS SETOF record
 *		The connections this backend has opened to q servers, with their
 *		statistics; connected_since is NULL for a connection that is closed
 *		now, tls (whether it uses TLS) too.  Like postgres_fdw_get_connections, server_name is NULL when
 *		the server was dropped meanwhile.
 */
Datum
qipc_fdw_get_connections(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *conns;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);

	conns = qipc_connection_list();
	foreach(lc, conns)
	{
		QipcConnInfo *info = (QipcConnInfo *) lfirst(lc);
		ForeignServer *server;
		Datum		values[QIPC_GET_CONNECTIONS_COLS];
		bool		nulls[QIPC_GET_CONNECTIONS_COLS];
		int			i = 0;

		memset(nulls, 0, sizeof(nulls));

		server = GetForeignServerExtended(info->serverid, FSV_MISSING_OK);
		if (server)
			values[i++] = CStringGetTextDatum(server->servername);
		else
			nulls[i++] = true;

		if (!OidIsValid(info->userid))
			values[i++] = CStringGetTextDatum("public");
		else
		{
			char	   *uname = GetUserNameFromId(info->userid, true);

			if (uname)
				values[i++] = CStringGetTextDatum(uname);
			else
				nulls[i++] = true;
		}

		values[i++] = CStringGetTextDatum(psprintf("%s:%d", info->host,
												   info->port));
		if (info->connected && info->stats.connected_since != 0)
			values[i++] = TimestampTzGetDatum(info->stats.connected_since);
		else
			nulls[i++] = true;
		values[i++] = Int64GetDatum((int64) info->stats.requests);
		values[i++] = Int64GetDatum((int64) info->stats.bytes_in);
		values[i++] = Int64GetDatum((int64) info->stats.bytes_out);
		values[i++] = Int64GetDatum((int64) info->stats.reconnects);
		if (info->stats.last_error[0] != '\0')
			values[i++] = CStringGetTextDatum(info->stats.last_error);
		else
			nulls[i++] = true;
		if (info->connected && info->stats.connected_since != 0)
			values[i++] = BoolGetDatum(info->tls);
		else
			nulls[i++] = true;

		Assert(i == QIPC_GET_CONNECTIONS_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	return (Datum) 0;
}

/*
 * qipc_fdw_disconnect(server name) RETURNS bool
 *		Close this backend's connections to the named foreign server; true if
 *		one was closed.
 */
Datum
qipc_fdw_disconnect(PG_FUNCTION_ARGS)
{
	ForeignServer *server;

	server = GetForeignServerByName(NameStr(*PG_GETARG_NAME(0)), false);
	PG_RETURN_BOOL(qipc_disconnect_server(server->serverid));
}

/*
 * qipc_fdw_disconnect_all() RETURNS bool
 *		Close all of this backend's connections to q servers; true if one was
 *		closed.
 */
Datum
qipc_fdw_disconnect_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(qipc_disconnect_all());
}
