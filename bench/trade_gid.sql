-- bench/trade_gid.sql: the foreign table "trade" over bench/fdw_trade.q's
-- fdw_bench_trade, with an extra column gid (100,000 values, g#), for the
-- point query of bench/pushdown_bench.sh and bench/jit_bench.sh (psql -f,
-- after qipc_bench_setup made server kdb)
\o /dev/null
SELECT qipc_exec('kdb', 'k:(count fdw_bench_trade)?100000; fdw_bench_trade:update gid:`g#k from fdw_bench_trade; k:(); count fdw_bench_trade');
\o
CREATE FOREIGN TABLE trade (sym text, time timestamp, price double precision,
  size bigint, ex text, gid bigint) SERVER kdb OPTIONS (table 'fdw_bench_trade');
