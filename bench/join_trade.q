/ bench/join_trade.q
/ The 5,000,000-row table of the bind join benchmark (join_bench.sh):
/ sym from 10000 symbols (about 500 rows each), acct from 1000000 accounts
/ (about 5 rows each), size and price.
n:5000000
jb_syms:`AAPL`IBM,`$"s",/:string 2+til 9998
jb_trade:([] sym:jb_syms n?10000; acct:n?1000000; size:n?1000; price:100+n?100f)
