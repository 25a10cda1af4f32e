#!/usr/bin/env bash
#
# bench/tls_bench.sh
#	TLS benchmark: what TLS costs qipc_fdw, side by side with
#	plain TCP and kdb+'s abstract Unix socket, all against one q test
#	server started with -E 1 (plain and TLS on the same port, as kdb+).
#
#	connect    N_CONN cycles of qipc_fdw_disconnect + qipc_exec('1+1'):
#	           a new connection (TCP/Unix connect, TLS handshake, q
#	           handshake) plus one tiny request; "handshake" is that minus
#	           the steady-state cost of the request
#	small      N_SMALL qipc_exec('1+1') on a cached connection
#	scan       a foreign table scan of ROWS rows (sym, time, price, size):
#	           COPY (SELECT * FROM t) TO '/dev/null', best of RUNS
#
#	Transports: tcp (127.0.0.1), tls (sslmode require), tls-verify
#	(verify-full against the test CA), unix (host 'unix'), unix+tls.
#	Certificates: a throwaway CA and server certificate made with openssl,
#	EC P-256 by default (KEY=rsa for RSA 2048).  Every timing is taken
#	inside the backend (clock_timestamp in PL/pgSQL), rounds interleaved.
#
# Run as root:  bench/tls_bench.sh
# Environment: N_CONN (200), N_SMALL (5000), ROWS (1000000), RUNS (3),
#	KEY (ec | rsa), PGPORT_BENCH (55436).
# Starts a throwaway PostgreSQL cluster and the q test server, and stops
# both at the end (qipc_bench_setup in tools/lib.sh; the q test server is
# started here, once the certificates are made).
#
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/lib.sh
. tools/lib.sh

N_CONN=${N_CONN:-200}
N_SMALL=${N_SMALL:-5000}
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
KEY=${KEY:-ec}
PGPORT_BENCH=${PGPORT_BENCH:-55436}

case "$KEY" in
	ec) KEYOPT=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1) ;;
	rsa) KEYOPT=(-newkey rsa:2048) ;;
	*) echo "KEY must be ec or rsa" >&2; exit 2 ;;
esac
qipc_log "starting PostgreSQL on port $PGPORT_BENCH"
QIPC_PG_OPTS="-c shared_buffers=256MB" qipc_bench_setup -P "$PGPORT_BENCH" -n 0

# ---------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------
C="$QIPC_TMP/certs"
mkdir -p "$C"
chmod 755 "$C"
{
	openssl req -x509 "${KEYOPT[@]}" -nodes -keyout "$C/ca.key" -out "$C/ca.pem" \
		-days 2 -subj /CN=qipc-bench-ca &&
		openssl req "${KEYOPT[@]}" -nodes -keyout "$C/server.key" -out "$C/server.csr" \
			-subj /CN=localhost &&
		openssl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
			-CAcreateserial -days 2 -out "$C/server.pem" \
			-extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
} >"$QIPC_TMP/certs.log" 2>&1 || { cat "$QIPC_TMP/certs.log"; exit 2; }
chmod 644 "$C"/*.pem

# ---------------------------------------------------------------------
# q test server (-E 1) and the foreign servers
# ---------------------------------------------------------------------
cat >"$QIPC_TMP/tls_bench.q" <<EOF
/ the scanned table: $ROWS rows of sym, time, price, size
n:$ROWS
tls_bench_big:([] sym:n?\`AAPL\`MSFT\`IBM\`GOOG\`AMZN\`TSLA\`META\`NVDA; time:2024.01.02D09:30:00.000000000+1000*til n; price:100+n?100f; size:n?1000)
EOF
qipc_log "starting the q test server (-E 1) with a $ROWS-row table"
qipc_qserver_start QPORT -E 1 -cert "$C/server.pem" -key "$C/server.key" "$QIPC_TMP/tls_bench.q"

TRANSPORTS=(tcp tls tls-verify unix unix+tls)
psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE SERVER "tcp" FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host '127.0.0.1', port '$QPORT');
CREATE SERVER "tls" FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host '127.0.0.1', port '$QPORT', sslmode 'require');
CREATE SERVER "tls-verify" FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'localhost', port '$QPORT', sslmode 'verify-full',
           sslrootcert '$C/ca.pem');
CREATE SERVER "unix" FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'unix', port '$QPORT');
CREATE SERVER "unix+tls" FOREIGN DATA WRAPPER qipc_fdw
  OPTIONS (host 'unix', port '$QPORT', sslmode 'require');
DO \$\$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['tcp', 'tls', 'tls-verify', 'unix', 'unix+tls'] LOOP
    EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I', s);
    EXECUTE format('CREATE FOREIGN TABLE %I (sym text, time timestamp, price float8, size bigint)
                    SERVER %I OPTIONS (table %L)', 'big_' || s, s, 'tls_bench_big');
  END LOOP;
END \$\$;

-- ms per new connection (+ one 1+1 request)
CREATE FUNCTION bench_connect(srv name, n int) RETURNS float8
LANGUAGE plpgsql AS \$\$
DECLARE
  t0 timestamptz;
BEGIN
  PERFORM qipc_exec(srv, '1+1');
  t0 := clock_timestamp();
  FOR i IN 1..n LOOP
    PERFORM qipc_fdw_disconnect(srv);
    PERFORM qipc_exec(srv, '1+1');
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000 / n;
END \$\$;

-- microseconds per 1+1 on a cached connection
CREATE FUNCTION bench_small(srv name, n int) RETURNS float8
LANGUAGE plpgsql AS \$\$
DECLARE
  t0 timestamptz;
BEGIN
  PERFORM qipc_exec(srv, '1+1');
  t0 := clock_timestamp();
  FOR i IN 1..n LOOP
    PERFORM qipc_exec(srv, '1+1');
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000000 / n;
END \$\$;

-- ms for COPY (SELECT * FROM big_<srv>) TO '/dev/null', and the wire bytes
CREATE FUNCTION bench_scan(srv name, OUT ms float8, OUT wire_bytes bigint)
LANGUAGE plpgsql AS \$\$
DECLARE
  t0 timestamptz;
  b0 bigint;
BEGIN
  PERFORM qipc_exec(srv, '1+1');
  SELECT bytes_in INTO b0 FROM qipc_fdw_get_connections() WHERE server_name = srv;
  t0 := clock_timestamp();
  EXECUTE format('COPY (SELECT * FROM %I) TO %L', 'big_' || srv, '/dev/null');
  ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
  SELECT bytes_in - b0 INTO wire_bytes FROM qipc_fdw_get_connections() WHERE server_name = srv;
END \$\$;
SQL

# every transport answers before anything is timed
for t in "${TRANSPORTS[@]}"; do
	psql -Atq -c "SELECT qipc_exec('$t', '1+1')" >/dev/null
done

R="$QIPC_TMP/results"
: >"$R"
for r in $(seq 1 "$RUNS"); do
	for t in "${TRANSPORTS[@]}"; do
		# one session per measurement: nothing cached between them
		c=$(psql -Atq -c "SELECT round(bench_connect('$t', $N_CONN)::numeric, 4)")
		s=$(psql -Atq -c "SELECT round(bench_small('$t', $N_SMALL)::numeric, 2)")
		read -r ms bytes < <(psql -Atq -F ' ' -c "SELECT round(ms::numeric, 1), wire_bytes FROM bench_scan('$t')")
		echo "$t $r $c $s $ms $bytes" >>"$R"
	done
	qipc_log "round $r of $RUNS done"
done

# best of RUNS per column (each minimum taken separately)
best() { awk -v t="$1" -v col="$2" '$1 == t { if (m == "" || $col + 0 < m + 0) m = $col } END { print m }' "$R"; }

echo
echo "qipc_fdw transports against one q test server (-E 1), $KEY keys, best of $RUNS rounds"
echo "connect: $N_CONN x (qipc_fdw_disconnect + qipc_exec 1+1); small: $N_SMALL x qipc_exec 1+1;"
echo "scan: COPY (SELECT * FROM t) TO '/dev/null', $ROWS rows (sym, time, price, size)"
echo
printf "%-11s %11s %11s %11s %10s %10s %9s\n" transport "connect ms" "handshake" "small us" "scan ms" "wire MB" "MB/s"
base_c=$(best tcp 3)
base_s=$(best tcp 4)
base_m=$(best tcp 5)
for t in "${TRANSPORTS[@]}"; do
	c=$(best "$t" 3)
	s=$(best "$t" 4)
	m=$(best "$t" 5)
	b=$(awk -v t="$t" '$1 == t { print $6; exit }' "$R")
	hs=$(echo "$c - $s / 1000" | bc -l)
	printf "%-11s %11.3f %9.3f ms %11.1f %10.1f %10.1f %9.1f\n" "$t" "$c" "$hs" "$s" "$m" \
		"$(echo "$b / 1000000" | bc -l)" "$(echo "$b / 1000000 / ($m / 1000)" | bc -l)"
done
echo
echo "relative to tcp (connect / small / scan):"
for t in "${TRANSPORTS[@]}"; do
	printf "%-11s %6.2fx %6.2fx %6.2fx\n" "$t" \
		"$(echo "$(best "$t" 3) / $base_c" | bc -l)" \
		"$(echo "$(best "$t" 4) / $base_s" | bc -l)" \
		"$(echo "$(best "$t" 5) / $base_m" | bc -l)"
done
