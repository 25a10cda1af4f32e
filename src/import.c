/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA for qipc_fdw.
 *
 * A "remote schema" is a q namespace: "." (or "") is the root namespace,
 * ".sim" the namespace .sim.  Its tables come from tables[] (or
 * tables `.sim), their columns and types from meta, whose type letters map
 * to PostgreSQL types as in typemap.c (qipc_pg_type_for_qchar).  A column
 * whose type has no mapping (a mixed list, say) is imported as text (the q
 * display form) with a NOTICE.  Tables listed in .Q.pt (a date-partitioned
 * database) get partition_column .Q.pf.
 *
 * Every name is sent to q as a symbol literal built by qipc_append_symbol,
 * so no name can change the query; the generated SQL quotes every
 * identifier and literal.
 *
 * Copyright (c) 2026, qipc_fdw developers
 *
 * IDENTIFICATION
 *		  src/import.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"

#include "qipc_fdw.h"

static KipcMsg *run_q(QipcConnection *conn, const char *qtext, int flags);
static bool table_is_wanted(ImportForeignSchemaStmt *stmt, const char *name);
static List *partitioned_tables(QipcConnection *conn, char **partcol);
static bool namespace_exists(QipcConnection *conn, const char *ns);
static char *printable(const char *s, int len);
static void check_name_encoding(const char *name, const char *remote,
								bool is_table);

/*
 * qipc_import_foreign_schema
 *		See qipc_fdw.h: the list of CREATE FOREIGN TABLE commands.
 */
List *
qipc_import_foreign_schema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	UserMapping *user = GetUserMapping(GetUserId(), serverOid);
	QipcConnection *conn;
	const char *ns = stmt->remote_schema;
	bool		root = (ns[0] == '\0' || strcmp(ns, ".") == 0);
	StringInfoData q;
	KipcMsg    *msg;
	const KipcObject *names;
	List	   *parted = NIL;
	char	   *partcol = NULL;
	List	   *commands = NIL;
	int64		t;

	if (!root && (ns[0] != '.' || !qipc_is_q_name(ns)))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("invalid q namespace \"%s\"", ns),
				 errhint("Use \".\" for the root namespace or a q namespace such as \".sim\".")));

	conn = qipc_get_connection(user);

	/* the namespace's tables */
	initStringInfo(&q);
	if (root)
		appendStringInfoString(&q, "tables[]");
	else
	{
		appendStringInfoString(&q, "tables ");
		qipc_append_symbol(&q, ns);
	}
	msg = run_q(conn, q.data, 0);
	names = msg->root;

	/*
	 * q answers an empty list both for a namespace without tables and for
	 * one that does not exist.  A namespace is a dictionary in q (value
	 * `.ns has type 99h); a missing one is an error like postgres_fdw's
	 * missing remote schema.
	 */
	if (!root && (names->type == KIPC_T_LIST || names->type == KIPC_T_SYMBOL) &&
		names->n == 0 && !namespace_exists(conn, ns))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("schema \"%s\" is not present on foreign server \"%s\"",
						ns, server->servername),
				 errdetail("The q server has no namespace %s.", ns)));
	if (names->type == KIPC_T_LIST && names->n == 0)
		return NIL;
	if (names->type != KIPC_T_SYMBOL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("unexpected result of \"%s\" from q server \"%s\"",
						q.data, server->servername)));

	if (root)
		parted = partitioned_tables(conn, &partcol);

	for (t = 0; t < names->n; t++)
	{
		const char *name = names->v.syms[t];
		const char *local = name;
		char	   *remote;
		QipcRemoteMeta *meta;
		StringInfoData cmd;
		int			c;
		ListCell   *lc;
		bool		is_parted = false;

		/* tables `.ns may answer qualified names: import them unqualified */
		if (!root && strncmp(name, ns, strlen(ns)) == 0 &&
			name[strlen(ns)] == '.')
			local = name + strlen(ns) + 1;
		if (!table_is_wanted(stmt, local))
			continue;
		/* (a name LIMIT TO can list is valid: such a table is skipped) */
		check_name_encoding(local, NULL, true);
		remote = root ? pstrdup(local) : psprintf("%s.%s", ns, local);

		meta = qipc_remote_meta(conn, remote, false);

		foreach(lc, parted)
		{
			if (strcmp(strVal(lfirst(lc)), remote) == 0)
				is_parted = true;
		}

		initStringInfo(&cmd);
		appendStringInfo(&cmd, "CREATE FOREIGN TABLE %s (",
						 quote_identifier(local));
		for (c = 0; c < meta->ncols; c++)
		{
			const char *cname = meta->names[c];
			char		qchar = meta->types[c];
			const char *pgtype = qipc_pg_type_for_qchar(qchar);

			check_name_encoding(cname, remote, false);
			if (pgtype == NULL)
			{
				ereport(NOTICE,
						(errmsg("column \"%s\" of q table \"%s\" has q type \"%s\", which has no mapping; imported as text",
								cname, remote, printable(&qchar, 1)),
						 errdetail("Its values are shown in q's display form%s.",
								   qchar == ' ' ? " (q type \" \" is a mixed list)" : "")));
				pgtype = "text";
			}
			if (c > 0)
				appendStringInfoString(&cmd, ", ");
			appendStringInfo(&cmd, "\n  %s %s", quote_identifier(cname), pgtype);

			/*
			 * A long q name is kept as column_name; an attribute (s# u# p#
			 * g#) as attribute, so that the planner orders conditions by
			 * it without asking meta.
			 */
			if (strlen(cname) >= NAMEDATALEN || meta->attrs[c] != '\0')
			{
				appendStringInfoString(&cmd, " OPTIONS (");
				if (strlen(cname) >= NAMEDATALEN)
					appendStringInfo(&cmd, "column_name %s%s",
									 quote_literal_cstr(cname),
									 meta->attrs[c] != '\0' ? ", " : "");
				if (meta->attrs[c] != '\0')
					appendStringInfo(&cmd, "attribute '%c'", meta->attrs[c]);
				appendStringInfoChar(&cmd, ')');
			}
		}
		appendStringInfo(&cmd, "\n) SERVER %s\nOPTIONS (table %s",
						 quote_identifier(server->servername),
						 quote_literal_cstr(remote));
		if (is_parted && partcol != NULL)
			appendStringInfo(&cmd, ", partition_column %s",
							 quote_literal_cstr(partcol));
		appendStringInfoString(&cmd, ");");

		commands = lappend(commands, cmd.data);
	}

	qipc_release_connection(conn);
	return commands;
}

/*
 * run_q
 *		A sync request with q text; the result lives in CurrentMemoryContext.
 */
static KipcMsg *
run_q(QipcConnection *conn, const char *qtext, int flags)
{
	KipcObject *req = qipc_track_object(kipc_new_cstring(qtext));

	return qipc_request_ext(conn, req, qtext, flags | QIPC_REQUEST_IDEMPOTENT);
}

/*
 * table_is_wanted
 *		Apply LIMIT TO / EXCEPT.  (PostgreSQL filters the commands again by
 *		table name; filtering here saves the meta round trips.)
 */
static bool
table_is_wanted(ImportForeignSchemaStmt *stmt, const char *name)
{
	ListCell   *lc;
	bool		listed = false;

	if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL)
		return true;
	foreach(lc, stmt->table_list)
	{
		RangeVar   *rv = (RangeVar *) lfirst(lc);

		if (strcmp(rv->relname, name) == 0)
			listed = true;
	}
	return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

/*
 * partitioned_tables
 *		The partitioned tables of a date-partitioned database (.Q.pt) as a
 *		List of String, and the partition column (.Q.pf) in *partcol.  A
 *		server that is not an HDB (or whose q lacks .Q.pt) has none.
 */
static List *
partitioned_tables(QipcConnection *conn, char **partcol)
{
	KipcMsg    *msg;
	List	   *result = NIL;
	int64		i;

	*partcol = NULL;
	msg = run_q(conn, ".Q.pt", QIPC_REQUEST_ALLOW_ERROR);
	if (msg->root->type != KIPC_T_SYMBOL || msg->root->n == 0)
		return NIL;
	for (i = 0; i < msg->root->n; i++)
		result = lappend(result, makeString(pstrdup(msg->root->v.syms[i])));

	msg = run_q(conn, ".Q.pf", QIPC_REQUEST_ALLOW_ERROR);
	if (msg->root->type == -KIPC_T_SYMBOL && msg->root->a.s[0] != '\0')
		*partcol = pstrdup(msg->root->a.s);
	else
		*partcol = pstrdup("date");
	return result;
}

/*
 * namespace_exists
 *		Is there a q namespace ns (".name")?  Its value is a dictionary;
 *		asking for a missing one signals an error, trapped in q.
 */
static bool
namespace_exists(QipcConnection *conn, const char *ns)
{
	StringInfoData q;
	KipcMsg    *msg;

	initStringInfo(&q);
	appendStringInfoString(&q, "@[{99h=type value x};");
	qipc_append_symbol(&q, ns);
	appendStringInfoString(&q, ";0b]");
	msg = run_q(conn, q.data, 0);
	return msg->root->type == -KIPC_T_BOOLEAN && msg->root->a.g != 0;
}

/*
 * printable
 *		s[0..len) for a message: printable ASCII as is, every other byte as
 *		a q string escape \ooo, so that bytes a q server sent never reach a
 *		message unchecked.  palloc'd.
 */
static char *
printable(const char *s, int len)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < len; i++)
	{
		unsigned char ch = (unsigned char) s[i];

		if (ch >= 32 && ch < 127 && ch != '\\')
			appendStringInfoChar(&buf, ch);
		else
			appendStringInfo(&buf, "\\%03o", ch);
	}
	return buf.data;
}

/*
 * check_name_encoding
 *		A q table or column name becomes an identifier (and an option
 *		value) of the catalog, which holds text of the database encoding
 *		only: refuse a name that is not valid in it (22021), naming it with
 *		its bytes escaped.  remote: the q table of a column name.
 */
static void
check_name_encoding(const char *name, const char *remote, bool is_table)
{
	int			len = strlen(name);

	if (pg_verifymbstr(name, len, true))
		return;
	if (is_table)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("name of q table \"%s\" is not valid in encoding \"%s\"",
						printable(name, len), GetDatabaseEncodingName()),
				 errhint("Rename the table in q, or import the other tables with LIMIT TO.")));
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("name of column \"%s\" of q table \"%s\" is not valid in encoding \"%s\"",
					printable(name, len), remote, GetDatabaseEncodingName()),
			 errhint("Rename the column in q, or leave the table out with EXCEPT.")));
}
