--
-- tls: sslmode (require, verify-ca, verify-full), certificate failures,
-- client certificates, plain/TLS mismatches, the Unix socket, and an
-- interrupt during a TLS read
--
-- test/run_regress.sh makes the certificates (QIPC_TEST_CERTDIR) and starts
-- the TLS q test servers.  Paths only ever appear in psql variables, so
-- nothing here depends on the temp directory.
--
\getenv certdir QIPC_TEST_CERTDIR
\getenv qport QIPC_TEST_PORT
\getenv tlsport QIPC_TEST_TLS_PORT
\getenv mixedport QIPC_TEST_TLS_MIXED_PORT
\getenv wrongnameport QIPC_TEST_TLS_WRONGNAME_PORT
\getenv expiredport QIPC_TEST_TLS_EXPIRED_PORT
\getenv clientcertport QIPC_TEST_TLS_CLIENTCERT_PORT
\set cafile :certdir/ca.pem
\set wrongcafile :certdir/wrongca.pem
\set clientcert :certdir/client.pem
\set clientkey :certdir/client.key
\set badclientcert :certdir/badclient.pem
\set badclientkey :certdir/badclient.key
\set groupkey :certdir/client_grouprw.key

-- how long a statement took, for "prompt" checks without printing times
CREATE FUNCTION regress_tls_elapsed(sql text, OUT state text, OUT message text,
                                    OUT detail text, OUT prompt boolean)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  BEGIN
    EXECUTE sql;
    state := '00000';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL;
  END;
  prompt := clock_timestamp() - t0 < interval '2 s';
END $$;

-- ===================================================================
-- sslmode require: encrypted, nothing verified
-- ===================================================================
CREATE SERVER regress_tls_require FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'require');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_require;
SELECT qipc_exec('regress_tls_require', 'til 3');
CREATE FOREIGN TABLE regress_tls_trade (sym text, price float8, size bigint)
  SERVER regress_tls_require OPTIONS (table 'fdw_trade');
SELECT * FROM regress_tls_trade ORDER BY sym, size;
-- a result of 800 kB comes through many TLS records intact
CREATE FOREIGN TABLE regress_tls_big (x bigint)
  SERVER regress_tls_require OPTIONS (query '([] x:til 100000)');
SELECT count(*), sum(x) FROM (SELECT x FROM regress_tls_big OFFSET 0) s;

-- ===================================================================
-- verify-ca and verify-full succeeding
-- ===================================================================
CREATE SERVER regress_tls_verify_ca FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'verify-ca',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_verify_ca;
SELECT qipc_exec('regress_tls_verify_ca', '1+1');
-- verify-full by host name (SAN DNS:localhost) ...
CREATE SERVER regress_tls_verify_full FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_verify_full;
SELECT qipc_exec('regress_tls_verify_full', '`verified');
-- ... and by IP address (SAN IP:127.0.0.1)
CREATE SERVER regress_tls_verify_ip FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host '127.0.0.1', port :'tlsport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_verify_ip;
SELECT qipc_exec('regress_tls_verify_ip', '2+2');

-- ===================================================================
-- verification failures: 08001 naming the reason
-- ===================================================================
-- a CA that did not sign the server's certificate
CREATE SERVER regress_tls_wrongca FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'verify-ca',
           sslrootcert :'wrongcafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_wrongca;
SELECT qipc_exec('regress_tls_wrongca', '1+1');                -- ERROR
\echo :LAST_ERROR_SQLSTATE
-- sslmode require does not look at the chain
ALTER SERVER regress_tls_wrongca OPTIONS (SET sslmode 'require');
SELECT qipc_exec('regress_tls_wrongca', '1+1');

-- a certificate for another host name (wrong.example)
CREATE SERVER regress_tls_wrongname FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'wrongnameport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_wrongname;
SELECT qipc_exec('regress_tls_wrongname', '1+1');              -- ERROR
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER regress_tls_wrongname OPTIONS (SET host '127.0.0.1');
SELECT qipc_exec('regress_tls_wrongname', '1+1');              -- ERROR
-- verify-ca checks the chain only, so the name does not matter
ALTER SERVER regress_tls_wrongname OPTIONS (SET sslmode 'verify-ca');
SELECT qipc_exec('regress_tls_wrongname', '1+1');

-- an expired certificate (valid 2020-01-01 to 2020-01-02)
CREATE SERVER regress_tls_expired FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'expiredport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_expired;
SELECT qipc_exec('regress_tls_expired', '1+1');                -- ERROR
\echo :LAST_ERROR_SQLSTATE
ALTER SERVER regress_tls_expired OPTIONS (SET sslmode 'verify-ca');
SELECT qipc_exec('regress_tls_expired', '1+1');                -- ERROR
ALTER SERVER regress_tls_expired OPTIONS (SET sslmode 'require');
SELECT qipc_exec('regress_tls_expired', '1+1');

-- verify-ca without a root certificate, and an unreadable one
CREATE SERVER regress_tls_noroot FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'verify-ca');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_noroot;
SELECT qipc_exec('regress_tls_noroot', '1+1');                 -- ERROR
ALTER SERVER regress_tls_noroot OPTIONS (ADD sslrootcert '/nonexistent/ca.pem');
SELECT qipc_exec('regress_tls_noroot', '1+1');                 -- ERROR
-- sslrootcert 'system': OpenSSL's default trust store, which does not
-- know the test CA
ALTER SERVER regress_tls_noroot OPTIONS (SET sslrootcert 'system');
SELECT qipc_exec('regress_tls_noroot', '1+1');                 -- ERROR

-- ===================================================================
-- a CA file rewritten on disk is read again by the next connection (the
-- backend caches TLS contexts per file stamp)
-- ===================================================================
\set rotatingca :certdir/../rotating_ca.pem
COPY (SELECT unnest(string_to_array(rtrim(pg_read_file(:'cafile'), E'\n'), E'\n')))
  TO :'rotatingca';
CREATE SERVER regress_tls_rotating FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport', sslmode 'verify-full',
           sslrootcert :'rotatingca');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_rotating;
SELECT qipc_exec('regress_tls_rotating', '`right_ca');
SELECT qipc_fdw_disconnect('regress_tls_rotating');
COPY (SELECT unnest(string_to_array(rtrim(pg_read_file(:'wrongcafile'), E'\n'), E'\n')))
  TO :'rotatingca';
SELECT state, detail LIKE '%certificate verify failed%' AS verify_failed
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_rotating', '1+1')$$);
COPY (SELECT unnest(string_to_array(rtrim(pg_read_file(:'cafile'), E'\n'), E'\n')))
  TO :'rotatingca';
SELECT qipc_exec('regress_tls_rotating', '`right_ca_again');

-- ===================================================================
-- client certificates (server started with -verify-client)
-- ===================================================================
CREATE SERVER regress_tls_clientcert FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'clientcertport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert;
-- without a certificate the server refuses the TLS connection
SELECT state, message, detail, prompt
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_clientcert', '1+1')$$);
-- with one signed by another CA too
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (ADD sslcert :'badclientcert', ADD sslkey :'badclientkey');
SELECT state, message, detail, prompt
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_clientcert', '1+1')$$);
-- the right certificate and key, on the user mapping (superuser-only there)
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (SET sslcert :'clientcert', SET sslkey :'clientkey');
SELECT qipc_exec('regress_tls_clientcert', '1+1');
-- or on the server, shared by its user mappings
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (DROP sslcert, DROP sslkey);
ALTER SERVER regress_tls_clientcert
  OPTIONS (ADD sslcert :'clientcert', ADD sslkey :'clientkey');
SELECT qipc_exec('regress_tls_clientcert', '2+2');
-- a key that does not match the certificate: a clear local error
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (ADD sslkey :'badclientkey');
\set VERBOSITY terse
SELECT qipc_exec('regress_tls_clientcert', '1+1');             -- ERROR
\set VERBOSITY default
SELECT state, message, replace(detail, :'certdir', '$CERTDIR') AS detail
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_clientcert', '1+1')$$);
-- a key file with group or world access is refused before it is read, as
-- libpq does (the right key, mode 0640, owned by postgres)
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (SET sslkey :'groupkey');
SELECT state, message, replace(detail, :'certdir', '$CERTDIR') AS detail
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_clientcert', '1+1')$$);
-- a directory is not a key file either
ALTER USER MAPPING FOR CURRENT_USER SERVER regress_tls_clientcert
  OPTIONS (SET sslkey :'certdir');
SELECT state, message, replace(detail, :'certdir', '$CERTDIR') AS detail
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_clientcert', '1+1')$$);

-- ===================================================================
-- plain and TLS mismatches: prompt, clear errors, never a hang
-- ===================================================================
-- a plain client at a TLS-only (-E 2) server: closed like a refusal
CREATE SERVER regress_tls_plain_client FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'tlsport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_plain_client;
SELECT state, message, replace(detail, :'tlsport', '$PORT') AS detail, prompt
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_plain_client', '1+1')$$);
-- a TLS client at a plain (-E 0) server
CREATE SERVER regress_tls_at_plain FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'qport', sslmode 'require');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_at_plain;
SELECT qipc_exec('regress_tls_at_plain', '1+1');               -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT state, prompt
  FROM regress_tls_elapsed($$SELECT qipc_exec('regress_tls_at_plain', '1+1')$$);
-- a -E 1 server takes both on the same port
CREATE SERVER regress_tls_mixed_plain FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'mixedport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_mixed_plain;
CREATE SERVER regress_tls_mixed_tls FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port :'mixedport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_tls_mixed_tls;
SELECT qipc_exec('regress_tls_mixed_plain', '`plain') AS plain,
       qipc_exec('regress_tls_mixed_tls', '`tls') AS tls;
-- qipc_fdw_get_connections() tells them apart (tls is NULL when closed)
SELECT server_name, tls FROM qipc_fdw_get_connections()
  WHERE server_name LIKE 'regress_tls_mixed_%' ORDER BY 1;
SELECT qipc_fdw_disconnect('regress_tls_mixed_tls');
SELECT server_name, tls FROM qipc_fdw_get_connections()
  WHERE server_name LIKE 'regress_tls_mixed_%' ORDER BY 1;

-- ===================================================================
-- the Unix socket: host 'unix' is kdb+'s abstract socket \0/tmp/kx.PORT
-- ===================================================================
CREATE SERVER regress_unix FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'unix', port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_unix;
-- q sees a Unix-socket peer as address 0 (0.0.0.0), a TCP one as 127.0.0.1
SELECT qipc_exec('regress_unix', '.z.a') AS unix_peer,
       qipc_exec('regress_tls_mixed_plain', '.z.a') AS tcp_peer;
CREATE FOREIGN TABLE regress_unix_trade (sym text, size bigint)
  SERVER regress_unix OPTIONS (table 'fdw_trade');
SELECT * FROM regress_unix_trade ORDER BY sym, size;
-- no compression on it: a highly compressible 800 kB result arrives whole
-- (the server runs -C auto, as kdb+ never compresses on a Unix socket)
SELECT qipc_fdw_disconnect('regress_unix');
CREATE FOREIGN TABLE regress_unix_zeros (x bigint)
  SERVER regress_unix OPTIONS (query '([] x:100000#0)');
SELECT count(*) FROM (SELECT x FROM regress_unix_zeros OFFSET 0) s;
SELECT bytes_in > 800000 AS not_compressed
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_unix';
-- TLS over the Unix socket, verified as "localhost"
CREATE SERVER regress_unix_tls FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'unix', port :'tlsport', sslmode 'verify-full',
           sslrootcert :'cafile');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_unix_tls;
SELECT qipc_exec('regress_unix_tls', '.z.a');
-- nothing listening on the abstract socket of port 1
CREATE SERVER regress_unix_down FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'unix', port '1');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_unix_down;
SELECT qipc_exec('regress_unix_down', '1+1');                  -- ERROR

-- ===================================================================
-- statement_timeout during a TLS read
-- ===================================================================
SELECT qipc_exec('regress_tls_require', '`warm');
-- the server sleeps 3 s before it answers; the timeout ends the wait on
-- the TLS socket at once, and the connection is discarded (q has no
-- cancel message)
SET statement_timeout = '300ms';
DO $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  BEGIN
    PERFORM qipc_exec('regress_tls_require', '.qserver.sleep[3000]');
  EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE '% (within 1.5 s: %)', SQLERRM, clock_timestamp() - t0 < interval '1.5 s';
  END;
END $$;
RESET statement_timeout;
SELECT server_name, connected_since IS NOT NULL AS connected
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_tls_require';
-- the next query reconnects (over TLS again)
SELECT qipc_exec('regress_tls_require', '`reconnected');
SELECT * FROM regress_tls_trade ORDER BY sym, size LIMIT 2;

-- ===================================================================
-- clean up
-- ===================================================================
SELECT qipc_fdw_disconnect_all();
SET client_min_messages = warning;
DROP FUNCTION regress_tls_elapsed(text);
DROP SERVER regress_tls_require, regress_tls_verify_ca, regress_tls_verify_full,
  regress_tls_verify_ip, regress_tls_wrongca, regress_tls_wrongname,
  regress_tls_expired, regress_tls_noroot, regress_tls_clientcert,
  regress_tls_plain_client, regress_tls_at_plain, regress_tls_mixed_plain,
  regress_tls_mixed_tls, regress_unix, regress_unix_tls, regress_unix_down,
  regress_tls_rotating
  CASCADE;
RESET client_min_messages;
