--
-- sorted: a sorted keyed table (`s#, type 127 on the wire, key table with
-- the `s# attribute byte) scanned through a foreign table and returned by
-- qipc_exec.  Fixture: test/fixtures/sorted.q.
--
\getenv qport QIPC_TEST_PORT

CREATE SERVER regress_sorted FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_sorted;

-- the q side: a sorted dictionary whose keys carry `s#
SELECT qipc_exec('regress_sorted', 'attr key sorted_kt');
SELECT qipc_exec('regress_sorted', '(count sorted_kt; sorted_kt[2]`v; sorted_kt[5]`v)');

-- scanned: key columns, then value columns
CREATE FOREIGN TABLE sorted_kt (k bigint, v text) SERVER regress_sorted;
SELECT * FROM sorted_kt;
SELECT v FROM sorted_kt WHERE k >= 2 ORDER BY k;
SELECT count(*) FROM sorted_kt;

-- the table itself as a query result (the whole type-127 object is sent)
CREATE FOREIGN TABLE regress_sorted_query (k bigint, v text) SERVER regress_sorted
  OPTIONS (query 'sorted_kt');
SELECT * FROM regress_sorted_query;

-- qipc_exec on it: a keyed table comes back as JSON rows
SELECT qipc_exec('regress_sorted', 'sorted_kt');
SELECT qipc_exec('regress_sorted', 'sorted_d');
SELECT qipc_exec('regress_sorted', 'sorted_d 2 5');

DROP SERVER regress_sorted CASCADE;
