--
-- import: IMPORT FOREIGN SCHEMA from q namespaces
--
\getenv qport QIPC_TEST_PORT
CREATE SERVER regress_import FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_import;

-- the root namespace, limited to a few tables (other suites add theirs)
CREATE SCHEMA regress_import_root;
IMPORT FOREIGN SCHEMA "." LIMIT TO (fdw_trade, fdw_types, fdw_keyed, fdw_nested, fdw_hdb)
  FROM SERVER regress_import INTO regress_import_root;
\det+ regress_import_root.*
\d regress_import_root.fdw_types
\d regress_import_root.fdw_nested
SELECT * FROM regress_import_root.fdw_trade ORDER BY time;
SELECT * FROM regress_import_root.fdw_keyed;
SELECT id, str, longs FROM regress_import_root.fdw_nested ORDER BY id;
SELECT * FROM regress_import_root.fdw_hdb ORDER BY date, sym;

-- a namespace; EXCEPT
CREATE SCHEMA regress_import_ns;
IMPORT FOREIGN SCHEMA ".fdwimp" FROM SERVER regress_import INTO regress_import_ns;
\det+ regress_import_ns.*
\d regress_import_ns.refdata
SELECT * FROM regress_import_ns.quotes ORDER BY sym;
SELECT sym, name, listed, mixed FROM regress_import_ns.refdata ORDER BY sym;
CREATE SCHEMA regress_import_except;
IMPORT FOREIGN SCHEMA ".fdwimp" EXCEPT (quotes)
  FROM SERVER regress_import INTO regress_import_except;
\det regress_import_except.*

-- q attributes (s# u# p# g#) become the column option attribute, which the
-- planner uses to order where-subphrases; a declared one wins over meta
CREATE SCHEMA regress_import_attr;
IMPORT FOREIGN SCHEMA "." LIMIT TO (hdb_mem)
  FROM SERVER regress_import INTO regress_import_attr;
SELECT attname, attfdwoptions FROM pg_attribute
  WHERE attrelid = 'regress_import_attr.hdb_mem'::regclass AND attnum > 0
  ORDER BY attnum;
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT * FROM regress_import_attr.hdb_mem WHERE v = 5 AND sym = 'IBM';
ALTER FOREIGN TABLE regress_import_attr.hdb_mem
  ALTER COLUMN sym OPTIONS (SET attribute 'none'),
  ALTER COLUMN v OPTIONS (ADD attribute 'g');
EXPLAIN (VERBOSE, COSTS OFF)
  SELECT * FROM regress_import_attr.hdb_mem WHERE v = 5 AND sym = 'IBM';
SELECT * FROM regress_import_attr.hdb_mem WHERE v = 5 AND sym = 'AAPL';
ALTER FOREIGN TABLE regress_import_attr.hdb_mem
  ALTER COLUMN v OPTIONS (SET attribute 'x');           -- ERROR

-- errors
IMPORT FOREIGN SCHEMA "no namespace" FROM SERVER regress_import
  INTO regress_import_ns;                               -- ERROR
-- a namespace the q server lacks is a missing remote schema, as in postgres_fdw
IMPORT FOREIGN SCHEMA ".nosuchns" FROM SERVER regress_import
  INTO regress_import_ns;                               -- ERROR
\echo :LAST_ERROR_SQLSTATE
-- a q column name that is not valid UTF-8 cannot enter the catalog: 22021,
-- its bytes shown escaped; EXCEPT leaves the table out
SELECT qipc_exec('regress_import', '.fdwbadname.t:flip (`a;`$"caf\351")!(1 2;3 4); .fdwbadname.ok:([] a:1 2); 1b');
CREATE SCHEMA regress_import_bad;
IMPORT FOREIGN SCHEMA ".fdwbadname" FROM SERVER regress_import
  INTO regress_import_bad;                              -- ERROR
\echo :LAST_ERROR_SQLSTATE
IMPORT FOREIGN SCHEMA ".fdwbadname" EXCEPT (t) FROM SERVER regress_import
  INTO regress_import_bad;
\det regress_import_bad.*

DROP SCHEMA regress_import_root, regress_import_ns, regress_import_except,
  regress_import_bad, regress_import_attr CASCADE;
DROP SERVER regress_import CASCADE;
