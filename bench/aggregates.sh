#!/usr/bin/env bash
# What an [[aggregates]] check costs over running its two grouped queries: each round runs the two
# queries raw (psql \copy to /dev/null, both at once, as recon reads both sides) and `recon check`
# on a job with the one aggregate, on the dimensional model of tests/e2e/pg_aggregates_test.cpp
# (operational energy readings against fact_energy joined to its dimensions).
#   bench/aggregates.sh [ROUNDS] [RECON_BIN]     (default 7 rounds, build/recon)
# Prints the median wall time of each and the median of the per-round ratios (recon / raw).
# Size: BENCH_AGG_DEVICES devices (default 400) × BENCH_AGG_READINGS readings each (default 2,000).
# Without PGHOST it starts its own cluster under pg_virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PGHOST:-}" ]; then
  [ -x build/recon ] || BUILD_TARGET=recon scripts/build.sh
  exec pg_virtualenv -t -v 15 "$0" "$@"
fi
ROUNDS=${1:-7}
BIN=${2:-build/recon}
[ "$ROUNDS" -ge 5 ] || { echo "bench/aggregates.sh: at least 5 rounds for a median" >&2; exit 2; }
DEVICES=${BENCH_AGG_DEVICES:-400}
READINGS=${BENCH_AGG_READINGS:-2000}
DB=bench_agg
OUT=bench/out/aggregates
mkdir -p "$OUT"

if ! psql -qAtc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  createdb "$DB"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
CREATE TABLE users (user_id int PRIMARY KEY, name text);
CREATE TABLE units (unit_id int PRIMARY KEY, user_id int REFERENCES users);
CREATE TABLE devices (device_id int PRIMARY KEY, unit_id int REFERENCES units);
CREATE TABLE energy (device_id int REFERENCES devices, ts timestamptz, kwh numeric(10,3), PRIMARY KEY (device_id, ts));
INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, $DEVICES / 20 + 1) i;
INSERT INTO units SELECT i, 1 + i % ($DEVICES / 20 + 1) FROM generate_series(1, $DEVICES / 4 + 1) i;
INSERT INTO devices SELECT i, 1 + i % ($DEVICES / 4 + 1) FROM generate_series(1, $DEVICES) i;
INSERT INTO energy SELECT d, timestamptz '2026-01-01 00:00+00' + h * interval '1 hour', ((d * 7 + h) % 17) * 0.25 + 0.125
  FROM generate_series(1, $DEVICES) d, generate_series(0, $READINGS - 1) h;
CREATE TABLE dim_users (user_key serial PRIMARY KEY, user_id int UNIQUE);
CREATE TABLE dim_units (unit_key serial PRIMARY KEY, unit_id int UNIQUE, user_key int);
CREATE TABLE dim_devices (device_key serial PRIMARY KEY, device_id int UNIQUE, unit_key int);
CREATE TABLE dim_day_climate (day_key int PRIMARY KEY, day date UNIQUE, mean_temp numeric(4,1));
INSERT INTO dim_users (user_id) SELECT user_id FROM users;
INSERT INTO dim_units (unit_id, user_key) SELECT unit_id, user_key FROM units JOIN dim_users USING (user_id);
INSERT INTO dim_devices (device_id, unit_key) SELECT device_id, unit_key FROM devices JOIN dim_units USING (unit_id);
INSERT INTO dim_day_climate SELECT to_char(d, 'YYYYMMDD')::int, d, 15
  FROM generate_series(date '2025-12-01', date '2026-12-31', interval '1 day') d;
CREATE TABLE fact_energy AS
  SELECT device_key, day_key, sum(kwh) AS kwh, count(*)::int AS readings
  FROM energy JOIN dim_devices USING (device_id) JOIN dim_day_climate c ON c.day = (ts AT TIME ZONE 'UTC')::date
  GROUP BY 1, 2;
UPDATE fact_energy SET kwh = kwh + 1 WHERE device_key % 97 = 0 AND day_key % 5 = 0;
VACUUM ANALYZE;
SQL
fi

SRC="SELECT d.unit_id, (e.ts AT TIME ZONE 'UTC')::date AS day, sum(e.kwh) AS kwh, count(*) AS readings FROM energy e JOIN devices d USING (device_id) GROUP BY 1, 2"
TGT="SELECT u.unit_id, c.day, sum(f.kwh) AS kwh, sum(f.readings)::int8 AS readings FROM fact_energy f JOIN dim_devices dd USING (device_key) JOIN dim_units u USING (unit_key) JOIN dim_day_climate c USING (day_key) GROUP BY 1, 2"
URL="dbname=$DB"
cat > "$OUT/job.toml" <<TOML
[source]
kind = "postgres"
url = "$URL"

[target]
kind = "postgres"
url = "$URL"

[[aggregates]]
name = "energy_unit_day"
source_query = "$SRC"
target_query = "$TGT"
group_by = ["unit_id", "day"]
measures = { kwh = "sum", readings = "count" }
tolerance = { kwh = 0.01 }
TOML

RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
for r in $(seq "$ROUNDS"); do
  t0=$(date +%s.%N)
  psql -qX -d "$DB" -c "\\copy ($SRC) TO '/dev/null'" & psql -qX -d "$DB" -c "\\copy ($TGT) TO '/dev/null'" & wait
  t1=$(date +%s.%N)
  rm -rf "$OUT/report" "$OUT/audit.db"*
  "$BIN" check --config "$OUT/job.toml" --out "$OUT/report" --audit "$OUT/audit.db" --quiet --no-progress >/dev/null || [ $? -eq 1 ]
  t2=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $(echo "$t2 - $t1" | bc -l)" >> "$RESULTS"
  echo "bench: round $r of $ROUNDS done" >&2
done
groups=$(psql -qAtX -d "$DB" -c "SELECT count(*) FROM ($SRC) s")
rows=$(psql -qAtX -d "$DB" -c "SELECT count(*) FROM energy")
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "energy rows: $rows, groups: $groups, rounds: $ROUNDS"
echo "raw queries (both sides, \\copy to /dev/null): median $(awk '{print $1}' "$RESULTS" | median) s"
echo "recon check (one aggregate):                 median $(awk '{print $2}' "$RESULTS" | median) s"
echo "ratio recon / raw:                           median $(awk '{print $2 / $1}' "$RESULTS" | median)"
