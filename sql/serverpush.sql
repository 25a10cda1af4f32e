--
-- serverpush: messages the q server sends to the FDW inside a request, as
-- a kdb+ handler can with its caller's handle .z.w.  neg[.z.w] x is an
-- async message: the FDW skips it and still gets the response.  .z.w x is
-- a sync request: the FDW cannot evaluate q, so it answers with an error
-- response (as javakdb does), which the q side sees as a q error.
--
\getenv qport QIPC_TEST_PORT

CREATE SERVER regress_push FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_push;

-- async messages before the response are skipped
SELECT qipc_exec('regress_push', 'neg[.z.w] "hello"; 42');
SELECT qipc_exec('regress_push', '(neg .z.w) each `a`b`c; `done');
SELECT qipc_exec('regress_push', '{neg[.z.w] x; x*2} 21');

-- a sync request to the FDW gets its error response back inside q
SELECT qipc_exec('regress_push', '@[.z.w;"1+1";{x}]');
SELECT qipc_exec('regress_push', '@[.z.w;"1+1";{`trapped}]');
-- untrapped, the error is the request's result
SELECT qipc_exec('regress_push', '.z.w "1+1"');  -- ERROR

-- the connection is still in step afterwards
SELECT qipc_exec('regress_push', '1+1');

-- the same through foreign table scans
CREATE FOREIGN TABLE regress_push_async (a bigint, b text) SERVER regress_push
  OPTIONS (query 'neg[.z.w] "before the rows"; ([] a:1 2 3; b:`x`y`z)');
SELECT * FROM regress_push_async;
CREATE FOREIGN TABLE regress_push_sync (err text) SERVER regress_push
  OPTIONS (query '([] err:enlist @[.z.w;"1+1";{`$x}])');
SELECT * FROM regress_push_sync;
CREATE FOREIGN TABLE regress_push_fail (a bigint) SERVER regress_push
  OPTIONS (query '.z.w "1+1"; ([] a:1 2)');
SELECT * FROM regress_push_fail;  -- ERROR
SELECT * FROM regress_push_async WHERE a > 1;

DROP SERVER regress_push CASCADE;
