#!/usr/bin/env bash
# Interleaved comparison on one cluster, to tell a change of a few per cent from the host's noise:
# each round runs the raw COPY baseline, psql running the same kind of range COPYs recon sends
# (4 streams, 50,000 ids each, no comparison), and `recon check` with every binary given.
#   bench/compare.sh [ROUNDS] [RECON_BIN ...]     (default 12 rounds, build/recon)
# Per variant it prints medians of wall time, client CPU (rusage of the command) and server CPU
# (backends reaped by the postmaster), and the median of the per-round ratios to the baseline.
# Without PGHOST it starts its own cluster like bench/run.sh; the bench databases are loaded by
# bench/run.sh (BENCH_ROWS rows, default 2,000,000) unless they already exist.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PGHOST:-}" ]; then
  [ -x build/recon ] || scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers="${BENCH_SHARED_BUFFERS:-1GB}" -o max_wal_size=4GB \
    -o synchronous_commit=off "$0" "$@"
fi
ROUNDS=${1:-12}
shift || true
BINS=("$@")
[ ${#BINS[@]} -gt 0 ] || BINS=(build/recon)
ROWS=${BENCH_ROWS:-2000000}
if ! psql -qAtc "SELECT 1 FROM pg_database WHERE datname = 'bench_tgt'" | grep -q 1; then
  BENCH_REPEAT=1 bench/run.sh "$ROWS" >/dev/null
fi
OUT=bench/out
mkdir -p "$OUT"
# The job bench/run.sh writes; the range scripts split the ids into 50,000-row ranges.
[ -f "$OUT/job.toml" ] || { echo "bench/compare.sh: $OUT/job.toml missing; run bench/run.sh once" >&2; exit 2; }
COLS="id, id_cliente, data_simulacao, criado_em, data_base, valor_credito, taxa_adm, prazo_meses, ativo, status, token"
for half in 0 1; do
  : > "$OUT/ranges_$half.sql"
  for ((i = half; i * 50000 < ROWS; i += 2)); do
    echo "COPY (SELECT $COLS FROM simulacoes WHERE id >= $((i * 50000 + 1)) AND id < $(((i + 1) * 50000 + 1)) ORDER BY id) TO STDOUT (FORMAT binary);" >> "$OUT/ranges_$half.sql"
  done
done

POSTMASTER=$(head -1 "$(psql -qAtc 'SHOW data_directory')/postmaster.pid")
server_cpu() { awk '{printf "%.2f", ($16 + $17) / 100}' "/proc/$POSTMASTER/stat"; }
labels=(copy ranges)
cmds=('psql -d bench_src -c "COPY simulacoes TO STDOUT (FORMAT binary)" >/dev/null & psql -d bench_tgt -c "COPY simulacoes TO STDOUT (FORMAT binary)" >/dev/null & wait'
      "for d in bench_src bench_tgt; do for h in 0 1; do psql -d \$d -f $OUT/ranges_\$h.sql >/dev/null & done; done; wait")
for n in "${!BINS[@]}"; do
  b=${BINS[$n]}
  labels+=("$b")
  # An audit DB per binary: builds of different audit schema versions cannot share one.
  rm -f "$OUT/compare-audit-$n.db" "$OUT/compare-audit-$n.db-wal" "$OUT/compare-audit-$n.db-shm"  # fresh each call
  cmds+=("$b check --config $OUT/job.toml --out $OUT/compare-report --audit $OUT/compare-audit-$n.db --quiet --no-progress >/dev/null")
done
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
for r in $(seq "$ROUNDS"); do
  for i in "${!labels[@]}"; do
    rm -rf "$OUT/compare-report"
    s0=$(server_cpu); t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$OUT/rusage.txt" bash -c "${cmds[$i]}" || true
    t1=$(date +%s.%N); sleep 0.2; s1=$(server_cpu)  # let the postmaster reap the backends
    echo "$r $i $(echo "$t1 - $t0" | bc -l) $(tail -n 1 "$OUT/rusage.txt" | awk '{print $1 + $2}') $(echo "$s1 - $s0" | bc -l)" >> "$RESULTS"
  done
  echo "bench: round $r of $ROUNDS done" >&2
done
python3 - "$RESULTS" "${labels[@]}" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
labels = sys.argv[2:]
by = {}
for r, i, wall, client, server in rows:
    by.setdefault(int(i), {})[r] = (float(wall), float(client), float(server))
base = by[0]
for i, label in enumerate(labels):
    d = by[i]
    ratios = [d[r][0] / base[r][0] for r in d]
    print(f"bench: {label:32s} wall {st.median(v[0] for v in d.values()):.3f} s  client CPU "
          f"{st.median(v[1] for v in d.values()):.3f} s  server CPU {st.median(v[2] for v in d.values()):.3f} s  "
          f"median ratio {st.median(ratios):.3f}")
PY
