#!/usr/bin/env bash
# Full-check benchmark on PostgreSQL: recon's `check` time divided by the time of a raw
# `COPY … TO STDOUT (FORMAT binary)` of both tables run concurrently, in the same script and cluster.
#   bench/run.sh [ROWS]        (default 2,000,000; BENCH_THREADS=2 BENCH_CHUNK=50000 BENCH_REPEAT=3)
# Builds recon first if needed; starts its own throwaway cluster with pg_virtualenv. With PGHOST set
# it uses that cluster instead; BENCH_SKIP_LOAD=1 then reuses the databases of an earlier run.
# RECON_BIN picks the binary (default build/recon); BENCH_SHARED_BUFFERS the cluster's shared_buffers
# (default 1GB: the 2 M tables fit, the 10 M ones do not). BENCH_PII=1 declares two of the differing
# columns sensitive (pii, docs/privacy.md), so the audit keeps tokens: the cost of privacy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-2000000}
RECON_BIN=${RECON_BIN:-build/recon}
if [ -z "${PGHOST:-}" ]; then
  [ -x "$RECON_BIN" ] || scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers="${BENCH_SHARED_BUFFERS:-1GB}" -o max_wal_size=4GB \
    -o synchronous_commit=off "$0" "$@"
fi
THREADS=${BENCH_THREADS:-2}
CHUNK=${BENCH_CHUNK:-50000}
REPEAT=${BENCH_REPEAT:-3}
OUT=bench/out
mkdir -p "$OUT"
if [ "${BENCH_SKIP_LOAD:-0}" != 1 ]; then
psql -qAtc "DROP DATABASE IF EXISTS bench_src" -c "DROP DATABASE IF EXISTS bench_tgt" \
     -c "CREATE DATABASE bench_src" -c "CREATE DATABASE bench_tgt" >/dev/null

# 11 columns of mixed types, deterministic in i so both databases get the same rows.
TABLE_SQL="
CREATE TABLE simulacoes (
  id bigint PRIMARY KEY, id_cliente integer NOT NULL, data_simulacao timestamp NOT NULL,
  criado_em timestamptz NOT NULL, data_base date NOT NULL, valor_credito numeric(15,2) NOT NULL,
  taxa_adm numeric(5,2) NOT NULL, prazo_meses smallint NOT NULL, ativo boolean NOT NULL,
  status text NOT NULL, token uuid NOT NULL);
INSERT INTO simulacoes
SELECT i, (i * 7919) % 200000, timestamp '2020-01-01' + i * interval '17 second',
       timestamptz '2020-01-01 00:00:00+00' + i * interval '13 second', date '2020-01-01' + (i % 1500)::int,
       ((i * 104729) % 50000000) / 100.0, ((i % 2000) / 100.0), (12 + i % 200)::smallint, i % 3 <> 0,
       (ARRAY['ATIVA','CONTEMPLADA','CANCELADA','ENCERRADA'])[1 + i % 4],
       md5(i::text)::uuid
FROM generate_series(1::bigint, ${ROWS}::bigint) AS i;
VACUUM ANALYZE simulacoes;"
echo "bench: loading ${ROWS} rows into each database…"
psql -q -v ON_ERROR_STOP=1 -d bench_src <<<"$TABLE_SQL" >/dev/null &
psql -q -v ON_ERROR_STOP=1 -d bench_tgt <<<"$TABLE_SQL" >/dev/null &
wait
# ~0.2 % planted divergences: changed values, rows missing in the target, extra rows in the target.
psql -q -v ON_ERROR_STOP=1 -d bench_tgt >/dev/null <<SQL
UPDATE simulacoes SET valor_credito = valor_credito + 0.01 WHERE id % 1000 = 1;
UPDATE simulacoes SET status = status || ' ' WHERE id % 2000 = 3;
DELETE FROM simulacoes WHERE id % 1000 = 7;
INSERT INTO simulacoes SELECT id + ${ROWS} * 10, id_cliente, data_simulacao, criado_em, data_base, valor_credito,
  taxa_adm, prazo_meses, ativo, status, token FROM simulacoes WHERE id % 4000 = 11;
VACUUM ANALYZE simulacoes;
SQL
fi

cat > "$OUT/job.toml" <<TOML
[source]
kind = "postgres"
url = "dbname=bench_src"
[target]
kind = "postgres"
url = "dbname=bench_tgt"
[check]
threads = ${THREADS}
chunk_rows = ${CHUNK}
slo = 0.99
audit = "bench-audit.db"
[[tables]]
source = "public.simulacoes"
key = ["id"]
TOML
if [ "${BENCH_PII:-0}" = 1 ]; then
  echo 'pii = { status = "redact", valor_credito = "hash" }' >> "$OUT/job.toml"
  export RECON_PII_KEY=${RECON_PII_KEY:-bench-only-key-not-a-secret}
fi

now() { date +%s.%N; }
# Busy CPU seconds of the whole machine (user + nice + system + irq + softirq from /proc/stat): on a
# host whose wall clock is noisy, the CPU work of each phase is the steadier measure.
busy() { awk '/^cpu /{printf "%.2f", ($2 + $3 + $4 + $7 + $8) / 100}' /proc/stat; }
best_copy=""; best_recon=""; rss=""; ratios=""; cpu_ratios=""
for r in $(seq "$REPEAT"); do
  t0=$(now); c0=$(busy)
  psql -d bench_src -c "COPY simulacoes TO STDOUT (FORMAT binary)" >/dev/null &
  psql -d bench_tgt -c "COPY simulacoes TO STDOUT (FORMAT binary)" >/dev/null &
  wait
  t1=$(now); c1=$(busy)
  copy=$(echo "$t1 - $t0" | bc -l); copy_cpu=$(echo "$c1 - $c0" | bc -l)
  rm -rf "$OUT/report"
  t0=$(now); c0=$(busy)
  /usr/bin/time -f "%M" -o "$OUT/rss.txt" "$RECON_BIN" check --config "$OUT/job.toml" --out "$OUT/report" --quiet --no-progress >/dev/null || true
  t1=$(now); c1=$(busy)
  recon=$(echo "$t1 - $t0" | bc -l); recon_cpu=$(echo "$c1 - $c0" | bc -l)
  kb=$(tail -n 1 "$OUT/rss.txt")  # time(1) prepends a line when the exit code is not 0
  ratio=$(echo "$recon / $copy" | bc -l); cpu_ratio=$(echo "$recon_cpu / $copy_cpu" | bc -l)
  ratios="$ratios $ratio"; cpu_ratios="$cpu_ratios $cpu_ratio"
  printf 'bench: run %d  raw COPY both sides %.2f s (CPU %.2f s)  recon check %.2f s (CPU %.2f s)  ratio %.3f  CPU ratio %.3f  peak RSS %d MB\n' \
    "$r" "$copy" "$copy_cpu" "$recon" "$recon_cpu" "$ratio" "$cpu_ratio" "$((kb / 1024))"
  if [ -z "$best_copy" ] || (( $(echo "$copy < $best_copy" | bc -l) )); then best_copy=$copy; fi
  if [ -z "$best_recon" ] || (( $(echo "$recon < $best_recon" | bc -l) )); then best_recon=$recon; fi
  rss=$kb
done
printf 'bench: rows=%d threads=%d chunk_rows=%d  best raw COPY %.2f s  best recon %.2f s  ratio %.3f  (%.0f rows/s per side)  peak RSS %d MB\n' \
  "$ROWS" "$THREADS" "$CHUNK" "$best_copy" "$best_recon" "$(echo "$best_recon / $best_copy" | bc -l)" \
  "$(echo "$ROWS / $best_recon" | bc -l)" "$((rss / 1024))"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf 'bench: median of the per-run ratios %s  median CPU ratio %s (busy CPU of the whole machine during each phase)\n' \
  "$(echo "$ratios" | median)" "$(echo "$cpu_ratios" | median)"
python3 - "$OUT/report/summary.json" <<'PY' 2>/dev/null || true
import json, sys
s = json.load(open(sys.argv[1]))
t = s["tables"][0]
print(f"bench: found missing_in_target={t['missing_in_target']} missing_in_source={t['missing_in_source']} changed={t['changed']} index={t['consistency_index']:.6f}")
PY
