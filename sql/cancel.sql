--
-- cancel: pg_cancel_backend and pg_terminate_backend end a query that waits
-- on a slow q server at once.  q has no cancel message, so the connection is
-- closed and discarded, a NOTICE says that the q server may still be
-- computing, and the next query reconnects.
--
-- pg_regress runs one session, so the other sessions are dblink connections
-- to this cluster: a victim session whose query is interrupted, or a killer
-- session that interrupts this one.  Elapsed times are only checked against
-- a generous bound (2 s; the wait itself ends within milliseconds) so that
-- a loaded machine cannot make the suite fail.
--
\getenv qport QIPC_TEST_PORT

CREATE EXTENSION IF NOT EXISTS dblink;

CREATE SERVER regress_cancel FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port :'qport');
CREATE USER MAPPING FOR CURRENT_USER SERVER regress_cancel;
CREATE FOREIGN TABLE regress_cancel_trade (sym text, size bigint)
  SERVER regress_cancel OPTIONS (table 'fdw_trade');
-- blocks the (single-threaded) q test server for 5 s
CREATE FOREIGN TABLE regress_cancel_sleepy (a bigint) SERVER regress_cancel
  OPTIONS (query '.qserver.sleep[5000]; ([] a:enlist 1)');

-- dblink connection string for this cluster, through its Unix socket
SELECT format('host=%s port=%s dbname=%s user=%s',
              split_part(current_setting('unix_socket_directories'), ',', 1),
              current_setting('port'), current_database(), current_user)
  AS connstr \gset

-- regress_wait_for_q(pid): wait (10 s at most) until backend pid is waiting
-- on a socket in the FDW (wait event type Extension)
CREATE FUNCTION regress_wait_for_q(target int) RETURNS bool
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..1000 LOOP
    PERFORM pg_stat_clear_snapshot();
    PERFORM 1 FROM pg_stat_activity
      WHERE pid = target AND state = 'active' AND wait_event_type = 'Extension';
    IF FOUND THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.01);
  END LOOP;
  RETURN false;
END $$;

-- regress_wait_for_exit(pid): wait (10 s at most) until backend pid is gone
CREATE FUNCTION regress_wait_for_exit(target int) RETURNS bool
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..1000 LOOP
    PERFORM pg_stat_clear_snapshot();
    PERFORM 1 FROM pg_stat_activity WHERE pid = target;
    IF NOT FOUND THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.01);
  END LOOP;
  RETURN false;
END $$;

-- regress_interrupt(conn, pid, terminate): once backend pid (dblink
-- connection conn) waits on the q server, cancel or terminate it and collect
-- the outcome of its query with dblink_get_result
CREATE FUNCTION regress_interrupt(conn text, target int, terminate bool,
                                  OUT waiting bool, OUT signalled bool,
                                  OUT code text, OUT message text,
                                  OUT prompt bool)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
BEGIN
  waiting := regress_wait_for_q(target);
  t0 := clock_timestamp();
  IF terminate THEN
    signalled := pg_terminate_backend(target);
  ELSE
    signalled := pg_cancel_backend(target);
  END IF;
  BEGIN
    PERFORM * FROM dblink_get_result(conn) AS t(a bigint);
    code := '00000';
  EXCEPTION WHEN query_canceled OR others THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE,
                            message = MESSAGE_TEXT;
  END;
  prompt := clock_timestamp() - t0 < interval '2 s';
END $$;

-- regress_cancel_when_waiting(pid): in a killer session, cancel backend pid
-- once it waits on the q server; returns when the cancel was sent
CREATE FUNCTION regress_cancel_when_waiting(target int) RETURNS timestamptz
LANGUAGE plpgsql AS $$
BEGIN
  IF regress_wait_for_q(target) AND pg_cancel_backend(target) THEN
    RETURN clock_timestamp();
  END IF;
  RETURN NULL;
END $$;

-- ===================================================================
-- pg_cancel_backend on another session: 57014 at once, the connection is
-- discarded, and that session's next query reconnects
-- ===================================================================
SELECT dblink_connect('regress_victim', :'connstr');
SELECT pid AS victim_pid
  FROM dblink('regress_victim', 'SELECT pg_backend_pid()') AS t(pid int) \gset
-- open the cached connection first, so that the wait is for the response
SELECT * FROM dblink('regress_victim',
                     'SELECT count(*) FROM regress_cancel_trade') AS t(n bigint);
SELECT dblink_send_query('regress_victim', 'SELECT * FROM regress_cancel_sleepy');
SELECT * FROM regress_interrupt('regress_victim', :victim_pid, false);
-- the end of the failed query's results
SELECT * FROM dblink_get_result('regress_victim') AS t(a bigint);
-- same session, same backend: its connection was closed
SELECT closed, last_error FROM dblink('regress_victim',
  $$SELECT pg_backend_pid(), connected_since IS NULL, last_error
      FROM qipc_fdw_get_connections() WHERE server_name = 'regress_cancel'$$)
  AS t(pid int, closed bool, last_error text)
  WHERE pid = :victim_pid;
-- the next query reconnects (once the q server has finished sleeping)
SELECT * FROM dblink('regress_victim',
                     'SELECT count(*) FROM regress_cancel_trade') AS t(n bigint);
SELECT * FROM dblink('regress_victim',
  $$SELECT connected_since IS NOT NULL
      FROM qipc_fdw_get_connections() WHERE server_name = 'regress_cancel'$$)
  AS t(connected bool);
SELECT dblink_disconnect('regress_victim');

-- ===================================================================
-- pg_cancel_backend on this session, from a killer session: the NOTICE
-- that the q server may still be computing, then the cancel error
-- ===================================================================
SELECT count(*) FROM regress_cancel_trade;
SELECT dblink_connect('regress_killer', :'connstr');
SELECT dblink_send_query('regress_killer',
  format('SELECT regress_cancel_when_waiting(%s)', pg_backend_pid()));
SELECT * FROM regress_cancel_sleepy;                    -- ERROR
SELECT at IS NOT NULL AS canceled, clock_timestamp() - at < interval '2 s' AS prompt
  FROM dblink_get_result('regress_killer') AS t(at timestamptz);
SELECT * FROM dblink_get_result('regress_killer') AS t(at timestamptz);
SELECT dblink_disconnect('regress_killer');
SELECT connected_since IS NULL AS closed, last_error
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_cancel';
-- the next query reconnects
SELECT count(*) FROM regress_cancel_trade;
SELECT connected_since IS NOT NULL AS connected
  FROM qipc_fdw_get_connections() WHERE server_name = 'regress_cancel';

-- the same through qipc_exec (a 4 s sleep, so that a cancel seen only
-- after the sleep would not be prompt; the next query waits for it)
SELECT dblink_connect('regress_killer', :'connstr');
SELECT dblink_send_query('regress_killer',
  format('SELECT regress_cancel_when_waiting(%s)', pg_backend_pid()));
SELECT qipc_exec('regress_cancel', '.qserver.sleep[4000]');  -- ERROR
SELECT at IS NOT NULL AS canceled, clock_timestamp() - at < interval '2 s' AS prompt
  FROM dblink_get_result('regress_killer') AS t(at timestamptz);
SELECT * FROM dblink_get_result('regress_killer') AS t(at timestamptz);
SELECT dblink_disconnect('regress_killer');
SELECT qipc_exec('regress_cancel', '1+1');

-- ===================================================================
-- pg_terminate_backend on another session: the session ends at once
-- (57P01), and the q server serves new connections afterwards
-- ===================================================================
SELECT dblink_connect('regress_victim', :'connstr');
SELECT pid AS victim_pid
  FROM dblink('regress_victim', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT * FROM dblink('regress_victim',
                     'SELECT count(*) FROM regress_cancel_trade') AS t(n bigint);
SELECT dblink_send_query('regress_victim', 'SELECT * FROM regress_cancel_sleepy');
SELECT * FROM regress_interrupt('regress_victim', :victim_pid, true);
SELECT regress_wait_for_exit(:victim_pid) AS gone;
SELECT dblink_disconnect('regress_victim');
-- a new session connects (once the q server has finished sleeping)
SELECT * FROM dblink(:'connstr',
                     'SELECT count(*) FROM regress_cancel_trade') AS t(n bigint);

-- ===================================================================
-- clean up
-- ===================================================================
DROP FUNCTION regress_interrupt(text, int, bool);
DROP FUNCTION regress_cancel_when_waiting(int);
DROP FUNCTION regress_wait_for_q(int);
DROP FUNCTION regress_wait_for_exit(int);
DROP SERVER regress_cancel CASCADE;
DROP EXTENSION dblink;
