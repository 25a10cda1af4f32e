/*-------------------------------------------------------------------------
 *
 * option.c
 *		  FDW option handling for qipc_fdw: validator, option table, GUCs.
 *
 * Every option qipc_fdw accepts is listed once in qipc_options[], with the
 * catalog it may appear in and the kind of value it takes.  The validator
 * rejects unknown options with a closest-match hint (PostgreSQL 15 has no
 * ClosestMatch API yet, so a small Levenshtein search does the same job as
 * postgres_fdw's in later releases), checks each value, and checks the
 * cross-option rules (port required, table/query/function exclusive,
 * superuser-only settings on user mappings).
 *
 * Options are read by qipc_get_server_options and qipc_get_table_options,
 * which apply the defaults; nothing else parses option strings.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/option.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/reloptions.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/varlena.h"

#include "qipc_fdw.h"

/* kinds of option values */
typedef enum QipcOptionKind
{
	QIPC_OPT_STRING,			/* any non-empty string */
	QIPC_OPT_BOOL,				/* defGetBoolean */
	QIPC_OPT_PORT,				/* integer 1..65535 */
	QIPC_OPT_COUNT,				/* integer >= 0 */
	QIPC_OPT_SECONDS,			/* real >= 0 */
	QIPC_OPT_FACTOR,			/* real >= 1 */
	QIPC_OPT_COST,				/* real >= 0 */
	QIPC_OPT_BYTES,				/* integer > 0, units allowed (64MB) */
	QIPC_OPT_SSLMODE,			/* disable | require | verify-ca | verify-full */
	QIPC_OPT_QNAME,				/* q function name (.ns.fn) */
	QIPC_OPT_PARAM,				/* integer 1..8 (q lambda parameter limit) */
	QIPC_OPT_QATTR,				/* q attribute: s | u | p | g | none */
	QIPC_OPT_POSITIVE			/* integer >= 1 */
} QipcOptionKind;

/* one valid option */
typedef struct QipcFdwOption
{
	const char *keyword;
	Oid			optcontext;		/* catalog in which it may appear */
	QipcOptionKind kind;
} QipcFdwOption;

/*
 * The complete option table.  Built at compile time, so there is no
 * per-backend initialization to get wrong.
 */
static const QipcFdwOption qipc_options[] = {
	/* foreign server */
	{"host", ForeignServerRelationId, QIPC_OPT_STRING},
	{"port", ForeignServerRelationId, QIPC_OPT_PORT},
	{"connect_timeout", ForeignServerRelationId, QIPC_OPT_SECONDS},
	{"reconnect_attempts", ForeignServerRelationId, QIPC_OPT_COUNT},
	{"reconnect_delay", ForeignServerRelationId, QIPC_OPT_SECONDS},
	{"reconnect_backoff", ForeignServerRelationId, QIPC_OPT_FACTOR},
	{"keep_connections", ForeignServerRelationId, QIPC_OPT_BOOL},
	{"fdw_startup_cost", ForeignServerRelationId, QIPC_OPT_COST},
	{"fdw_tuple_cost", ForeignServerRelationId, QIPC_OPT_COST},
	{"max_message_size", ForeignServerRelationId, QIPC_OPT_BYTES},
	{"use_remote_estimate", ForeignServerRelationId, QIPC_OPT_BOOL},
	{"sslmode", ForeignServerRelationId, QIPC_OPT_SSLMODE},
	{"sslrootcert", ForeignServerRelationId, QIPC_OPT_STRING},
	{"sslcert", ForeignServerRelationId, QIPC_OPT_STRING},
	{"sslkey", ForeignServerRelationId, QIPC_OPT_STRING},
	{"fetch_size", ForeignServerRelationId, QIPC_OPT_COUNT},
	{"fetch_bytes", ForeignServerRelationId, QIPC_OPT_BYTES},
	{"async_capable", ForeignServerRelationId, QIPC_OPT_BOOL},
	{"bind_join_batch", ForeignServerRelationId, QIPC_OPT_COUNT},
	/* writes (modify.c) */
	{"updatable", ForeignServerRelationId, QIPC_OPT_BOOL},
	{"batch_size", ForeignServerRelationId, QIPC_OPT_POSITIVE},
	{"insert_async", ForeignServerRelationId, QIPC_OPT_BOOL},

	/* user mapping */
	{"user", UserMappingRelationId, QIPC_OPT_STRING},
	{"password", UserMappingRelationId, QIPC_OPT_STRING},
	{"password_required", UserMappingRelationId, QIPC_OPT_BOOL},
	{"sslcert", UserMappingRelationId, QIPC_OPT_STRING},
	{"sslkey", UserMappingRelationId, QIPC_OPT_STRING},

	/* foreign table */
	{"table", ForeignTableRelationId, QIPC_OPT_STRING},
	{"query", ForeignTableRelationId, QIPC_OPT_STRING},
	{"function", ForeignTableRelationId, QIPC_OPT_QNAME},
	{"partition_column", ForeignTableRelationId, QIPC_OPT_STRING},
	{"use_remote_estimate", ForeignTableRelationId, QIPC_OPT_BOOL},
	{"fetch_size", ForeignTableRelationId, QIPC_OPT_COUNT},
	{"fetch_bytes", ForeignTableRelationId, QIPC_OPT_BYTES},
	{"async_capable", ForeignTableRelationId, QIPC_OPT_BOOL},
	{"bind_join_batch", ForeignTableRelationId, QIPC_OPT_COUNT},
	/* writes (modify.c) */
	{"updatable", ForeignTableRelationId, QIPC_OPT_BOOL},
	{"batch_size", ForeignTableRelationId, QIPC_OPT_POSITIVE},
	{"insert_function", ForeignTableRelationId, QIPC_OPT_QNAME},
	{"insert_async", ForeignTableRelationId, QIPC_OPT_BOOL},

	/* column */
	{"column_name", AttributeRelationId, QIPC_OPT_STRING},
	{"param", AttributeRelationId, QIPC_OPT_PARAM},
	{"attribute", AttributeRelationId, QIPC_OPT_QATTR},

	{NULL, InvalidOid, QIPC_OPT_STRING}
};

/* GUCs */
bool		qipc_enable_pushdown = true;
bool		qipc_enable_bind_join = true;

static const QipcFdwOption *find_option(const char *keyword, Oid context);
static const char *closest_option(const char *keyword, Oid context);
static void check_option_value(DefElem *def, const QipcFdwOption *opt);
static double get_real_option(DefElem *def);
static int	get_int_option(DefElem *def, int flags);

void		_PG_init(void);

PG_FUNCTION_INFO_V1(qipc_fdw_validator);

/*
 * _PG_init
 *		Module load: define the GUCs.
 */
void
_PG_init(void)
{
	DefineCustomBoolVariable("qipc_fdw.enable_pushdown",
							 "Sends WHERE, ORDER BY, LIMIT and aggregates to q when safe.",
							 "When off, every scan fetches the referenced columns of the "
							 "whole table and PostgreSQL evaluates everything else.",
							 &qipc_enable_pushdown,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	qipc_define_rowcount_guc();
	/* bind joins (bindjoin.c) */
	DefineCustomBoolVariable("qipc_fdw.enable_bind_join",
							 "Lets the planner join foreign tables by sending the other side's keys to q.",
							 "A bind join reads the outer side of an equi-join in batches "
							 "of distinct keys and asks q only for the rows with those keys.",
							 &qipc_enable_bind_join,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	qipc_bind_join_init();
	/* join pushdown (joinrel.c) */
	qipc_join_pushdown_init();

	MarkGUCPrefixReserved("qipc_fdw");
}

/*
 * qipc_fdw_validator
 *		Validate the generic options given to a FOREIGN DATA WRAPPER, SERVER,
 *		USER MAPPING or FOREIGN TABLE that uses qipc_fdw.
 *
 * Raises an ERROR if an option or its value is invalid.  PostgreSQL calls it
 * with the complete resulting option list, on CREATE and on ALTER.
 */
Datum
qipc_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options_list = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	ListCell   *cell;
	bool		have_port = false;
	int			nsources = 0;
	bool		have_table = false;

	foreach(cell, options_list)
	{
		DefElem    *def = (DefElem *) lfirst(cell);
		const QipcFdwOption *opt = find_option(def->defname, catalog);

		if (opt == NULL)
		{
			const char *closest = closest_option(def->defname, catalog);

			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 closest ? errhint("Perhaps you meant the option \"%s\".",
									   closest)
					 : errhint("There are no valid options in this context.")));
		}

		check_option_value(def, opt);

		if (strcmp(def->defname, "port") == 0)
			have_port = true;
		else if (catalog == ForeignTableRelationId &&
				 (strcmp(def->defname, "table") == 0 ||
				  strcmp(def->defname, "query") == 0 ||
				  strcmp(def->defname, "function") == 0))
		{
			nsources++;
			if (strcmp(def->defname, "table") == 0)
				have_table = true;
		}
		else if (catalog == UserMappingRelationId &&
				 strcmp(def->defname, "user") == 0 &&
				 strchr(defGetString(def), ':') != NULL)
			/* q splits "user:password" at the first colon */
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for option \"user\": q user names cannot contain \":\""),
					 errhint("Put the password in the option \"password\".")));
		else if (catalog == UserMappingRelationId &&
				 strcmp(def->defname, "password_required") == 0 &&
				 !defGetBoolean(def) && !superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("password_required=false is superuser-only"),
					 errhint("User mappings with the password_required option set to false may only be created or modified by the superuser.")));
		else if (catalog == UserMappingRelationId &&
				 (strcmp(def->defname, "sslcert") == 0 ||
				  strcmp(def->defname, "sslkey") == 0) &&
				 !superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("sslcert and sslkey are superuser-only"),
					 errhint("User mappings with the sslcert or sslkey options set may only be created or modified by the superuser.")));
	}

	if (catalog == ForeignServerRelationId && !have_port)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_DYNAMIC_PARAMETER_VALUE_NEEDED),
				 errmsg("option \"port\" is required for a qipc_fdw foreign server")));

	if (catalog == ForeignTableRelationId)
	{
		if (nsources > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("conflicting options: only one of \"table\", \"query\" and \"function\" may be given")));

		/* partition_column only makes sense on a named table */
		foreach(cell, options_list)
		{
			DefElem    *def = (DefElem *) lfirst(cell);

			if (strcmp(def->defname, "partition_column") == 0 &&
				nsources > 0 && !have_table)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("option \"partition_column\" cannot be used with \"query\" or \"function\"")));
		}
	}

	PG_RETURN_VOID();
}

/*
 * find_option
 *		The table entry for keyword in catalog context, or NULL.
 */
static const QipcFdwOption *
find_option(const char *keyword, Oid context)
{
	const QipcFdwOption *opt;

	for (opt = qipc_options; opt->keyword; opt++)
	{
		if (opt->optcontext == context && strcmp(opt->keyword, keyword) == 0)
			return opt;
	}
	return NULL;
}

/*
 * closest_option
 *		The valid option of this context closest to keyword by edit distance,
 *		or NULL when none is reasonably close (more than half of the longer
 *		string would have to change), as PostgreSQL 16's ClosestMatch does.
 */
static const char *
closest_option(const char *keyword, Oid context)
{
	const QipcFdwOption *opt;
	const char *best = NULL;
	int			best_dist = INT_MAX;
	int			klen = strlen(keyword);

	for (opt = qipc_options; opt->keyword; opt++)
	{
		int			olen;
		int			maxd;
		int			d;

		if (opt->optcontext != context)
			continue;
		olen = strlen(opt->keyword);
		maxd = Max(klen, olen) / 2;
		d = varstr_levenshtein_less_equal(keyword, klen, opt->keyword, olen,
										  1, 1, 1, maxd, true);
		if (d <= maxd && d < best_dist)
		{
			best_dist = d;
			best = opt->keyword;
		}
	}
	return best;
}

/*
 * check_option_value
 *		Raise ERRCODE_INVALID_PARAMETER_VALUE if def's value is not of opt's
 *		kind.
 */
static void
check_option_value(DefElem *def, const QipcFdwOption *opt)
{
	const char *value = defGetString(def);

	switch (opt->kind)
	{
		case QIPC_OPT_STRING:
			if (value[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("value for option \"%s\" must not be empty",
								def->defname)));
			break;
		case QIPC_OPT_BOOL:
			(void) defGetBoolean(def);
			break;
		case QIPC_OPT_PORT:
			{
				int			port = get_int_option(def, 0);

				if (port < 1 || port > 65535)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid value for option \"%s\": \"%s\"",
									def->defname, value),
							 errdetail("Valid values are between \"%d\" and \"%d\".",
									   1, 65535)));
				break;
			}
		case QIPC_OPT_COUNT:
			if (get_int_option(def, 0) < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" must be an integer value greater than or equal to zero",
								def->defname)));
			break;
		case QIPC_OPT_SECONDS:
		case QIPC_OPT_COST:
			if (get_real_option(def) < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" must be a floating point value greater than or equal to zero",
								def->defname)));
			break;
		case QIPC_OPT_FACTOR:
			if (get_real_option(def) < 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" must be a floating point value greater than or equal to 1",
								def->defname)));
			break;
		case QIPC_OPT_BYTES:
			if (get_int_option(def, GUC_UNIT_BYTE) < 9)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" must be at least 9 bytes",
								def->defname)));
			break;
		case QIPC_OPT_SSLMODE:
			if (strcmp(value, "disable") != 0 &&
				strcmp(value, "require") != 0 &&
				strcmp(value, "verify-ca") != 0 &&
				strcmp(value, "verify-full") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, value),
						 errhint("Valid values are \"disable\", \"require\", \"verify-ca\" and \"verify-full\".")));
			break;
		case QIPC_OPT_QNAME:
			if (!qipc_is_q_name(value))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid q function name: \"%s\"", value),
						 errhint("Use a q name such as \"getTrades\" or \".api.getTrades\".")));
			break;
		case QIPC_OPT_PARAM:
			{
				int			n = get_int_option(def, 0);

				if (n < 1 || n > 8)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid value for option \"%s\": \"%s\"",
									def->defname, value),
							 errdetail("A q function takes 1 to 8 parameters.")));
				break;
			}
		case QIPC_OPT_QATTR:
			if (strcmp(value, "s") != 0 && strcmp(value, "u") != 0 &&
				strcmp(value, "p") != 0 && strcmp(value, "g") != 0 &&
				strcmp(value, "none") != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\"",
								def->defname, value),
						 errhint("Valid values are \"s\", \"u\", \"p\", \"g\" and \"none\".")));
			break;
		case QIPC_OPT_POSITIVE:
			if (get_int_option(def, 0) < 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" must be an integer value greater than zero",
								def->defname)));
			break;
	}
}

/* parse a real option value or raise an error */
static double
get_real_option(DefElem *def)
{
	double		v;

	if (!parse_real(defGetString(def), &v, 0, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for floating point option \"%s\": %s",
						def->defname, defGetString(def))));
	return v;
}

/* parse an integer option value (flags: GUC unit flags) or raise an error */
static int
get_int_option(DefElem *def, int flags)
{
	int			v;
	const char *hintmsg = NULL;

	if (!parse_int(defGetString(def), &v, flags, &hintmsg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for integer option \"%s\": %s",
						def->defname, defGetString(def)),
				 hintmsg ? errhint("%s", _(hintmsg)) : 0));
	return v;
}

/*
 * qipc_get_server_options
 *		Fill *opts from the server's options, with defaults.
 */
void
qipc_get_server_options(ForeignServer *server, QipcFdwServerOptions *opts)
{
	ListCell   *lc;

	memset(opts, 0, sizeof(*opts));
	opts->host = "localhost";
	opts->reconnect_delay = 0.5;
	opts->reconnect_backoff = 2.0;
	opts->keep_connections = true;
	opts->fdw_startup_cost = QIPC_DEFAULT_FDW_STARTUP_COST;
	opts->fdw_tuple_cost = QIPC_DEFAULT_FDW_TUPLE_COST;
	opts->sslmode = KIPC_SSL_DISABLE;
	opts->fetch_size = QIPC_DEFAULT_FETCH_SIZE;

	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const char *name = def->defname;

		if (strcmp(name, "host") == 0)
			opts->host = defGetString(def);
		else if (strcmp(name, "port") == 0)
			opts->port = get_int_option(def, 0);
		else if (strcmp(name, "connect_timeout") == 0)
			opts->connect_timeout = get_real_option(def);
		else if (strcmp(name, "reconnect_attempts") == 0)
			opts->reconnect_attempts = get_int_option(def, 0);
		else if (strcmp(name, "reconnect_delay") == 0)
			opts->reconnect_delay = get_real_option(def);
		else if (strcmp(name, "reconnect_backoff") == 0)
			opts->reconnect_backoff = get_real_option(def);
		else if (strcmp(name, "keep_connections") == 0)
			opts->keep_connections = defGetBoolean(def);
		else if (strcmp(name, "fdw_startup_cost") == 0)
			opts->fdw_startup_cost = get_real_option(def);
		else if (strcmp(name, "fdw_tuple_cost") == 0)
			opts->fdw_tuple_cost = get_real_option(def);
		else if (strcmp(name, "max_message_size") == 0)
			opts->max_message_size = get_int_option(def, GUC_UNIT_BYTE);
		else if (strcmp(name, "use_remote_estimate") == 0)
			opts->use_remote_estimate = defGetBoolean(def);
		else if (strcmp(name, "sslmode") == 0)
		{
			const char *v = defGetString(def);

			if (strcmp(v, "require") == 0)
				opts->sslmode = KIPC_SSL_REQUIRE;
			else if (strcmp(v, "verify-ca") == 0)
				opts->sslmode = KIPC_SSL_VERIFY_CA;
			else if (strcmp(v, "verify-full") == 0)
				opts->sslmode = KIPC_SSL_VERIFY_FULL;
			else
				opts->sslmode = KIPC_SSL_DISABLE;
		}
		else if (strcmp(name, "sslrootcert") == 0)
			opts->sslrootcert = defGetString(def);
		else if (strcmp(name, "sslcert") == 0)
			opts->sslcert = defGetString(def);
		else if (strcmp(name, "sslkey") == 0)
			opts->sslkey = defGetString(def);
		else if (strcmp(name, "fetch_size") == 0)
			opts->fetch_size = get_int_option(def, 0);
	}
}

/*
 * qipc_get_table_options
 *		Fill *opts from the foreign table's options.  When none of table,
 *		query and function is given, table is the foreign table's own name.
 *		rel may be NULL (the name is then looked up).
 */
void
qipc_get_table_options(ForeignTable *table, Relation rel,
					   QipcFdwTableOptions *opts)
{
	ListCell   *lc;
	ForeignServer *server = GetForeignServer(table->serverid);

	memset(opts, 0, sizeof(*opts));

	/* defaults: the server's use_remote_estimate, fetch_size, async_capable */
	opts->fetch_size = QIPC_DEFAULT_FETCH_SIZE;
	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "use_remote_estimate") == 0)
			opts->use_remote_estimate = defGetBoolean(def);
		else if (strcmp(def->defname, "fetch_size") == 0)
			opts->fetch_size = get_int_option(def, 0);
		else if (strcmp(def->defname, "fetch_bytes") == 0)
			opts->fetch_bytes = get_int_option(def, GUC_UNIT_BYTE);
		else if (strcmp(def->defname, "async_capable") == 0)
			opts->async_capable = defGetBoolean(def);
	}

	foreach(lc, table->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const char *name = def->defname;

		if (strcmp(name, "table") == 0)
			opts->table = defGetString(def);
		else if (strcmp(name, "query") == 0)
			opts->query = defGetString(def);
		else if (strcmp(name, "function") == 0)
			opts->function = defGetString(def);
		else if (strcmp(name, "partition_column") == 0)
			opts->partition_column = defGetString(def);
		else if (strcmp(name, "use_remote_estimate") == 0)
			opts->use_remote_estimate = defGetBoolean(def);
		else if (strcmp(name, "async_capable") == 0)
			opts->async_capable = defGetBoolean(def);
		else if (strcmp(name, "fetch_size") == 0)
			opts->fetch_size = get_int_option(def, 0);
		else if (strcmp(name, "fetch_bytes") == 0)
			opts->fetch_bytes = get_int_option(def, GUC_UNIT_BYTE);
	}

	if (opts->table == NULL && opts->query == NULL && opts->function == NULL)
		opts->table = rel ? pstrdup(RelationGetRelationName(rel))
			: get_rel_name(table->relid);
}

/*
 * qipc_get_column_name
 *		The remote name of a column: its column_name option, or its local
 *		name.  palloc'd.
 */
char *
qipc_get_column_name(Oid relid, AttrNumber attnum)
{
	List	   *options = GetForeignColumnOptions(relid, attnum);
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "column_name") == 0)
			return pstrdup(defGetString(def));
	}
	return get_attname(relid, attnum, false);
}

/*
 * qipc_get_column_attribute
 *		The column option attribute of a foreign table's column: 's', 'u',
 *		'p' or 'g', '\0' for "none", or -1 when the column has no such
 *		option (then the q server's meta says).
 */
int
qipc_get_column_attribute(Oid relid, AttrNumber attnum)
{
	List	   *options = GetForeignColumnOptions(relid, attnum);
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "attribute") == 0)
		{
			const char *v = defGetString(def);

			return strcmp(v, "none") == 0 ? '\0' : v[0];
		}
	}
	return -1;
}

/*
 * qipc_get_column_param
 *		The column option param (1..8) of a function-backed table's column,
 *		0 if the column has none.
 */
int
qipc_get_column_param(Oid relid, AttrNumber attnum)
{
	List	   *options = GetForeignColumnOptions(relid, attnum);
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "param") == 0)
			return get_int_option(def, 0);
	}
	return 0;
}

/*
 * qipc_get_bind_join_batch
 *		The option bind_join_batch of a foreign table (the server's value
 *		when the table has none): the most distinct keys a bind join sends
 *		in one request.  0 means that the table is never bind-joined.
 */
int
qipc_get_bind_join_batch(ForeignTable *table, ForeignServer *server)
{
	int			batch = QIPC_DEFAULT_BIND_JOIN_BATCH;
	ListCell   *lc;

	foreach(lc, server->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "bind_join_batch") == 0)
			batch = get_int_option(def, 0);
	}
	foreach(lc, table->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "bind_join_batch") == 0)
			batch = get_int_option(def, 0);
	}
	return batch;
}

/*
 * qipc_get_write_options
 *		Fill *opts with the options of INSERT into a foreign table (modify.c):
 *		the table's value wins over the server's, then the default.
 */
void
qipc_get_write_options(ForeignTable *table, QipcFdwWriteOptions *opts)
{
	ForeignServer *server = GetForeignServer(table->serverid);
	List	   *lists[2];
	int			i;

	memset(opts, 0, sizeof(*opts));
	opts->updatable = true;
	opts->batch_size = QIPC_DEFAULT_BATCH_SIZE;
	opts->insert_async = false;
	opts->insert_function = NULL;

	/* server first, so that the table's options override */
	lists[0] = server->options;
	lists[1] = table->options;
	for (i = 0; i < 2; i++)
	{
		ListCell   *lc;

		foreach(lc, lists[i])
		{
			DefElem    *def = (DefElem *) lfirst(lc);

			if (strcmp(def->defname, "updatable") == 0)
				opts->updatable = defGetBoolean(def);
			else if (strcmp(def->defname, "batch_size") == 0)
				opts->batch_size = get_int_option(def, 0);
			else if (strcmp(def->defname, "insert_async") == 0)
				opts->insert_async = defGetBoolean(def);
			else if (strcmp(def->defname, "insert_function") == 0)
				opts->insert_function = defGetString(def);
		}
	}
}
