#!/usr/bin/env bash
# The dms_csv side beside the PostgreSQL path: N rows (default 200,000; 10,000,000 for the figure in
# docs/architecture.md, "Memory") written as a DMS full load (4 LOAD files, rows in no key order)
# and loaded into PostgreSQL twice (orders and orders_tgt), then `recon check` PG→PG and
# dms_csv→PG, each timed with /usr/bin/time -v. Prints rows/s, peak RSS and the dms_csv/PG ratio.
#   bench/csv.sh [ROWS]
# Without PGHOST it starts its own throwaway cluster (pg_virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PGHOST:-}" ]; then
  [ -x build/recon ] || BUILD_TARGET=recon scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers=512MB -o synchronous_commit=off "$0" "$@"
fi
ROWS=${1:-200000}
OUT=bench/out/csv
rm -rf "$OUT"
mkdir -p "$OUT/dms/public/orders"
DB=bench_csv
psql -qX -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
psql -qX -d "$DB" -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE TABLE orders (id bigint PRIMARY KEY, customer int, amount numeric(12,2), note text, created timestamp);
INSERT INTO orders SELECT i, i % 1000, (i % 100000) / 100.0, CASE WHEN i % 10 = 0 THEN NULL ELSE 'note, ' || md5(i::text) END,
  timestamp '2026-01-01' + i * interval '1 second' FROM generate_series(1, $ROWS) i;
CREATE TABLE orders_tgt (LIKE orders INCLUDING ALL);
INSERT INTO orders_tgt SELECT * FROM orders;
SQL
# DMS writes a full load in files of rows in the source's scan order, not key order: four files,
# each a quarter of the rows in hash order.
for f in 1 2 3 4; do
  psql -qX -d "$DB" -c "\\copy (SELECT * FROM orders WHERE id % 4 = $f - 1 ORDER BY md5(id::text)) TO '$OUT/dms/public/orders/LOAD0000000$f.csv' WITH (FORMAT csv)"
done
conn="host=$PGHOST port=${PGPORT:-5432} user=${PGUSER:-postgres} dbname=$DB"
job() {  # file, [source] lines: the two jobs differ only in their source
  cat > "$OUT/$1" <<TOML
[source]
$2
[target]
kind = "postgres"
url = "$conn"
[check]
threads = 2
[[tables]]
source = "public.orders"
target = "public.orders_tgt"
TOML
}
job pg.toml "kind = \"postgres\"
url = \"$conn\""
job csv.toml 'kind = "dms_csv"
url = "dms"
temp_dir = "scratch"'
mkdir -p "$OUT/scratch"
measure() {  # label job -> "label seconds rows/s peak_kB"
  rm -rf "$OUT/report" "$OUT/audit.db"
  /usr/bin/time -v -o "$OUT/$1.time" build/recon check --config "$OUT/$2" --out "$OUT/report" \
    --audit "$OUT/audit.db" --quiet --no-progress >/dev/null || [ $? -eq 1 ]
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$OUT/$1.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$1.time")
  echo "$1 $wall $(echo "$ROWS / $wall" | bc) $rss"
}
pg=$(measure pg pg.toml)
csv=$(measure dms_csv csv.toml)
echo "rows=$ROWS build=$(git rev-parse --short HEAD) date=$(date -u +%F)"
printf '%-8s %10s %12s %12s\n' side seconds rows/s peak_RSS_kB
printf '%-8s %10s %12s %12s\n' $pg
printf '%-8s %10s %12s %12s\n' $csv
echo "dms_csv/pg time ratio: $(echo "scale=2; $(echo "$csv" | cut -d' ' -f2) / $(echo "$pg" | cut -d' ' -f2)" | bc)"
