/*-------------------------------------------------------------------------
 *
 * qipc_fdw.h
 *		  Internal declarations shared by the PostgreSQL side of qipc_fdw.
 *
 * This is the only header the PostgreSQL-side files of src/ share.  The
 * PostgreSQL side is cut by what a file does, with prototypes grouped here
 * by the file that defines them:
 *	- qipc_fdw.c: the FDW handler and planner callbacks; base scan paths,
 *	  remote estimates and ANALYZE sit beside them;
 *	- scan.c: scan execution (paged and pipelined) and EXPLAIN;
 *	- option.c: option validation and lookup, the GUCs;
 *	- connection.c: the connection cache and every wait on a socket;
 *	- remote_meta.c: what a q server says about a table (meta), cached for
 *	  the planner;
 *	- deparse.c (planner): everything that writes q text or builds a q
 *	  request object: literals, names, the base select, WHERE, ORDER BY and
 *	  LIMIT of base scans;
 *	- upper.c (planner): aggregates, GROUP BY and HAVING pushed to q;
 *	  partial.c: the transition states of partial aggregates (partitionwise
 *	  aggregation that PostgreSQL finalizes);
 *	- typemap.c: q -> PostgreSQL values (result columns) and PostgreSQL ->
 *	  q values (request and scan arguments, at execution);
 *	- jsonconv.c, functions.c, funcscan.c: direct q access (qipc_exec and
 *	  friends, function-backed tables);
 *	- import.c: IMPORT FOREIGN SCHEMA;
 *	- modify.c: INSERT and COPY FROM into q tables (the write path: batches
 *	  built as typed q tables, PostgreSQL -> q values by the q column's
 *	  type, the async wrapper and its confirmation).
 *
 * Memory and ownership rules that every file relies on:
 *	- libkipc allocates with malloc (its default allocator); objects and
 *	  messages it returns are tied to PostgreSQL memory contexts through
 *	  reset callbacks (qipc_track_object, qipc_request), so an ERROR never
 *	  leaks them;
 *	- connections (sockets, TLS state) belong to the connection cache in
 *	  connection.c and nothing else closes them;
 *	- connection.c is the only file that waits on a socket.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/qipc_fdw.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef QIPC_FDW_H
#define QIPC_FDW_H

#include "commands/explain.h"
#include "compat.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "nodes/pathnodes.h"
#include "utils/relcache.h"
#include "utils/timestamp.h"

#include "kipc.h"

/* ----------------------------------------------------------------
 * Option structs (filled by option.c)
 * ----------------------------------------------------------------
 */

/*
 * Options of a foreign server, with defaults applied.  Strings are palloc'd
 * in the caller's memory context (or point into the ForeignServer's option
 * list).
 */
typedef struct QipcFdwServerOptions
{
	char	   *host;			/* "localhost" by default; "unix" = abstract
								 * Unix socket \0/tmp/kx.PORT */
	int			port;			/* required */
	double		connect_timeout;	/* seconds; 0 = wait forever */
	int			reconnect_attempts; /* extra attempts after the transparent
									 * one; default 0 */
	double		reconnect_delay;	/* seconds before the first extra attempt;
									 * default 0.5 */
	double		reconnect_backoff;	/* delay multiplier per attempt; default 2 */
	bool		keep_connections;	/* keep the connection across
									 * transactions; default on */
	double		fdw_startup_cost;	/* default QIPC_DEFAULT_FDW_STARTUP_COST */
	double		fdw_tuple_cost; /* default QIPC_DEFAULT_FDW_TUPLE_COST */
	int			max_message_size;	/* bytes; 0 = libkipc default (2^31-1) */
	bool		use_remote_estimate;	/* default off */
	KipcSslMode sslmode;		/* default KIPC_SSL_DISABLE */
	char	   *sslrootcert;	/* NULL if unset */
	char	   *sslcert;		/* NULL if unset (user mapping wins) */
	char	   *sslkey;			/* NULL if unset (user mapping wins) */
	int			fetch_size;		/* rows per page of a paged scan; 0 = one
								 * result (scan.c) */
} QipcFdwServerOptions;

#define QIPC_DEFAULT_FDW_STARTUP_COST	100.0
#define QIPC_DEFAULT_FDW_TUPLE_COST		0.01
#define QIPC_DEFAULT_FETCH_SIZE			100000

/*
 * Options of a foreign table.  Exactly one of table, query and function is
 * set (table defaults to the foreign table's own name).
 */
typedef struct QipcFdwTableOptions
{
	char	   *table;			/* remote table name (may be namespaced, e.g.
								 * ".sim.trade"), or NULL */
	char	   *query;			/* q expression returning a table, or NULL */
	char	   *function;		/* q function returning a table, or NULL */
	char	   *partition_column;	/* date-partitioned tables, or NULL */
	bool		use_remote_estimate;	/* server value unless overridden */
	int			fetch_size;		/* server value unless overridden */
	int			fetch_bytes;	/* bytes a page should not exceed, 0 = no
								 * bound; server value unless overridden */
	bool		async_capable;	/* server value unless overridden: scans
								 * may run concurrently under an Append */
} QipcFdwTableOptions;

/* ----------------------------------------------------------------
 * Connections (connection.c)
 * ----------------------------------------------------------------
 */

/*
 * An open connection to a q server, one per user mapping per backend.  The
 * struct is private to connection.c; callers only pass the pointer back.
 * A QipcConnection pointer is valid until the end of the current
 * transaction (invalidation never frees the entry, it only closes the
 * socket, and the next qipc_request reconnects or fails cleanly).
 */
typedef struct QipcConnCacheEntry QipcConnection;

/* per-connection statistics, exposed by qipc_fdw_get_connections() */
typedef struct QipcConnStats
{
	TimestampTz connected_since;	/* 0 if not connected */
	uint64		requests;		/* sync + async messages sent (lifetime of the
								 * cache entry) */
	uint64		bytes_in;		/* wire bytes received, all connections */
	uint64		bytes_out;		/* wire bytes sent, all connections */
	uint64		reconnects;		/* successful re-establishments */
	char		last_error[256];	/* last error text, "" if none; never
									 * contains a password */
} QipcConnStats;

/* one row of qipc_connection_list() */
typedef struct QipcConnInfo
{
	Oid			serverid;		/* foreign server */
	Oid			umid;			/* user mapping */
	Oid			userid;			/* local role of the mapping (InvalidOid =
								 * PUBLIC) */
	char	   *host;			/* palloc'd */
	int			port;
	bool		connected;		/* socket open and usable */
	bool		invalidated;	/* server/mapping changed since it opened */
	bool		tls;			/* connected over TLS (when connected) */
	QipcConnStats stats;
} QipcConnInfo;

/* flags for qipc_request_ext */
#define QIPC_REQUEST_IDEMPOTENT		0x01	/* safe to resend once if the link
											 * drops before any response byte
											 * arrived */
#define QIPC_REQUEST_ALLOW_ERROR	0x02	/* return a q error object (root
											 * type KIPC_T_ERROR) instead of
											 * raising ERRCODE_FDW_ERROR */
#define QIPC_REQUEST_PAGE			0x04	/* a page of a paged scan: a reply
											 * over max_message_size is 54000,
											 * with a hint on fetch_size */

/*
 * qipc_get_connection
 *		Return the connection for user mapping "user", opening it if needed.
 *
 * The connection is opened lazily and cached per user mapping OID.  A cached
 * connection that is found dead is re-established once transparently; with
 * the server option reconnect_attempts N, up to N further attempts follow,
 * each announced by a WARNING and preceded by an interruptible sleep of
 * reconnect_delay * reconnect_backoff^k seconds.  Raises 08001 (cannot
 * connect, connect_timeout), 28P01 (credentials refused) or 2F003
 * (a non-superuser's mapping has no password; checked before connecting)
 * on failure; never returns NULL.  The connection is owned by the cache:
 * never free or close it.
 */
extern QipcConnection *qipc_get_connection(UserMapping *user);

/*
 * Is a connection for this user mapping open in this backend, and idle?
 * (With qipc_fdw.row_count_connect off, the planner asks q for a row count
 * only over such a connection.)
 */
extern bool qipc_connection_is_open(UserMapping *user);

/*
 * qipc_connection_busy
 *		True if the user mapping's connection is in the middle of a request
 *		(or has one pending), or was lost and not yet re-established: a
 *		connection the planner must leave alone.
 */
extern bool qipc_connection_busy(UserMapping *user);

/*
 * qipc_release_connection
 *		Tell the cache that the caller is done with "conn" for now.
 *
 * Optional bookkeeping (connections are never owned by the caller); closes
 * a connection whose server or mapping was invalidated meanwhile.
 */
extern void qipc_release_connection(QipcConnection *conn);

/*
 * qipc_request
 *		Send the sync request "request" and wait for its response.
 *
 * "request" is any kipc object: a char vector (q text) or a general list
 * (function; arg1; ...) whose arguments are typed q values.  "qtext" is the
 * q to show in error contexts (the text, or a rendering of the list); it may
 * be NULL.  Waits interruptibly; on an interrupt the connection is closed
 * and discarded (q has no cancel message) and a NOTICE says the q server
 * may still be computing.
 *
 * Returns the response message.  It is freed automatically when the
 * caller's CurrentMemoryContext is reset or deleted; do not free it
 * yourself.  Decoded objects inside it are arena objects that live exactly
 * as long.  A q error response raises ERRCODE_FDW_ERROR with the q text;
 * transport failures raise class 08 errors (see qipc_report_error).
 */
extern KipcMsg *qipc_request(QipcConnection *conn, const KipcObject *request,
							 const char *qtext);

/* qipc_request with QIPC_REQUEST_* flags */
extern KipcMsg *qipc_request_ext(QipcConnection *conn, const KipcObject *request,
								 const char *qtext, int flags);

/*
 * Pipelined requests (paged scans): qipc_send_request sends a sync request
 * and returns at once with its id, so that q computes while the caller
 * works; qipc_receive_response(id) waits for that reply later.  Another
 * request on the same connection meanwhile (a second scan in a join) first
 * reads the outstanding reply and keeps it for its owner.  A reply whose
 * connection was closed meanwhile is requested again when the request is
 * QIPC_REQUEST_IDEMPOTENT (request must still be alive then), else 08006.
 * The reply is tracked in CurrentMemoryContext as with qipc_request.
 * qipc_discard_response(id) reads and frees a reply nobody will receive (a
 * scan ended early), so that the connection stays usable; replies left
 * behind by an error are dropped at the end of the transaction, with the
 * connection (it is still in the middle of a request then).
 */
extern uint64 qipc_send_request(QipcConnection *conn, const KipcObject *request,
								const char *qtext, int flags);
extern KipcMsg *qipc_receive_response(QipcConnection *conn, uint64 id,
									  const KipcObject *request,
									  const char *qtext, int flags);
extern void qipc_discard_response(QipcConnection *conn, uint64 id);

/*
 * Asynchronous execution (scan.c's Async Append callbacks).
 * qipc_connection_socket: the socket to wait on, -1 when closed.
 * qipc_response_on_wire: the reply of pipelined request id has not been
 * read yet (false once it was read, kept for its owner, or lost with the
 * connection: qipc_receive_response then returns it without waiting on
 * the socket, or resends the request).
 * qipc_set_request_owner: say which scan sent request id; until its reply
 * is read, qipc_request_owner returns that scan (else NULL), so that the
 * other scans of the connection know whom they wait for.
 * qipc_forget_request_owner: the scan goes away (end of its query, error).
 * qipc_connection_wait_socket: as qipc_connection_socket, for a scan that
 * waits for the reply of pipelined request id in the Append's wait set:
 * if an error (cancel, statement_timeout) ends that wait, the transaction's
 * end closes the connection with the NOTICE of an interrupted request.
 */
extern int	qipc_connection_socket(QipcConnection *conn);
extern int	qipc_connection_wait_socket(QipcConnection *conn, uint64 id);
extern bool qipc_response_on_wire(QipcConnection *conn, uint64 id);
extern void qipc_set_request_owner(QipcConnection *conn, uint64 id,
								   void *owner);
extern void *qipc_request_owner(QipcConnection *conn);
extern void qipc_forget_request_owner(QipcConnection *conn, void *owner);

/*
 * qipc_send_async
 *		Send "msg" as an async message (no response) and wait until it has
 *		been written to the socket.
 *
 * Errors are raised as for qipc_request.  A later request on the same
 * connection observes its effect (q processes messages in order).
 */
extern void qipc_send_async(QipcConnection *conn, const KipcObject *msg,
							const char *qtext);

/*
 * qipc_report_error
 *		Report a libkipc failure "status" as a PostgreSQL error at "elevel".
 *
 * conn: the connection it happened on (may be NULL), for the server name,
 * host, port and the transport's error text; qtext: the q being run (may be
 * NULL), added as errcontext.  Mapping: KIPC_ERR_IO/TIMEOUT during connect
 * -> 08001, KIPC_ERR_AUTH -> 28P01, KIPC_ERR_TLS -> 08001,
 * KIPC_ERR_PROTOCOL -> 08P01, KIPC_ERR_NOMEM -> HV001, KIPC_ERR_ARG ->
 * HV004, a lost link -> 08006.  Never prints a password.  Does not return
 * when elevel >= ERROR.
 */
extern void qipc_report_error(int elevel, KipcStatus status,
							  QipcConnection *conn, const char *qtext);

/*
 * qipc_report_q_error
 *		Raise the q error err (root of a response received with
 *		QIPC_REQUEST_ALLOW_ERROR) as qipc_request does, ERRCODE_FDW_ERROR
 *		with the q text, adding hint (a full sentence, or NULL).
 */
pg_noreturn extern void qipc_report_q_error(QipcConnection *conn,
											const KipcObject *err,
											const char *qtext,
											const char *hint);

/* the ForeignServer name of a connection (for messages) */
extern const char *qipc_connection_server_name(QipcConnection *conn);

/*
 * qipc_connection_list
 *		Snapshot of the cache for qipc_fdw_get_connections(): a palloc'd List
 *		of palloc'd QipcConnInfo, one per cache entry that has ever connected.
 */
extern List *qipc_connection_list(void);

/*
 * qipc_disconnect_server / qipc_disconnect_all
 *		Close cached connections (of one server, or all); return true if at
 *		least one was closed.  A connection in the middle of a request is
 *		left alone with a WARNING.
 */
extern bool qipc_disconnect_server(Oid serverid);
extern bool qipc_disconnect_all(void);

/*
 * qipc_track_object
 *		Make a heap KipcObject (from the kipc_new_* constructors) be unref'd
 *		when CurrentMemoryContext is reset or deleted.  Raises HV001 if o is
 *		NULL (a failed constructor), so it can wrap constructor calls.
 *		Returns o.
 */
extern KipcObject *qipc_track_object(KipcObject *o);

/* ----------------------------------------------------------------
 * Options (option.c)
 * ----------------------------------------------------------------
 */
extern void qipc_get_server_options(ForeignServer *server,
									QipcFdwServerOptions *opts);
extern void qipc_get_table_options(ForeignTable *table, Relation rel,
								   QipcFdwTableOptions *opts);

/* remote column name of attribute attnum (column_name option or attname);
 * palloc'd */
extern char *qipc_get_column_name(Oid relid, AttrNumber attnum);

/* value of column option param (function tables), 0 if unset */
extern int	qipc_get_column_param(Oid relid, AttrNumber attnum);
extern int	qipc_get_column_attribute(Oid relid, AttrNumber attnum);

/* GUC qipc_fdw.enable_pushdown (honoured by deparse.c and upper.c) */
extern bool qipc_enable_pushdown;

/* ----------------------------------------------------------------
 * Scan planning (qipc_fdw.c); deparse.c and upper.c fill these in
 * ----------------------------------------------------------------
 */

/*
 * Planner-side state of a foreign base relation, kept in
 * baserel->fdw_private.  Built by qipcGetForeignRelSize.
 */
typedef struct QipcFdwRelationInfo
{
	/* conditions: split of baserestrictinfo (RestrictInfo lists) */
	List	   *remote_conds;	/* can be evaluated by q (deparse.c) */
	List	   *local_conds;	/* must be evaluated locally */

	Bitmapset  *attrs_used;		/* attributes referenced by the query (offset
								 * by FirstLowInvalidHeapAttributeNumber) */

	/* cost inputs (qipc_fdw.c: set_scan_costs) */
	double		rows;			/* estimated rows after all conditions */
	double		retrieved_rows; /* rows q ships: after remote_conds */
	int			width;
	Cost		remote_cost;	/* q's work on remote_conds, per request */
	Cost		startup_cost;
	Cost		total_cost;
	QualCost	local_conds_cost;
	Selectivity local_conds_sel;

	/* catalog information */
	ForeignTable *table;
	ForeignServer *server;
	UserMapping *user;			/* NULL until needed */
	QipcFdwServerOptions sopts;
	QipcFdwTableOptions topts;
	char	   *relname;		/* local name, for messages */
} QipcFdwRelationInfo;

/*
 * fdw_private of a ForeignScan is a List indexed by this enum, so that it
 * can be copied by copyObject:
 *	- QipcScanPrivateQuery: String, the q to send: plain q text when the scan
 *	  has no parameters, otherwise the source of a lambda that takes them;
 *	- QipcScanPrivateRetrievedAttrs: IntList of local attribute numbers, in
 *	  the order the scan's result columns are matched (see next item);
 *	- QipcScanPrivateColumnNames: List of String, the remote column names
 *	  matched (by name) in the q result, one per retrieved attribute.
 * fdw_exprs holds the parameter expressions: their values are
 * converted to typed q atoms and sent as the lambda's arguments, i.e. the
 * request is the general list (lambda; arg1; ...; argN).
 */
enum QipcScanPrivateIndex
{
	QipcScanPrivateQuery,
	QipcScanPrivateRetrievedAttrs,
	QipcScanPrivateColumnNames,
	/* optional (pushdown, deparse.c); absent in scans without arguments */
	QipcScanPrivateArgConvs,	/* IntList: QIPC_CONV_* per fdw_exprs item */
	QipcScanPrivateDisplay,		/* String: the q for EXPLAIN, arguments
								 * rendered */
	/* optional (aggregate pushdown, upper.c) */
	QipcScanPrivateFixups,		/* List: one QIPC_FIX_* fixup per item */
	/* optional (paged scans, scan.c); NIL or absent: one result */
	QipcScanPrivatePaging,		/* List: Integer fetch_size, String page
								 * lambda, String its EXPLAIN form, Integer
								 * fetch_bytes, and for a partitioned table
								 * String the partition-count lambda */
	/* optional (pushed-down joins, joinrel.c) */
	QipcScanPrivateJoin			/* List: String name of the q result's match
								 * flag (boolean), IntList of the retrieved
								 * attributes read as NULL where it is 0b
								 * (a left join's unmatched rows), String
								 * the joined relations for EXPLAIN */
};

/* ----------------------------------------------------------------
 * Scan execution (scan.c)
 * ----------------------------------------------------------------
 */

/*
 * qipc_conditions_use_attribute (deparse.c)
 *		Is one of the pushed conditions conds (RestrictInfos of baserel) on
 *		a column with a q attribute (s# u# p# g#), which kdb+ answers by a
 *		lookup over the whole table when it comes first?
 */
extern bool qipc_conditions_use_attribute(PlannerInfo *root,
										  RelOptInfo *baserel, List *conds);

/*
 * qipc_partition_attnum (deparse.c)
 *		The attribute number of baserel's partition column (the table
 *		option partition_column, matched against the columns' q names), as
 *		the deparser ranks conditions by it; InvalidAttrNumber when the table
 *		has none or its q column types are unknown (nothing is pushed then).
 */
extern AttrNumber qipc_partition_attnum(PlannerInfo *root,
										RelOptInfo *baserel);

/*
 * qipc_plan_paging
 *		The QipcScanPrivatePaging item of a base scan whose one-result q
 *		would be a select of colnames from the table option with the
 *		conditions remote_conds (arguments fdw_exprs): NIL when the scan is
 *		not paged (fetch_size 0, query/function tables, sorts and limits
 *		applied by q, a row count only, conditions on attributed columns).
 */
extern List *qipc_plan_paging(PlannerInfo *root, RelOptInfo *baserel,
							  Oid foreigntableid, ForeignPath *best_path,
							  List *remote_conds, List *colnames,
							  List *fdw_exprs);
extern void qipc_begin_foreign_scan(ForeignScanState *node, int eflags);
extern TupleTableSlot *qipc_iterate_foreign_scan(ForeignScanState *node);
extern void qipc_rescan_foreign_scan(ForeignScanState *node);
extern void qipc_end_foreign_scan(ForeignScanState *node);
extern void qipc_explain_foreign_scan(ForeignScanState *node,
									  ExplainState *es);

/* Asynchronous execution (Async Append), scan.c */
extern bool qipc_is_foreign_path_async_capable(ForeignPath *path);
extern void qipc_foreign_async_request(AsyncRequest *areq);
extern void qipc_foreign_async_configure_wait(AsyncRequest *areq);
extern void qipc_foreign_async_notify(AsyncRequest *areq);

/*
 * Fixups of pushed aggregates whose value q cannot deliver as one column
 * (upper.c plans them, the scan in qipc_fdw.c applies them after the
 * row's conversion).  Each item of the QipcScanPrivateFixups list is a
 * List (Integer kind, Integer attnum of the result column, String name of
 * the hidden q result column "aux", String local name and String type name
 * of the aggregated column, for messages):
 *	- QIPC_FIX_NAN (float sum and avg): aux is a byte: 0, the value as
 *	  is; 1, the value is NaN (q's NaN is its null, which reads back as
 *	  NULL), e.g. the sum of +inf and -inf; 2, PostgreSQL's own aggregate
 *	  would have raised "value out of range: overflow" (finite inputs with
 *	  an infinite running sum, or sum of squared deviations for avg), so
 *	  the scan raises that error too;
 *	- QIPC_FIX_SUM128: the result column holds the long H, aux the long L,
 *	  and the numeric value is H * 2^32 + L (exact beyond 64 bits); a null
 *	  L means that a q integer infinity was summed: error 22003, as a
 *	  plain scan reading that value raises;
 *	- QIPC_FIX_INF: aux is boolean; true: a q integer infinity was summed
 *	  (error 22003, as above).
 */
#define QIPC_FIX_NAN		1
#define QIPC_FIX_SUM128		2
#define QIPC_FIX_INF		3
/*
 *	- QIPC_FIX_AVG128 (avg of integers, numeric): as QIPC_FIX_SUM128 for
 *	  the sum, and a sixth item, String, names the hidden long column of
 *	  the non-null count; the value is the sum divided by the count as
 *	  PostgreSQL's avg divides (numeric_div), NULL for no value.
 */
#define QIPC_FIX_AVG128		4
/*
 *	- QIPC_FIX_RANGE (a smallint/integer arithmetic grouping key, computed
 *	  in q floats): aux is boolean, true when some row's key is out of the
 *	  type's range (or reads a q integer infinity): PostgreSQL raises
 *	  22003 evaluating that row's key, so the scan raises it.
 */
#define QIPC_FIX_RANGE		5

/* ----------------------------------------------------------------
 * Type mapping (typemap.c): the only file that knows both Oid and kipc
 * types.
 * ----------------------------------------------------------------
 */

typedef struct QipcColumnConverter QipcColumnConverter;

/*
 * Convert item "row" of q column "col" to a Datum of the converter's
 * PostgreSQL type.  Sets *isnull for q nulls.  By-reference results are
 * palloc'd in CurrentMemoryContext (or cached in the converter's context).
 */
typedef Datum (*QipcConvertFunc) (QipcColumnConverter *cv,
								  const KipcObject *col, int64 row,
								  bool *isnull);

struct QipcColumnConverter
{
	QipcConvertFunc convert;	/* chosen once per column and batch */
	Oid			typid;			/* declared PostgreSQL type */
	int32		typmod;
	int			qtype;			/* q column type (vector type, or 0) */
	const char *colname;		/* local column name, for messages */
	const char *relname;		/* foreign table name, for messages */
	MemoryContext cache_cxt;	/* lifetime of cached values (symbols) */

	/* arrays: element type information */
	Oid			elemtype;
	int16		elmlen;
	bool		elmbyval;
	char		elmalign;

	/* arrays: converter of the elements (chosen at the first item) */
	struct QipcColumnConverter *elemcv;

	/* symbol -> text cache: direct-mapped, keyed by string content */
	struct QipcSymCacheEntry *symcache;
	int64		sym_misses;		/* cache misses so far */

	/* varchar/bpchar with a typmod: length coercion function */
	FmgrInfo   *coerce_fn;
};

/*
 * qipc_init_converter
 *		Choose the conversion for q column "col" (its type and, for general
 *		lists, its first non-empty item) into PostgreSQL type typid/typmod.
 *		Raises ERRCODE_FDW_INVALID_DATA_TYPE naming the column and the foreign
 *		table if the declared type cannot hold that q type.
 *		colname/relname must outlive the converter; cache_cxt holds cached
 *		by-reference values (reset it to drop them).
 */
extern void qipc_init_converter(QipcColumnConverter *cv, Oid typid,
								int32 typmod, const KipcObject *col,
								const char *colname, const char *relname,
								MemoryContext cache_cxt);

/*
 * qipc_datum_to_kipc
 *		Convert a PostgreSQL value to a heap q atom (or vector, for arrays and
 *		bytea), for typed request arguments.  qtype 0 picks the natural q type
 *		of typid (int2/4/8 -> short/int/long, float4/8 -> real/float, bool,
 *		text/varchar/bpchar -> string, name -> symbol, date -> date,
 *		timestamp(tz) -> timestamp (UTC), time -> timespan, interval ->
 *		timespan, uuid -> guid, bytea -> byte vector, arrays -> vectors);
 *		a non-zero qtype (atom type, negative) asks for that q type instead
 *		(e.g. -KIPC_T_SYMBOL for text).  NULL becomes the q null of the
 *		target type.  Raises 22003 if the value does not fit exactly and
 *		HV004 if the type cannot be sent.  The result is tracked with
 *		qipc_track_object in CurrentMemoryContext.
 */
extern KipcObject *qipc_datum_to_kipc(Datum value, bool isnull, Oid typid,
									  int qtype);

/* q type char (meta) -> PostgreSQL type name for IMPORT, NULL if none */
extern const char *qipc_pg_type_for_qchar(char qchar);

/*
 * qipc_format_value
 *		q's display form of o (kipc_format), palloc'd; HV001 when out of
 *		memory.
 */
extern char *qipc_format_value(const KipcObject *o);

/*
 * Scan arguments (executor).  How a scan argument (fdw_exprs item) is
 * converted to a q value: the deparser chooses, qipc_param_to_kipc does it.
 */
#define QIPC_CONV_NATURAL	0	/* qipc_datum_to_kipc, natural q type */
#define QIPC_CONV_SYMBOL	1	/* text (or text[]) -> symbol (vector) */
#define QIPC_CONV_LONG		2	/* integer -> long, q specials clamped */
#define QIPC_CONV_TS_LO		3	/* timestamp c -> first ns of c: c*1000 */
#define QIPC_CONV_TS_LAST	4	/* timestamp c -> last ns of c:
								 * (c+1us)*1000-1 */
#define QIPC_CONV_LIKE		5	/* SQL LIKE pattern -> q like pattern */
#define QIPC_CONV_EXACT		6	/* text -> q like pattern matching it only */
#define QIPC_CONV_CHAR		7	/* text, char(n), "char" (or arrays) -> char
								 * atom (vector); not one byte: the space */
#define QIPC_CONV_TS_BEFORE	8	/* timestamp c -> last ns before c:
								 * c*1000-1 (none for -infinity) */
#define QIPC_CONV_TS_AFTER	9	/* timestamp c -> first ns after c:
								 * (c+1us)*1000 (none for +infinity) */
#define QIPC_CONV_QTYPE(t)	(100 + (t)) /* qipc_datum_to_kipc as q type t */
#define QIPC_CONV_IN_FINITE(t) (200 + (t))	/* integer array -> q vector of
											 * type t without NULLs, nulls
											 * and infinities of t (bind
											 * joins, typemap.c) */

/*
 * A flag or'ed into the conversion of an argument of a base scan whose
 * NULL value makes one of the scan's top-level conditions false (a
 * comparison with the parameter of a generic plan, a nestloop parameter):
 * the scan then returns no rows without asking q, which lets deparse.c
 * write the comparison as the plain subphrase of a custom plan, without a
 * test of the parameter's nullness in q (scan.c; masked before the
 * conversion).  So does a value that has no bound under the conversion
 * (qipc_param_has_no_bound).
 */
#define QIPC_CONV_STRICT	0x10000

/*
 * qipc_param_to_kipc
 *		A scan argument as its typed q value (conversion conv, QIPC_CONV_*),
 *		tracked in CurrentMemoryContext.
 */
extern KipcObject *qipc_param_to_kipc(Datum value, bool isnull, Oid typid,
									  int conv);

/*
 * qipc_param_has_no_bound
 *		Has the non-null value no q value under conversion conv (the
 *		timestamp before -infinity, after +infinity)?  Such an argument is
 *		only made strict (QIPC_CONV_STRICT): its bound then selects no row,
 *		and the scan is empty.
 */
extern bool qipc_param_has_no_bound(Datum value, Oid typid, int conv);

/*
 * qipc_like_pattern
 *		A SQL LIKE pattern (escape character backslash) as a q like
 *		pattern; exact: every character literal.  palloc'd.
 */
extern char *qipc_like_pattern(const char *pat, int len, bool exact);

/* ----------------------------------------------------------------
 * IMPORT FOREIGN SCHEMA (import.c)
 * ----------------------------------------------------------------
 */
extern List *qipc_import_foreign_schema(ImportForeignSchemaStmt *stmt,
										Oid serverOid);

/* ----------------------------------------------------------------
 * Direct q access: jsonconv.c, funcscan.c
 * ----------------------------------------------------------------
 */

/* q value -> jsonb Datum (palloc'd); rules in jsonconv.c's header */
extern Datum qipc_kipc_to_jsonb(const KipcObject *o);

/*
 * q request of a scan of a function-backed foreign table (table option
 * function): appends the argument expressions to *fdw_exprs, sets
 * *fdw_private_extra to the fdw_private items after the first three (the
 * QipcScanPrivateArgConvs list and the QipcScanPrivateDisplay text) and
 * returns the q text; HV002 when a param
 * column has no "column = value" condition.
 */
extern char *qipc_plan_function_scan(PlannerInfo *root, RelOptInfo *baserel,
									 Oid foreigntableid, const char *relname,
									 const char *function, List *scan_clauses,
									 List **fdw_exprs,
									 List **fdw_private_extra);

/* ----------------------------------------------------------------
 * Remote table descriptions (remote_meta.c)
 * ----------------------------------------------------------------
 */

/* the columns of a q table, as q's meta describes them */
typedef struct QipcRemoteMeta
{
	int			ncols;
	char	  **names;			/* column names */
	char	   *types;			/* meta type letter per column (t) */
	char	   *attrs;			/* attribute per column (a): 's' sorted, 'u'
								 * unique, 'p' parted, 'g' grouped, '\0'
								 * none */
} QipcRemoteMeta;

/*
 * qipc_remote_meta
 *		Ask the q server behind conn for "meta table" and return its
 *		columns, palloc'd in CurrentMemoryContext.  When q answers with an
 *		error or with something that is not a meta result: NULL if
 *		missing_ok, otherwise an error (the q error, or
 *		ERRCODE_FDW_INVALID_DATA_TYPE).
 */
extern QipcRemoteMeta *qipc_remote_meta(QipcConnection *conn,
										const char *table, bool missing_ok);

/*
 * qipc_relation_meta
 *		The remote columns of foreign table relid (remote name "table" on
 *		server serverid, asked as user userid), cached per backend until the
 *		table, a server or a user mapping changes; NULL if q could not tell.
 *		The result belongs to the cache: use it before the next catalog
 *		access, which may process an invalidation that frees it.
 */
extern const QipcRemoteMeta *qipc_relation_meta(Oid relid, Oid serverid,
												Oid userid,
												const char *table);

/*
 * timepart.c: extract/date_part fields and date_bin buckets of a timestamp
 * or date column, as q parse trees (GROUP BY keys, WHERE comparisons).
 */
#define QIPC_TIME_PART	1		/* extract(field, x) or date_part(field, x) */
#define QIPC_TIME_BIN	2		/* date_bin(stride, x, origin) */
typedef struct QipcTimeFn
{
	int			kind;			/* QIPC_TIME_* */
	Var		   *var;			/* the column */
	int			field;			/* QIPC_TIME_PART: DTK_* field */
	int64		stride;			/* QIPC_TIME_BIN: stride, microseconds */
	int64		offset;			/* QIPC_TIME_BIN: origin mod stride, in
								 * [0, stride) */
	bool		datecast;		/* QIPC_TIME_PART of a date column read
								 * through a cast to timestamp */
} QipcTimeFn;

/*
 * qipc_time_fn_parse
 *		True if expr is extract/date_part of a field that q computes
 *		exactly, or date_bin with constant stride and origin, over a plain
 *		column (fn->var, whose relation the caller checks); fills *fn.
 */
extern bool qipc_time_fn_parse(Expr *expr, QipcTimeFn *fn);

/*
 * qipc_time_fn_parse_key
 *		qipc_time_fn_parse, also taking date_part(text, date), which the
 *		planner inlines into date_part of an explicit cast of the date to
 *		timestamp (fn->datecast).  That cast raises an error for dates past
 *		the timestamp range: the caller must place those rows as an error
 *		(sort keys: qipc_time_fn_cast_errs_q).
 */
extern bool qipc_time_fn_parse_key(Expr *expr, QipcTimeFn *fn);

/*
 * qipc_time_fn_cast_errs_q
 *		The q parse tree, over the q date column X, of the rows whose cast
 *		to timestamp raises an error in PostgreSQL (a boolean per row).
 */
extern char *qipc_time_fn_cast_errs_q(const char *X);

/*
 * qipc_time_fn_q
 *		The q parse tree of fn over column X (q symbol text) of meta type
 *		qt: a long for a field (0W/-0W for +-Infinity, null for NULL), a
 *		timestamp for a bucket; NULL if q cannot compute it for that type.
 */
extern char *qipc_time_fn_q(const QipcTimeFn *fn, const char *X, char qt);

/*
 * upper.c: date_trunc(unit, timestamp) of one width and timestamp::date,
 * q's xbar buckets (GROUP BY keys, and sort keys in deparse.c)
 */
typedef struct QipcBucketFn
{
	Var		   *var;			/* the timestamp column */
	int64		ns;				/* bucket width in nanoseconds */
	bool		todate;			/* the cast to date */
} QipcBucketFn;

extern bool qipc_bucket_fn_parse(Expr *expr, QipcBucketFn *bf);
extern char *qipc_bucket_fn_q(const QipcBucketFn *bf, const char *X);

/*
 * qipc_time_part_cmp_q
 *		For a comparison of field fn over column X (meta type qt) with a
 *		non-null integer in a where clause: the field as q computes it for
 *		finite values (a q int or long) and in *guard a where subphrase that
 *		drops the rows of a null or infinite X, on which the comparison
 *		never holds.  NULL when fn is not such a field (the year, whose
 *		+-Infinity compares).
 */
extern char *qipc_time_part_cmp_q(const QipcTimeFn *fn, const char *X,
								  char qt, char **guard);

/*
 * rowcount.c: a q table's row count for the planner, cached per backend
 * for qipc_fdw.row_count_ttl seconds; -1 when not known.
 */
extern int	qipc_row_count_ttl;
extern bool qipc_row_count_connect;
extern void qipc_define_rowcount_guc(void);
extern double qipc_table_row_count(Oid relid, Oid serverid, Oid userid,
								   const char *table);

/* ----------------------------------------------------------------
 * q text and requests; WHERE, ORDER BY and LIMIT of base scans
 * (deparse.c, a planner file: everything that writes q is here)
 * ----------------------------------------------------------------
 */

/*
 * qipc_is_q_name
 *		True if s is a q name: ASCII letters, digits and '_', beginning
 *		with a letter, optionally namespaced (".sim.trade": a leading dot
 *		and dots between names).  The one rule for names the FDW accepts
 *		(the function table option, qipc_call, IMPORT's namespaces) and
 *		for symbols written without quoting.
 */
extern bool qipc_is_q_name(const char *s);

/*
 * qipc_append_symbol
 *		Append a q symbol literal for name: `name when name is a q name
 *		(qipc_is_q_name), otherwise `$"..." with q string escapes.  Safe for
 *		any byte string without NUL.
 */
extern void qipc_append_symbol(StringInfo buf, const char *name);

/* append a q string literal "..." with escapes (a 1-char string is
 * rendered as enlist "c" so that it stays a string) */
extern void qipc_append_string(StringInfo buf, const char *s);

/* a q symbol vector for names (List of String); one name is enlisted */
extern void qipc_append_symbol_list(StringInfo buf, List *names);

/*
 * qipc_build_select
 *		Build the base scan query: ?[table;();0b;(cols)!(cols)] selecting
 *		"colnames" (List of String) from "table".  An empty list selects a
 *		row count only (one column, see below).  palloc'd.
 */
extern char *qipc_build_select(const char *table, List *colnames);

/* the q of ANALYZE's sample (a lambda of the sample size); palloc'd */
extern char *qipc_build_sample_query(const char *table, List *colnames);

/*
 * qipc_build_request
 *		The request object of "head" (a tracked heap q object: q text or a
 *		function name) applied to "args" (List of tracked heap q values):
 *		head itself when there are no arguments, otherwise the general list
 *		(head; arg1; ...), which takes a reference of its own to each item
 *		and is tracked itself.
 */
extern KipcObject *qipc_build_request(KipcObject *head, List *args);

/* the source of a lambda of a0..aN-1 around body (body itself if none) */
extern char *qipc_wrap_lambda(const char *body, int nargs);

/* the q of a scan for EXPLAIN, its arguments rendered */
extern char *qipc_display_query(const char *query, List *arg_exprs,
								List *arg_convs);

extern void qipc_classify_conditions(PlannerInfo *root, RelOptInfo *baserel,
									 List *input_conds, List **remote_conds,
									 List **local_conds);
extern bool qipc_is_foreign_expr(PlannerInfo *root, RelOptInfo *baserel,
								 Expr *expr);
extern void qipc_deparse_conditions(PlannerInfo *root, RelOptInfo *baserel,
									List *conds, StringInfo buf,
									List **arg_exprs, List **arg_convs,
									List **rejected);

/*
 * qipc_deparse_scan_conditions
 *		As qipc_deparse_conditions, for the rows of a base scan itself
 *		(its one-result and paged q): a value whose NULL makes a top-level
 *		condition false is marked QIPC_CONV_STRICT instead of being tested
 *		in q.  Not for conditions inside joins or aggregations, whose
 *		result is not empty when one of them is false.
 */
extern void qipc_deparse_scan_conditions(PlannerInfo *root,
										 RelOptInfo *baserel, List *conds,
										 StringInfo buf, List **arg_exprs,
										 List **arg_convs, List **rejected);
extern void qipc_deparse_upper_conditions(PlannerInfo *root,
										  RelOptInfo *scanrel, List *tlist,
										  List *qnames, const char *qtypes,
										  List *conds, StringInfo buf,
										  List **arg_exprs, List **arg_convs,
										  List **rejected);
extern char qipc_column_qtype(PlannerInfo *root, RelOptInfo *baserel,
							  AttrNumber attnum);
extern char *qipc_deparse_scan(PlannerInfo *root, RelOptInfo *baserel,
							   ForeignPath *best_path,
							   List *remote_conds, List *colnames,
							   List **fdw_exprs, List **fdw_private_extra,
							   List **local_exprs);
extern char *qipc_deparse_count_query(PlannerInfo *root, RelOptInfo *baserel,
									  List *conds, List **arg_exprs,
									  List **arg_convs, List **rejected);
/*
 * qipc_sort_keys_fit
 *		Can q sort the scan of baserel by pathkeys exactly as PostgreSQL
 *		would, every key, with the arguments of the pushed conditions and
 *		of the sort expressions fitting the scan's lambda?
 */
extern bool qipc_sort_keys_fit(PlannerInfo *root, RelOptInfo *baserel,
							   List *pathkeys);

/*
 * qipc_append_sort_pass
 *		Append to buf the q statements of one pass of a multi-key sort: the
 *		row order i, indexes into table t, sorted stably by column col of t
 *		(q symbol text), descending or not, the nulls then placed first or
 *		last with the q test nulltest of the key values k (NULL: the key
 *		has no nulls, or the caller places them).  Sets the locals k and d.
 */
extern void qipc_append_sort_pass(StringInfo buf, const char *col, bool desc,
								  bool nulls_first, const char *nulltest);

/* ----------------------------------------------------------------
 * Value expressions as q parse trees (expr.c)
 * ----------------------------------------------------------------
 *
 * Arithmetic (+ - * / and unary minus on smallint, integer, double
 * precision), COALESCE, CASE, upper/lower (C collation), and comparisons
 * between such values, over the columns of one foreign table, as q parse
 * trees of built-ins whose constants are scan arguments.  The caller
 * supplies its columns and arguments through QipcExprCxt; the result's
 * tree is evaluated by q per row (a where subphrase, a by key, the
 * argument of a built-in aggregate).  Its values are exactly PostgreSQL's,
 * SQL NULL being the q null of qt, except on the rows of "hazards": there
 * PostgreSQL raises an error (22003, 22012) or computes a value q holds as
 * null (NaN).  A caller that cannot let PostgreSQL evaluate those rows
 * itself (as a rechecked WHERE condition does) must not push an
 * expression that has hazards.  Nothing is written in the caller's buffer;
 * palloc'd strings in the current context.
 */

/* kinds of hazard rows (QipcExpr.hkinds) */
#define QIPC_HZ_ERROR	0x01	/* PostgreSQL raises 22003 (out of range) */
#define QIPC_HZ_DIV0	0x02	/* PostgreSQL raises 22012 (division by zero) */
#define QIPC_HZ_NAN		0x04	/* PostgreSQL's value is NaN, q's is null */

typedef struct QipcExpr
{
	char	   *tree;			/* q parse tree (q text building it) */
	char		qt;				/* q type letter of its values: h i j e f s,
								 * b for a condition */
	Oid			type;			/* PostgreSQL type of the value */
	bool		nullable;		/* may be NULL */
	bool		leaf_col;		/* a plain column */
	bool		is_const;		/* a constant or parameter */
	bool		from_int8_cast; /* (expr.c: a bigint under float8()) */
	List	   *hazards;		/* boolean trees where PostgreSQL raises an
								 * error (char *) */
	List	   *nan_hazards;	/* boolean trees where PostgreSQL's value is
								 * NaN, q's null (char *) */
	int			hkinds;			/* QIPC_HZ_* of the hazards */

	/*
	 * Group checks (only when QipcExprCxt.leaf_range is set): instead of
	 * evaluating the hazard trees row by row, a caller aggregating the
	 * value may test each group through the built-in max and min of the
	 * columns it reads (leaf_range names them).  bound is a q expression
	 * over those per-group columns, an upper bound of |value| on the
	 * group's rows (NULL when none is known: a parameter); gchecks are q
	 * boolean expressions over them, true for a group that may hold a
	 * hazard row of hazards or nan_hazards other than uf_hazards (an
	 * infinite or out-of-range operand, a result beyond the bounds); the
	 * uf_hazards (underflow to zero, which no upper bound excludes) are
	 * still evaluated row by row.
	 */
	char	   *bound;
	List	   *gchecks;		/* char * */
	List	   *uf_hazards;		/* char *, also in hazards */
	bool		no_tiny;		/* every non-zero value has |v| >= 1 */
	bool		has_cval;		/* a constant: its value is cval */
	double		cval;

	/*
	 * A text-valued CASE with distinct constant results or COALESCE(column,
	 * constant), as a grouping key: q may group by prekey (the index of the
	 * CASE branch taken, or the column), which is cheaper than computing
	 * the symbol of every row, and then map the few groups' keys with
	 * keymap (a parse tree with %s for the key column's symbol).  Where
	 * two groups may map to one key (the column's null and the constant),
	 * keyclash (q text with two %s for the result table's key column) is
	 * true on the reduced result, and the grouping must be done by tree.
	 */
	char	   *prekey;
	char	   *keymap;
	char	   *keyclash;
} QipcExpr;

typedef struct QipcExprCxt
{
	Index		relid;			/* range table index of the foreign table */
	void	   *arg;			/* the caller's state, passed back */

	/*
	 * Column var of the table: its q type letter ('\0': not pushable) and
	 * q symbol tree in *sym; registers the column with the caller.
	 */
	char		(*column) (void *arg, Var *var, char **sym);

	/*
	 * Register a scan argument (a value evaluated by PostgreSQL when the
	 * scan starts, converted by conv, QIPC_CONV_*): its number N, written
	 * aN in the tree, or -1 when no more fit.
	 */
	int			(*add_arg) (void *arg, Expr *value, int conv);

	/*
	 * Optional (group checks, see QipcExpr.bound): the names of the
	 * per-group max and min of column sym (q type qt) that the caller
	 * computes; NULL when the caller makes no group checks.
	 */
	void		(*leaf_range) (void *arg, const char *sym, char qt,
							   char **maxname, char **minname);
	bool		nobound;		/* out: a value had no bound */

	/* private to expr.c */
	int			dry;
	QipcExpr   *casetest;
} QipcExprCxt;

/* a value expression; false if it has no exact q translation */
extern bool qipc_deparse_value(QipcExprCxt *cxt, Expr *expr, QipcExpr *out);

/*
 * A condition: where it is TRUE (want_true) or FALSE, never where it is
 * NULL, as one boolean tree (comparisons of value expressions, IS [NOT]
 * NULL, AND/OR/NOT).
 */
extern bool qipc_deparse_condition(QipcExprCxt *cxt, Expr *expr,
								   bool want_true, QipcExpr *out);

/* the disjunction of e's hazards as one tree, "0b" when none */
extern char *qipc_expr_hazard_tree(const QipcExpr *e);
/* the same for the error hazards only, or (nan) the NaN ones only */
extern char *qipc_expr_hazard_tree_of(const QipcExpr *e, bool nan);

/* ----------------------------------------------------------------
 * Upper-relation pushdown: aggregates, GROUP BY, HAVING, and ORDER BY
 * and LIMIT over the groups (upper.c)
 * ----------------------------------------------------------------
 */
extern void qipc_get_foreign_upper_paths(PlannerInfo *root,
										 UpperRelationKind stage,
										 RelOptInfo *input_rel,
										 RelOptInfo *output_rel,
										 void *extra);
extern ForeignScan *qipc_get_upper_plan(PlannerInfo *root, RelOptInfo *rel,
										ForeignPath *best_path, List *tlist,
										List *scan_clauses, Plan *outer_plan);
extern RelOptInfo *qipc_upper_scan_rel(RelOptInfo *rel);

/*
 * Partial aggregation of one partition (partial.c): what q delivers for an
 * Aggref with aggsplit AGGSPLIT_INITIAL_SERIAL, whose value is its
 * transition state.
 */
#define QIPC_PARTIAL_STATE_NONE		0	/* kept local */
#define QIPC_PARTIAL_STATE_VALUE	1	/* the state is the aggregate's value */
#define QIPC_PARTIAL_STATE_AVG_PAIR 2	/* int8[2] {count, sum} */
extern int	qipc_partial_state_kind(Aggref *agg, const char *name, Oid argtype);
extern void qipc_partial_avg_pair_q(const char *X, char qt, int k,
									char **value, List **extra, char **post);

/* ----------------------------------------------------------------
 * Join pushdown (joinrel.c): inner and left equi-joins of two foreign
 * tables of one server computed by q
 * ----------------------------------------------------------------
 */

/* GUC qipc_fdw.enable_join_pushdown */
extern bool qipc_enable_join_pushdown;
extern void qipc_join_pushdown_init(void);
extern void qipc_get_foreign_join_paths(PlannerInfo *root,
										RelOptInfo *joinrel,
										RelOptInfo *outerrel,
										RelOptInfo *innerrel,
										JoinType jointype,
										JoinPathExtraData *extra);
extern ForeignScan *qipc_get_join_plan(PlannerInfo *root, RelOptInfo *joinrel,
									   ForeignPath *best_path, List *tlist,
									   List *scan_clauses, Plan *outer_plan);

/* ----------------------------------------------------------------
 * Bind joins (bindjoin.c; the option and GUC in option.c)
 * ----------------------------------------------------------------
 */

/* distinct keys per request when bind_join_batch is not set */
#define QIPC_DEFAULT_BIND_JOIN_BATCH	10000

/* GUC qipc_fdw.enable_bind_join */
extern bool qipc_enable_bind_join;

/* bind_join_batch of a foreign table (its server's value by default) */
extern int	qipc_get_bind_join_batch(ForeignTable *table,
									 ForeignServer *server);

/*
 * qipc_bind_join_init
 *		Called by _PG_init: register the custom scan and install the join
 *		path hook that offers bind joins to the planner.
 */
extern void qipc_bind_join_init(void);

/* ----------------------------------------------------------------
 * INSERT, COPY FROM, UPDATE and DELETE on q tables (modify.c; options in
 * option.c)
 * ----------------------------------------------------------------
 */

/* options of writes, table value over server value over default */
typedef struct QipcFdwWriteOptions
{
	bool		updatable;		/* accept INSERT/COPY; default true */
	int			batch_size;		/* rows per q request; default
								 * QIPC_DEFAULT_BATCH_SIZE */
	bool		insert_async;	/* batches as async messages, confirmed by one
								 * sync request at the end */
	char	   *insert_function;	/* q function applied to (name; batch), or
									 * NULL: insert (upsert for keyed tables) */
} QipcFdwWriteOptions;

#define QIPC_DEFAULT_BATCH_SIZE		10000

extern void qipc_get_write_options(ForeignTable *table,
								   QipcFdwWriteOptions *opts);

/* FdwRoutine callbacks of the write path */
extern int	qipc_is_foreign_rel_updatable(Relation rel);
extern void qipc_add_foreign_update_targets(PlannerInfo *root, Index rtindex,
											RangeTblEntry *target_rte,
											Relation target_relation);
extern TupleTableSlot *qipc_exec_foreign_update(EState *estate,
												ResultRelInfo *rinfo,
												TupleTableSlot *slot,
												TupleTableSlot *planSlot);
extern TupleTableSlot *qipc_exec_foreign_delete(EState *estate,
												ResultRelInfo *rinfo,
												TupleTableSlot *slot,
												TupleTableSlot *planSlot);
extern List *qipc_plan_foreign_modify(PlannerInfo *root, ModifyTable *plan,
									  Index resultRelation, int subplan_index);
extern void qipc_begin_foreign_modify(ModifyTableState *mtstate,
									  ResultRelInfo *rinfo, List *fdw_private,
									  int subplan_index, int eflags);
extern TupleTableSlot *qipc_exec_foreign_insert(EState *estate,
												ResultRelInfo *rinfo,
												TupleTableSlot *slot,
												TupleTableSlot *planSlot);
extern TupleTableSlot **qipc_exec_foreign_batch_insert(EState *estate,
													   ResultRelInfo *rinfo,
													   TupleTableSlot **slots,
													   TupleTableSlot **planSlots,
													   int *numSlots);
extern int	qipc_get_foreign_modify_batch_size(ResultRelInfo *rinfo);
extern void qipc_end_foreign_modify(EState *estate, ResultRelInfo *rinfo);
extern void qipc_begin_foreign_insert(ModifyTableState *mtstate,
									  ResultRelInfo *rinfo);
extern void qipc_end_foreign_insert(EState *estate, ResultRelInfo *rinfo);
extern void qipc_explain_foreign_modify(ModifyTableState *mtstate,
										ResultRelInfo *rinfo,
										List *fdw_private, int subplan_index,
										struct ExplainState *es);

#endif							/* QIPC_FDW_H */
