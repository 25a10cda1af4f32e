/ bench/fdw_trade.q
/ The 5,000,000-row trade table of the FDW core benchmark (copy_bench.sh).
n:5000000
fdw_bench_trade:([] sym:n?`AAPL`MSFT`IBM`GOOG`AMZN`TSLA`META`NVDA; time:2024.01.02D09:30:00.000000000+1000*til n; price:100+n?100f; size:n?1000; ex:n?"NQAB")
