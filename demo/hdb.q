/ demo/hdb.q -- the historical database (HDB) of the scale-out demo: three
/ earlier days of trades, date-partitioned.  A real HDB is a directory
/ loaded with \l, whose tables kdb+ partitions by date on disk; the q test
/ server makes an in-memory table partitioned with .qserver.partition (a
/ q test server extension, not kdb+).
syms:`AAPL`MSFT`GOOG`IBM
n:150000
trade:([] date:2024.01.01+n?3; sym:n?syms; time:n#0Np; price:100+0.01*n?10000; size:100*1+n?50)
trade:`date`time xasc update time:(`timestamp$date)+09:30:00.000000000+n?23400000000000 from trade
.qserver.partition[`trade;`date]
