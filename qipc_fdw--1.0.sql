/* qipc_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION qipc_fdw" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Foreign data wrapper (FDW core)
-- ---------------------------------------------------------------------------

CREATE FUNCTION qipc_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION qipc_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER qipc_fdw
  HANDLER qipc_fdw_handler
  VALIDATOR qipc_fdw_validator;

-- ---------------------------------------------------------------------------
-- SQL functions (direct q access, connection functions): issue 6 adds them
-- below this line.
-- ---------------------------------------------------------------------------

-- Direct q access from SQL (issue 6): src/functions.c.  A VARIADIC "any"
-- function cannot be called with zero variadic arguments, so each function
-- that takes q arguments comes in two forms sharing one C function.

CREATE FUNCTION qipc_exec(server name, query text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'qipc_exec'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_exec(server name, query text, VARIADIC args "any")
RETURNS jsonb
AS 'MODULE_PATHNAME', 'qipc_exec'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_query(server name, query text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'qipc_query'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_query(server name, query text, VARIADIC args "any")
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'qipc_query'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_call(server name, function text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'qipc_call'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_call(server name, function text, VARIADIC args "any")
RETURNS jsonb
AS 'MODULE_PATHNAME', 'qipc_call'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_send(server name, query text)
RETURNS void
AS 'MODULE_PATHNAME', 'qipc_send'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_send(server name, query text, VARIADIC args "any")
RETURNS void
AS 'MODULE_PATHNAME', 'qipc_send'
LANGUAGE C VOLATILE;

CREATE FUNCTION qipc_exec_file(server name, path text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'qipc_exec_file'
LANGUAGE C STRICT VOLATILE;

CREATE FUNCTION qipc_fdw_get_connections(
    OUT server_name text,
    OUT user_name text,
    OUT address text,
    OUT connected_since timestamptz,
    OUT requests bigint,
    OUT bytes_in bigint,
    OUT bytes_out bigint,
    OUT reconnects bigint,
    OUT last_error text,
    OUT tls boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'qipc_fdw_get_connections'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

CREATE FUNCTION qipc_fdw_disconnect(server name)
RETURNS bool
AS 'MODULE_PATHNAME', 'qipc_fdw_disconnect'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

CREATE FUNCTION qipc_fdw_disconnect_all()
RETURNS bool
AS 'MODULE_PATHNAME', 'qipc_fdw_disconnect_all'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

-- q access is a privilege: owners grant EXECUTE to the roles that need it.
REVOKE EXECUTE ON FUNCTION qipc_exec(name, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_exec(name, text, "any") FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_query(name, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_query(name, text, "any") FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_call(name, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_call(name, text, "any") FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_send(name, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_send(name, text, "any") FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_exec_file(name, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_fdw_get_connections() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_fdw_disconnect(name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION qipc_fdw_disconnect_all() FROM PUBLIC;
