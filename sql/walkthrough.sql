--
-- walkthrough: PyKX's IPC guide ("Communicate via IPC"), step by step in SQL
--
-- The q test server at QIPC_TEST_PYKX_PORT runs test/fixtures/pykx/server.q,
-- PyKX's server.py example as a q script: .z.pg and .z.ps evaluate (and
-- log) every message, and tab holds PyKX's columns x, x1, x2 with fixed
-- data (PyKX fills them at random).  The restricted server is the shared
-- one started with -U.
--
\getenv qport QIPC_TEST_PYKX_PORT
\getenv qauthport QIPC_TEST_AUTH_PORT
\set SHOW_CONTEXT never

-- ===================================================================
-- Connect to an existing system: a foreign server and a user mapping
-- play the part of kx.SyncQConnection('localhost', 5050)
-- ===================================================================
CREATE SERVER kdb FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER kdb;

-- conn('1+1')
SELECT qipc_exec('kdb', '1+1');
-- conn('til 10')
SELECT qipc_exec('kdb', 'til 10');

-- the server script set the message handlers
SELECT qipc_exec('kdb', '100h = type .z.pg') AS zpg_set,
       qipc_exec('kdb', '100h = type .z.ps') AS zps_set;

-- ===================================================================
-- Run analytics: qSQL on the server, rows in SQL
-- ===================================================================
SELECT qipc_exec('kdb', 'count tab') AS rows, qipc_exec('kdb', 'cols tab') AS cols;

-- conn('select from tab where x=`a, x1>0.9995').pd(): the fixture's data
-- has rows there (an empty result would make the other checks vacuous):
-- every row returned satisfies the condition, and there are as many as q
-- counts
SELECT count(*) > 0 AS some_rows,
       count(*) = (SELECT qipc_exec('kdb', 'count select from tab where x=`a, x1>0.9995')::bigint) AS same_count,
       bool_and(x = 'a' AND x1 > 0.9995) AS all_match
  FROM qipc_query('kdb', 'select from tab where x=`a, x1>0.9995')
       AS t(x text, x1 float8, x2 bigint);

-- a broader condition, so that there are rows to look at
SELECT count(*) > 0 AS some_rows,
       bool_and(x = 'a' AND x1 > 0.5 AND x2 BETWEEN 0 AND 9) AS all_match
  FROM qipc_query('kdb', 'select from tab where x=`a, x1>0.5')
       AS t(x text, x1 float8, x2 bigint);

-- conn('{x+y+z}', 1, 2, 3): arguments travel as typed q values
SELECT qipc_exec('kdb', '{x+y+z}', 1, 2, 3);

-- ===================================================================
-- Call a named function on the server (the context interface)
-- ===================================================================
SELECT qipc_exec('kdb', '.test.addition:{x+y};');
SELECT qipc_exec('kdb', '.test.namespace.subtraction:{x-y};');

-- conn.test.addition(4, 2)
SELECT qipc_call('kdb', '.test.addition', 4, 2);
-- conn.test.namespace.subtraction(4, 2)
SELECT qipc_call('kdb', '.test.namespace.subtraction', 4, 2);
-- conn.test.unavailable(4, 2): checked before the call
SELECT qipc_call('kdb', '.test.unavailable', 4, 2);     -- ERROR
\echo :LAST_ERROR_SQLSTATE

-- ===================================================================
-- Connect to a restricted server: username and password
-- ===================================================================
CREATE SERVER kdb_auth FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qauthport');
CREATE USER MAPPING FOR CURRENT_USER SERVER kdb_auth
  OPTIONS (user 'regress_user', password 'wrong');
\set VERBOSITY terse
SELECT qipc_exec('kdb_auth', '1+1');                     -- ERROR
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
ALTER USER MAPPING FOR CURRENT_USER SERVER kdb_auth
  OPTIONS (SET password 'secret');
SELECT qipc_exec('kdb_auth', '1+1');
SELECT qipc_exec('kdb_auth', '.z.u');

-- ===================================================================
-- Reconnect: SyncQConnection(port=5050, reconnection_attempts=5)
-- ===================================================================
-- PyKX's defaults: first delay 0.5 s, doubled at each attempt
CREATE SERVER kdb_reconnect FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport', reconnect_attempts '5',
           reconnect_delay '0.5', reconnect_backoff '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER kdb_reconnect;
SELECT qipc_exec('kdb_reconnect', '1+1');
-- "the server on port 5050 is shut down for a few seconds": the test
-- server's fault hook closes every connection and listens again after
-- 2600 ms, a second away from both the second attempt (about 1.6 s from
-- now) and the third (about 3.6 s)
SELECT qipc_send('kdb_reconnect', '.qserver.restart[2600]');
SELECT pg_sleep(0.1);
-- the query waits 0.5 + 1 + 2 s, warning before each attempt
SELECT qipc_exec('kdb_reconnect', '1+2');
SELECT server_name, reconnects, connected_since IS NOT NULL AS connected
  FROM qipc_fdw_get_connections() WHERE server_name = 'kdb_reconnect';

-- ===================================================================
-- Execute a file on the server: q.file_execute('file.q')
-- ===================================================================
-- write PyKX's file.q where the database server can read it
SELECT current_setting('data_directory') || '/qipc_walkthrough_file.q' AS qfile \gset
COPY (VALUES ('.test.namespace.variable:2;'), ('.test.namespace.function:{x+y};'))
  TO :'qfile';
-- a relative path is relative to the data directory, as for pg_read_file
SELECT qipc_exec_file('kdb', 'qipc_walkthrough_file.q');
SELECT qipc_exec('kdb', '.test.namespace.variable');
SELECT qipc_exec('kdb', '.test.namespace.function');

-- ===================================================================
-- Send a message without expecting a response: q('1+1', wait=False)
-- ===================================================================
SELECT qipc_send('kdb', 'walkthrough_sent:1+1');
-- q handles a connection's messages in order: the next query sees it
SELECT qipc_exec('kdb', 'walkthrough_sent');
SELECT qipc_send('kdb', '{walkthrough_sent::x*y}', 6, 7);
SELECT qipc_exec('kdb', 'walkthrough_sent');

-- ===================================================================
-- Close the connections (conn.close())
-- ===================================================================
SELECT qipc_fdw_disconnect('kdb');
SELECT qipc_fdw_disconnect_all();
SELECT count(*) AS still_connected
  FROM qipc_fdw_get_connections() WHERE connected_since IS NOT NULL;

-- clean up
SET client_min_messages = warning;
DROP SERVER kdb, kdb_auth, kdb_reconnect CASCADE;
RESET client_min_messages;
