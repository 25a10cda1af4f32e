--
-- test/differential/partitioned.sql
--	The partitioned table of the differential test (run by
--	run_differential.sh after setup.sql when DIFF_PARTITIONED=1, psql -v
--	qport=PORT): the generated queries of table pair 1 then read diff_pt, a
--	PostgreSQL table partitioned by LIST on g whose three partitions are
--	foreign tables on three q tables that split diff_t by g, compared with
--	diff_lt (the local copy of diff_t).  The partitions run as an Async
--	Append (async_capable) and all share one connection (one q server), so
--	every query also checks that scans sharing a connection take turns
--	correctly; with enable_partitionwise_aggregate, a GROUP BY holding g is
--	aggregated by q per partition.
--

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP SERVER IF EXISTS diff_q_async CASCADE;
CREATE SERVER diff_q_async FOREIGN DATA WRAPPER qipc_fdw
	OPTIONS (port :'qport', async_capable 'true');
CREATE USER MAPPING FOR CURRENT_USER SERVER diff_q_async;

-- the q side: diff_t cut by g (null and other symbols in the third)
SELECT qipc_exec('diff_q_async', 'diff_tp1:select from diff_t where g in `a`A; count diff_tp1');
SELECT qipc_exec('diff_q_async', 'diff_tp2:select from diff_t where g in (`b;`$"b c"); count diff_tp2');
SELECT qipc_exec('diff_q_async', 'diff_tp3:select from diff_t where not g in (`a;`A;`b;`$"b c"); count diff_tp3');

DROP TABLE IF EXISTS diff_pt;
CREATE TABLE diff_pt (
	id bigint, g text COLLATE "C", b boolean, h smallint, i integer,
	j bigint, e real, f double precision, finf double precision, c "char",
	s text COLLATE "C", str text COLLATE "C", d date, dinf date,
	p timestamp, pinf timestamp, t time, n interval, m date
) PARTITION BY LIST (g);
CREATE FOREIGN TABLE diff_pt1 PARTITION OF diff_pt FOR VALUES IN ('a', 'A')
	SERVER diff_q_async OPTIONS (table 'diff_tp1');
CREATE FOREIGN TABLE diff_pt2 PARTITION OF diff_pt FOR VALUES IN ('b', 'b c')
	SERVER diff_q_async OPTIONS (table 'diff_tp2');
CREATE FOREIGN TABLE diff_pt3 PARTITION OF diff_pt DEFAULT
	SERVER diff_q_async OPTIONS (table 'diff_tp3');

-- the partitions hold exactly diff_t's rows
DO $$
BEGIN
	IF (SELECT count(*) FROM diff_pt) <> (SELECT count(*) FROM diff_lt) THEN
		RAISE EXCEPTION 'diff_pt has % rows, diff_lt %',
			(SELECT count(*) FROM diff_pt), (SELECT count(*) FROM diff_lt);
	END IF;
END $$;

-- partition-wise aggregation for every query of this database
SELECT format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on',
			  current_database()) \gexec

-- pair 1 (the generator's most frequent) reads the partitioned table
UPDATE diff_tables SET remote = 'diff_pt' WHERE k = 1;
