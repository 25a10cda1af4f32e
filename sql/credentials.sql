--
-- credentials: passwords never shown, pg_user_mappings hides them, the
-- non-superuser rules (password_required, certificate-based mappings), and
-- the handshake user as seen by q (.z.u)
--
-- The q server on QIPC_TEST_AUTH_PORT accepts only regress_user:secret; the
-- one on QIPC_TEST_TLS_CLIENTCERT_PORT requires a client certificate signed
-- by the test client CA and accepts any user name.
--
\getenv qauthport QIPC_TEST_AUTH_PORT
\getenv clientcertport QIPC_TEST_TLS_CLIENTCERT_PORT
\getenv certdir QIPC_TEST_CERTDIR
\set cafile :certdir/ca.pem
\set clientcert :certdir/client.pem
\set clientkey :certdir/client.key

-- the whole error (message, detail, hint, context) of a statement, and
-- whether the given password shows anywhere in it
CREATE FUNCTION regress_cred_error(sql text, password text,
                                   OUT state text, OUT message text,
                                   OUT hint text, OUT password_shown boolean)
LANGUAGE plpgsql AS $$
DECLARE
  det text;
  ctx text;
BEGIN
  EXECUTE sql;
  state := '00000';
  password_shown := false;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT,
                          ctx = PG_EXCEPTION_CONTEXT;
  password_shown := concat_ws(' ', message, det, hint, ctx) LIKE '%' || password || '%';
END $$;

CREATE SERVER regress_cred FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qauthport');
CREATE FOREIGN TABLE regress_cred_trade (sym text, size bigint)
  SERVER regress_cred OPTIONS (table 'fdw_trade');

-- ===================================================================
-- a wrong password: 28P01, and the password appears nowhere
-- ===================================================================
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (user 'regress_user', password 'Wr0ng-Pa55word');
\set VERBOSITY terse
SELECT * FROM regress_cred_trade;                               -- ERROR
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM regress_cred_error('SELECT * FROM regress_cred_trade', 'Wr0ng-Pa55word');
SELECT * FROM regress_cred_error($$SELECT qipc_exec('regress_cred', '1+1')$$,
                                 'Wr0ng-Pa55word');
SELECT server_name, user_name, connected_since IS NULL AS not_connected, last_error,
       c::text LIKE '%Wr0ng-Pa55word%' AS password_shown
  FROM qipc_fdw_get_connections() c WHERE server_name = 'regress_cred';
-- a user name with a colon would change what q reads as the password: it
-- is refused, without echoing the value (it may well hold a password)
CREATE USER MAPPING FOR PUBLIC SERVER regress_cred
  OPTIONS (user 'regress_user:Wr0ng-Pa55word');                 -- ERROR

-- ===================================================================
-- the right password: EXPLAIN and qipc_fdw_get_connections() do not show it
-- ===================================================================
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (SET password 'secret');
SELECT * FROM regress_cred_trade ORDER BY sym, size;
DO $$
DECLARE
  line text;
  plan text := '';
BEGIN
  FOR line IN EXPLAIN (VERBOSE, COSTS OFF)
               SELECT * FROM regress_cred_trade WHERE size > 100
  LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RAISE NOTICE 'Remote q shown: %, password shown: %',
    plan LIKE '%Remote q: %', plan LIKE '%secret%';
END $$;
SELECT server_name, user_name, connected_since IS NOT NULL AS connected,
       c::text LIKE '%secret%' AS password_shown
  FROM qipc_fdw_get_connections() c WHERE server_name = 'regress_cred';
-- a q error on the connection: no password in it either
SELECT * FROM regress_cred_error($$SELECT qipc_exec('regress_cred', '1+`a')$$,
                                 'secret');

-- ===================================================================
-- the handshake user is the mapping's user: q can audit it as .z.u
-- ===================================================================
SELECT qipc_exec('regress_cred', '.z.u');
CREATE FOREIGN TABLE regress_cred_whoami (u text)
  SERVER regress_cred OPTIONS (query '([] u:enlist .z.u)');
SELECT * FROM regress_cred_whoami;

-- ===================================================================
-- pg_user_mappings hides one user's password from another
-- ===================================================================
DROP ROLE IF EXISTS regress_cred_alice;
DROP ROLE IF EXISTS regress_cred_bob;
CREATE ROLE regress_cred_alice;
CREATE ROLE regress_cred_bob;
GRANT USAGE ON FOREIGN SERVER regress_cred TO regress_cred_alice, regress_cred_bob;
GRANT SELECT ON regress_cred_trade TO regress_cred_alice, regress_cred_bob;
GRANT EXECUTE ON FUNCTION qipc_exec(name, text) TO regress_cred_alice, regress_cred_bob;
CREATE USER MAPPING FOR regress_cred_alice SERVER regress_cred
  OPTIONS (user 'regress_user', password 'secret');
SET ROLE regress_cred_bob;
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (user 'regress_user', password 'b0bs-0wn-pa55');
-- bob sees his own options only
SELECT usename, umoptions FROM pg_user_mappings
  WHERE srvname = 'regress_cred' ORDER BY usename;
-- and cannot read the catalog itself
SELECT umoptions FROM pg_user_mapping;                          -- ERROR
RESET ROLE;
SET ROLE regress_cred_alice;
SELECT usename, umoptions IS NOT NULL AS options_visible FROM pg_user_mappings
  WHERE srvname = 'regress_cred' ORDER BY usename;
-- each role connects with its own mapping
SELECT count(*) FROM regress_cred_trade;
RESET ROLE;
SET ROLE regress_cred_bob;
SELECT state, message, password_shown
  FROM regress_cred_error('SELECT count(*) FROM regress_cred_trade', 'b0bs-0wn-pa55');
RESET ROLE;

-- ===================================================================
-- non-superusers: a password is required
-- ===================================================================
SET ROLE regress_cred_bob;
-- no password: refused before any connection is tried
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred OPTIONS (DROP password);
SELECT qipc_exec('regress_cred', '1+1');                        -- ERROR
-- password_required 'true' is the default and may be spelled out
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (ADD password_required 'true');
SELECT qipc_exec('regress_cred', '1+1');                        -- ERROR
-- only a superuser may set it false, or put certificates on a mapping
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (SET password_required 'false');                      -- ERROR
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (ADD sslcert 'client.pem', ADD sslkey 'client.key');  -- ERROR
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred
  OPTIONS (ADD password 'secret');
SELECT qipc_exec('regress_cred', '1+1');
RESET ROLE;

-- ===================================================================
-- certificate-based mappings follow the same rule
-- ===================================================================
CREATE SERVER regress_cred_cert FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'clientcertport', sslmode 'verify-full',
           sslrootcert :'cafile');
GRANT USAGE ON FOREIGN SERVER regress_cred_cert TO regress_cred_alice;
-- a superuser gives alice a client certificate, but no password
CREATE USER MAPPING FOR regress_cred_alice SERVER regress_cred_cert
  OPTIONS (user 'alice_q', sslcert :'clientcert', sslkey :'clientkey');
SET ROLE regress_cred_alice;
SELECT qipc_exec('regress_cred_cert', '.z.u');                  -- ERROR
RESET ROLE;
-- certificate-only login for a non-superuser: the superuser says so
ALTER USER MAPPING FOR regress_cred_alice SERVER regress_cred_cert
  OPTIONS (ADD password_required 'false');
SET ROLE regress_cred_alice;
SELECT qipc_exec('regress_cred_cert', '.z.u');
-- alice cannot change that mapping (its user, say) any more
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_cred_cert
  OPTIONS (SET user 'someone_else');                            -- ERROR
RESET ROLE;
-- a superuser needs neither password nor password_required
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_cred_cert
  OPTIONS (user 'admin_q', sslcert :'clientcert', sslkey :'clientkey');
SELECT qipc_exec('regress_cred_cert', '.z.u');

-- ===================================================================
-- clean up
-- ===================================================================
SELECT qipc_fdw_disconnect_all();
SET client_min_messages = warning;
DROP SERVER regress_cred, regress_cred_cert CASCADE;
REVOKE EXECUTE ON FUNCTION qipc_exec(name, text) FROM regress_cred_alice, regress_cred_bob;
DROP ROLE regress_cred_alice;
DROP ROLE regress_cred_bob;
DROP FUNCTION regress_cred_error(text, text);
RESET client_min_messages;
