/ demo/market.q -- sample market data for the qipc_fdw demo.
/ Loaded by the q test server at start-up (tools/demo.sh); real kdb+ loads it
/ unchanged with `q demo/market.q -p 5001`.

syms:`AAPL`MSFT`GOOG`IBM`AMZN`TSLA`NVDA`META
n:200000

/ trades: one trading day, times ascending
trade:([] sym:n?syms; time:2024.01.02D09:30:00.000000000+asc n?23400000000000; price:(10000+n?10000)%100; size:100*1+n?50; ex:n?"NQAB")

/ quotes: bid/ask around the trade prices
m:100000
quote:([] sym:m?syms; time:2024.01.02D09:30:00.000000000+asc m?23400000000000; bid:(9900+m?10000)%100; ask:(10100+m?10000)%100; bsize:100*1+m?20; asize:100*1+m?20)

/ reference data, keyed by symbol
ref:([sym:syms] name:("Apple";"Microsoft";"Alphabet";"IBM";"Amazon";"Tesla";"Nvidia";"Meta");sector:`Tech`Tech`Tech`Tech`Retail`Auto`Tech`Tech;lot:100 100 100 100 100 100 100 100i)

/ a q API function, as production gateways expose data
.api.getTrades:{[s;lo;hi] select from trade where sym=s, time within (lo;hi)}
.api.vwap:{[s] exec (sum size*price)%sum size from trade where sym=s}
