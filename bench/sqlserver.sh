#!/usr/bin/env bash
# SQL Server path throughput: rows/s of `recon check` reading a SQL Server source through FreeTDS
# (from the project's TDS 7.4 test server) into a PostgreSQL target, beside the PostgreSQL →
# PostgreSQL path on the same rows, in one script.
#   bench/sqlserver.sh [ROWS]      (default 1,000,000; BENCH_THREADS=2 BENCH_CHUNK=50000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
if [ -z "${PGHOST:-}" ]; then
  [ -x build/recon ] && [ -x build/tds_test_server ] || scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers=512MB "$0" "$@"
fi
THREADS=${BENCH_THREADS:-2}
CHUNK=${BENCH_CHUNK:-50000}
OUT=bench/out/sqlserver
rm -rf "$OUT" && mkdir -p "$OUT"

# The same 6 columns on every side: SQL Server types in the fixture, their PostgreSQL counterparts.
sqlite3 "$OUT/fixture.db" <<SQL
PRAGMA journal_mode = OFF;
CREATE TABLE "dbo.simulacoes" (id bigint PRIMARY KEY, id_cliente int, valor "decimal(15,2) text",
  criado_em "datetime2(7) text", status "nvarchar(20)", token "uniqueidentifier text");
INSERT INTO "dbo.simulacoes"
SELECT value, value % 200000, printf('%d.%02d', value % 500000, value % 100),
       printf('2024-%02d-%02d %02d:%02d:%02d.%07d', 1 + value % 12, 1 + value % 28, value % 24, value % 60,
              value % 59, value % 10000000),
       CASE value % 3 WHEN 0 THEN 'ATIVA' WHEN 1 THEN 'CONTEMPLADA' ELSE 'CANCELADA' END,
       upper(printf('%08x-%04x-4%03x-8%03x-%012x', value, value % 65536, value % 4096, value % 4096, value))
FROM generate_series(1, ${ROWS});
SQL
psql -qAt -c "DROP DATABASE IF EXISTS bench_ss" -c "CREATE DATABASE bench_ss" >/dev/null
psql -q -v ON_ERROR_STOP=1 -d bench_ss >/dev/null <<SQL
CREATE TABLE simulacoes (id bigint PRIMARY KEY, id_cliente int, valor numeric(15,2), criado_em timestamp(6),
  status text, token uuid);
CREATE TABLE simulacoes_src (LIKE simulacoes INCLUDING ALL);
SQL
sqlite3 -csv "$OUT/fixture.db" "SELECT id, id_cliente, valor, criado_em, status, lower(token) FROM \"dbo.simulacoes\"" \
  | psql -q -v ON_ERROR_STOP=1 -d bench_ss -c "COPY simulacoes_src FROM STDIN (FORMAT csv)"
# datetime2(7) → timestamp(6) rounds half to even, as PostgreSQL's own input does.
psql -q -v ON_ERROR_STOP=1 -d bench_ss -c "INSERT INTO simulacoes SELECT * FROM simulacoes_src" \
  -c "VACUUM ANALYZE simulacoes" -c "VACUUM ANALYZE simulacoes_src" >/dev/null

PW=bench-$$
build/tds_test_server --db "$OUT/fixture.db" --port 0 --user recon --password "$PW" > "$OUT/server.out" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$OUT/server.out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$OUT/server.out")
export RECON_BENCH_SS_PASSWORD=$PW

job() {  # job NAME SOURCE-BLOCK SOURCE-TABLE
  cat > "$OUT/$1.toml" <<TOML
$2
[target]
kind = "postgres"
url = "dbname=bench_ss"
[check]
threads = ${THREADS}
chunk_rows = ${CHUNK}
audit = "bench-audit.db"
[[tables]]
source = "$3"
target = "public.simulacoes"
key = ["id"]
TOML
}
job sqlserver "[source]
kind = \"sqlserver\"
url = \"sqlserver://recon@127.0.0.1:${PORT}/bench\"
password_env = \"RECON_BENCH_SS_PASSWORD\"" "dbo.simulacoes"
job postgres "[source]
kind = \"postgres\"
url = \"dbname=bench_ss\"" "public.simulacoes_src"

run() {
  local t0 t1 code=0
  t0=$(date +%s.%N)
  build/recon check --config "$OUT/$1.toml" --out "$OUT/$1" --quiet --no-progress >/dev/null || code=$?
  t1=$(date +%s.%N)
  local s
  s=$(echo "$t1 - $t0" | bc -l)
  printf 'bench: %-10s → postgres  %d rows  %.2f s  %.0f rows/s  exit %d  %s\n' "$1" "$ROWS" "$s" \
    "$(echo "$ROWS / $s" | bc -l)" "$code" "$(python3 -c "import json,sys; t=json.load(open('$OUT/$1/summary.json'))['tables'][0]; print(f\"matched={t['matched']} changed={t['changed']} missing={t['missing_in_target']}+{t['missing_in_source']}\")")"
}
run sqlserver
run postgres
