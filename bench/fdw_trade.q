/ bench/fdw_trade.q
/ The 5,000,000-row trade table of the FDW core benchmark (copy_bench.sh).
n:5000000
fdw_bench_trade:([] sym:n?`AAPL`MSFT`IBM`GOOG`AMZN`TSLA`META`NVDA; time:2024.01.02D09:30:00.000000000+1000*til n; price:100+n?100f; size:n?1000; ex:n?"NQAB")

/ the date-partitioned table of the benchmark (the test server's stand-in
/ for an HDB table, .qserver.partition): n rows in p date partitions of
/ equal size (the last takes the rest), columns as above; made on demand
.bench.part:{[n;p] fdw_bench_part::([] date:2024.01.01+(p-1)&(til n) div n div p; sym:n?`AAPL`MSFT`IBM`GOOG`AMZN`TSLA`META`NVDA; time:2024.01.02D09:30:00.000000000+1000*til n; price:100+n?100f; size:n?1000; ex:n?"NQAB"); .qserver.partition[`fdw_bench_part;`date]; count fdw_bench_part}
