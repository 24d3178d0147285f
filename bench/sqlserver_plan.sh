#!/usr/bin/env bash
# SQL Server planning: what recon's planner reads from a SQL Server table, and how long planning
# takes, with statistics (partition stats + histogram) against the key scan it falls back to
# without them. A 1,000,000-row fixture served by the project's TDS 7.4 test server (with
# --read-log, which records the rows every statement read), a PostgreSQL target with the same rows,
# one `recon check` each way.
#   bench/sqlserver_plan.sh [ROWS]   (default 1,000,000; BENCH_THREADS=2 BENCH_CHUNK=50000;
#                                     BENCH_BUILD=build: where recon and tds_test_server are)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BUILD=${BENCH_BUILD:-build}
if [ -z "${PGHOST:-}" ]; then
  [ -x "$BUILD/recon" ] && [ -x "$BUILD/tds_test_server" ] || scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers=512MB "$0" "$@"
fi
THREADS=${BENCH_THREADS:-2}
CHUNK=${BENCH_CHUNK:-50000}
OUT=bench/out/sqlserver_plan
rm -rf "$OUT" && mkdir -p "$OUT"

sqlite3 "$OUT/fixture.db" <<SQL
PRAGMA journal_mode = OFF;
CREATE TABLE "dbo.simulacoes" (id bigint PRIMARY KEY, id_cliente int, valor "decimal(15,2) text", status "nvarchar(20)");
INSERT INTO "dbo.simulacoes"
SELECT value, value % 200000, printf('%d.%02d', value % 500000, value % 100),
       CASE value % 3 WHEN 0 THEN 'ATIVA' WHEN 1 THEN 'CONTEMPLADA' ELSE 'CANCELADA' END
FROM generate_series(1, ${ROWS});
SQL
psql -qAt -c "DROP DATABASE IF EXISTS bench_ss_plan" -c "CREATE DATABASE bench_ss_plan" >/dev/null
psql -q -v ON_ERROR_STOP=1 -d bench_ss_plan \
  -c "CREATE TABLE simulacoes (id bigint PRIMARY KEY, id_cliente int, valor numeric(15,2), status text)" >/dev/null
sqlite3 -csv "$OUT/fixture.db" 'SELECT * FROM "dbo.simulacoes"' \
  | psql -q -v ON_ERROR_STOP=1 -d bench_ss_plan -c "COPY simulacoes FROM STDIN (FORMAT csv)"
psql -q -d bench_ss_plan -c "VACUUM ANALYZE simulacoes" >/dev/null

PW=bench-$$
export RECON_BENCH_SS_PASSWORD=$PW
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT

# serve NAME: a test server on the fixture, logging reads to $OUT/NAME.reads; sets PORT, SERVER.
serve() {
  local t0 t1
  t0=$(date +%s.%N)
  "$BUILD/tds_test_server" --db "$OUT/fixture.db" --port 0 --user recon --password "$PW" \
    --read-log "$OUT/$1.reads" > "$OUT/$1.server" &
  SERVER=$!
  for _ in $(seq 600); do grep -q listening "$OUT/$1.server" && break; sleep 0.05; done
  t1=$(date +%s.%N)
  PORT=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$OUT/$1.server")
  printf 'bench: %-10s server ready in %.2f s (it builds the histograms at load, as UPDATE STATISTICS would)\n' \
    "$1" "$(echo "$t1 - $t0" | bc -l)"
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=; }

# check NAME: recon check against the running server; prints the planner's reads and time.
check() {
  cat > "$OUT/$1.toml" <<TOML
[source]
kind = "sqlserver"
url = "sqlserver://recon@127.0.0.1:${PORT}/bench"
password_env = "RECON_BENCH_SS_PASSWORD"
[target]
kind = "postgres"
url = "dbname=bench_ss_plan"
[check]
threads = ${THREADS}
chunk_rows = ${CHUNK}
audit = "bench-audit.db"
[[tables]]
source = "dbo.simulacoes"
target = "public.simulacoes"
key = ["id"]
TOML
  local t0 t1 code=0
  t0=$(date +%s.%N)
  "$BUILD/recon" check --config "$OUT/$1.toml" --out "$OUT/$1" --quiet --no-progress >/dev/null 2>"$OUT/$1.err" || code=$?
  t1=$(date +%s.%N)
  # The planner's statements: the row estimate, the statistics catalog, the histogram, a page
  # sample, a count, or the ordered key scan (the only statement selecting the key column alone).
  awk -F'\t' -v rows="$ROWS" -v name="$1" -v total="$(echo "$t1 - $t0" | bc -l)" -v code="$code" '
    $8 ~ /dm_db_partition_stats|sys \. stats|dm_db_stats_histogram|TABLESAMPLE|COUNT_BIG/ ||
    $8 ~ /^SELECT \[id\] FROM \[dbo\] \. \[simulacoes\] ORDER BY \[id\]$/ {
      n++; read += $5; sent += $6
      if (first == "" || $1 < first) first = $1
      if ($2 > last) last = $2
      kinds = kinds (kinds == "" ? "" : ", ") $4 " " $5 "/" $6
    }
    END {
      printf "bench: %-10s planner: %d statements, read %d of %d rows (%.3f %%), sent %d rows, %.1f ms  [%s]\n",
        name, n, read, rows, 100 * read / rows, sent, 1000 * (last - first), kinds
      printf "bench: %-10s recon check %.2f s, exit %d\n", name, total, code
      print 1000 * (last - first) > "/dev/stderr"
    }' "$OUT/$1.reads" 2>"$OUT/$1.planning_ms"
}

serve statistics
check statistics
stop
# The same table without statistics: recon falls back to reading every key, and says so.
sqlite3 "$OUT/fixture.db" "CREATE TABLE _tds_no_statistics (table_name TEXT); INSERT INTO _tds_no_statistics VALUES ('dbo.simulacoes');"
serve key_scan
check key_scan
stop
grep -h "^note" "$OUT/key_scan.err" | sed 's/^/bench: key_scan   /' || true
printf 'bench: planning with statistics takes %.4f of the key scan'"'"'s time (%.1f ms against %.1f ms)\n' \
  "$(echo "$(cat "$OUT/statistics.planning_ms") / $(cat "$OUT/key_scan.planning_ms")" | bc -l)" \
  "$(cat "$OUT/statistics.planning_ms")" "$(cat "$OUT/key_scan.planning_ms")"
python3 - "$OUT" <<'PY'
import json, sys
for name in ("statistics", "key_scan"):
    t = json.load(open(f"{sys.argv[1]}/{name}/summary.json"))["tables"][0]
    print(f"bench: {name:<10} ranges {t['ranges_total']}, matched {t['matched']} of {t['rows_source']}, "
          f"changed {t['changed']}, missing {t['missing_in_target']}+{t['missing_in_source']}")
PY
