/ demo/rdb.q -- the real-time database (RDB) of the scale-out demo: today's
/ trades in memory (tools/demo.sh starts it beside demo/hdb.q).  A real
/ RDB's trade table often has no date column (every row is today's); the
/ demo's has one, so that PostgreSQL can partition on it.
syms:`AAPL`MSFT`GOOG`IBM
n:50000
trade:([] date:n#2024.01.04; sym:n?syms; time:2024.01.04D09:30:00.000000000+asc n?23400000000000; price:100+0.01*n?10000; size:100*1+n?50)
