#!/usr/bin/env bash
# Nightly modes on PostgreSQL: the sampled check and the incremental check against the full check of
# the same tables, in the same script and cluster (pg_virtualenv), with the ratios computed here.
#   bench/nightly.sh [ROWS]    (or BENCH_ROWS; default 10,000,000)
# One database holds both sides as schemas src and tgt (so the truth is one SQL query): the 11
# columns of bench/run.sh's `simulacoes` plus `updated_at timestamptz` with a btree index on it; job
# with updated_at, lag = "1s", threads 2, chunk_rows 50000, slo 0.99, no rechecks.
#   - a first --mode incremental run compares every row and sets the watermark; then the source
#     updates 0.1 % of its rows (id % 1000 = 1: valor_credito, updated_at = now()), the target gets
#     half of them as CDC would (id % 2000 = 1) and loses 0.01 % without a time change
#     (id % 10000 = 7); the truth is counted by SQL (a full join of the two tables);
#   - BENCH_REPEAT rounds (default 9), each: a raw binary COPY of both tables at once (as
#     bench/run.sh), the full check (in the first BENCH_FULL_REPEAT rounds, default all), a sampled
#     check (--sample-rate BENCH_SAMPLE_RATE, default 0.01, --seed = round), incremental (a) with the
#     defaults (key-set pass, scrub_cycle 7) and (b) --no-keyset --scrub-cycle 0, each incremental
#     run from a copy of the first run's audit DB (so every one looks back to the same watermark).
#     Ratios are to the full check of the same round; the sampled run also prints the rows the
#     server read for it (key sample for planning included), from pg_stat_user_tables/_indexes.
# Checks: every full check and (a) find exactly the truth; (b) exactly the changed rows (a delete
# with no time change is what only the key-set pass or the scrub finds) and, started from (a)'s audit
# DB, everything (a) left open; budgets on the medians: the sample reads ≤ 1.5 % of each side and
# takes ≤ 5 % of the full check, (a) ≤ 30 %, (b) ≤ 3 %.
# Exit 0 all met; 1 a count differs from the truth; 2 a budget missed; 3 recon failed.
# RECON_BIN picks the binary (default build/recon); BENCH_SHARED_BUFFERS the cluster's shared_buffers
# (default 1GB: the 10 M tables do not fit). Autovacuum is off (the script vacuums after the
# changes), so that it neither competes for the cores nor moves the read counters.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-${BENCH_ROWS:-10000000}}
RECON_BIN=$(realpath "${RECON_BIN:-build/recon}")
if [ -z "${PGHOST:-}" ]; then
  [ -x "$RECON_BIN" ] || scripts/build.sh
  export RECON_BIN
  exec pg_virtualenv -t -v 15 -o shared_buffers="${BENCH_SHARED_BUFFERS:-1GB}" -o max_wal_size=4GB \
    -o synchronous_commit=off -o autovacuum=off "$0" "$@"
fi
THREADS=${BENCH_THREADS:-2}
CHUNK=${BENCH_CHUNK:-50000}
REPEAT=${BENCH_REPEAT:-9}
FULL_REPEAT=${BENCH_FULL_REPEAT:-$REPEAT}
RATE=${BENCH_SAMPLE_RATE:-0.01}
DB=bench_nightly
OUT=$(realpath -m bench/out/nightly)
rm -rf "$OUT"; mkdir -p "$OUT"
JOB=$OUT/job.toml
sql() { psql -qAtX -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

psql -qAtX -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
sql -c "CREATE SCHEMA src" -c "CREATE SCHEMA tgt" >/dev/null
load_sql() {  # $1 = schema; deterministic in i, so both sides get the same rows
  cat <<SQL
CREATE TABLE $1.simulacoes (
  id bigint NOT NULL, id_cliente integer NOT NULL, data_simulacao timestamp NOT NULL,
  criado_em timestamptz NOT NULL, data_base date NOT NULL, valor_credito numeric(15,2) NOT NULL,
  taxa_adm numeric(5,2) NOT NULL, prazo_meses smallint NOT NULL, ativo boolean NOT NULL,
  status text NOT NULL, token uuid NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00:00+00');
INSERT INTO $1.simulacoes (id, id_cliente, data_simulacao, criado_em, data_base, valor_credito, taxa_adm,
                           prazo_meses, ativo, status, token)
SELECT i, (i * 7919) % 200000, timestamp '2020-01-01' + i * interval '17 second',
       timestamptz '2020-01-01 00:00:00+00' + i * interval '13 second', date '2020-01-01' + (i % 1500)::int,
       ((i * 104729) % 50000000) / 100.0, ((i % 2000) / 100.0), (12 + i % 200)::smallint, i % 3 <> 0,
       (ARRAY['ATIVA','CONTEMPLADA','CANCELADA','ENCERRADA'])[1 + i % 4],
       md5(i::text)::uuid
FROM generate_series(1::bigint, ${ROWS}::bigint) AS i;
ALTER TABLE $1.simulacoes ADD PRIMARY KEY (id);
CREATE INDEX ON $1.simulacoes (updated_at);
VACUUM ANALYZE $1.simulacoes;
SQL
}
echo "bench: loading ${ROWS} rows into src.simulacoes and tgt.simulacoes…"
t_load=$(date +%s)
load_sql src | sql >/dev/null &
load_sql tgt | sql >/dev/null &
wait
sql -c "CHECKPOINT" >/dev/null
echo "bench: loaded in $(( $(date +%s) - t_load )) s; each table $(sql -c "SELECT pg_size_pretty(pg_total_relation_size('src.simulacoes'))") with its indexes"

cat > "$JOB" <<TOML
[source]
kind = "postgres"
url = "dbname=$DB"
[target]
kind = "postgres"
url = "dbname=$DB"
[check]
threads = ${THREADS}
chunk_rows = ${CHUNK}
slo = 0.99
[check.recheck]
attempts = 0
[[tables]]
source = "src.simulacoes"
target = "tgt.simulacoes"
key = ["id"]
updated_at = "updated_at"
lag = "1s"
TOML

now() { date +%s.%N; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
div() { echo "$1 / $2" | bc -l; }
status=0
# recon check with the job; sets SECS (wall time) and RSS_MB. $1 = output folder, $2 = audit DB.
recon() {
  local out=$1 audit=$2 rc=0 t0 t1; shift 2
  rm -rf "$out"
  t0=$(now)
  /usr/bin/time -f "%M" -o "$out.rss" "$RECON_BIN" check --config "$JOB" --quiet --no-progress \
    --out "$out" --audit "$audit" "$@" >"$out.stdout" 2>"$out.stderr" || rc=$?
  t1=$(now)
  SECS=$(echo "$t1 - $t0" | bc -l); RSS_MB=$(( $(tail -n 1 "$out.rss") / 1024 ))
  if [ "$rc" -ge 2 ]; then
    echo "bench: recon check $* exited $rc"; cat "$out.stderr"; exit 3
  fi
}
# summary.json fields: $1 = file, then Python expressions over t (tables[0]) and s (the summary).
js() {
  local f=$1; shift
  python3 - "$f" "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); t = s["tables"][0]
vals = (eval(e) for e in sys.argv[2:])
print(" ".join(json.dumps(v, separators=(",", ":")) if isinstance(v, (dict, list)) else str(v) for v in vals))
PY
}
# Rows the server read from each side's table (heap rows by sequential and sample scans, index
# entries by index and index-only scans, heap rows fetched through an index), for deltas around a
# run. A backend's counters reach pg_stat when it exits; recon has exited, its backends follow.
server_reads() {
  sleep 1
  sql -F ' ' -c "SELECT s.seq_tup_read, coalesce((SELECT sum(idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = s.relid), 0),
                        coalesce(s.idx_tup_fetch, 0)
                 FROM pg_stat_user_tables s WHERE s.relid IN ('src.simulacoes'::regclass, 'tgt.simulacoes'::regclass)
                 ORDER BY s.relid = 'tgt.simulacoes'::regclass" | tr '\n' ' '
}
# The deltas of two server_reads snapshots: sets SRV_SRC and SRV_TGT (seq + index entries), SRV_LINE.
server_delta() {
  local -a a=($1) b=($2)
  local d=() i
  for i in 0 1 2 3 4 5; do d[i]=$(( b[i] - a[i] )); done
  SRV_SRC=$(( d[0] + d[1] )); SRV_TGT=$(( d[3] + d[4] ))
  printf -v SRV_LINE 'server read: source %d rows (%.3f %% of %d: %d by seq/sample scans, %d index entries, %d heap fetches through an index), target %d rows (%.3f %%: %d, %d, %d)' \
    "$SRV_SRC" "$(echo "100 * $SRV_SRC / $ROWS_SRC" | bc -l)" "$ROWS_SRC" "${d[0]}" "${d[1]}" "${d[2]}" \
    "$SRV_TGT" "$(echo "100 * $SRV_TGT / $ROWS_TGT" | bc -l)" "${d[3]}" "${d[4]}" "${d[5]}"
}
ROWS_SRC=$ROWS; ROWS_TGT=$ROWS

# The first incremental run compares everything and sets the watermark; its audit DB is kept and
# restored before every later incremental run, so each looks back to the same watermark.
AUDIT=$OUT/inc-audit.db; BASE=$OUT/inc-audit-base.db
save_audit() { rm -f "$BASE" "$BASE"-wal "$BASE"-shm; for f in "" -wal -shm; do if [ -e "$AUDIT$f" ]; then cp "$AUDIT$f" "$BASE$f"; fi; done; }
restore_audit() { rm -f "$AUDIT" "$AUDIT"-wal "$AUDIT"-shm; for f in "" -wal -shm; do if [ -e "$BASE$f" ]; then cp "$BASE$f" "$AUDIT$f"; fi; done; }
rm -f "$AUDIT" "$AUDIT"-wal "$AUDIT"-shm
recon "$OUT/inc0" "$AUDIT" --mode incremental
printf 'bench: first incremental run (compares every row, sets the watermark) %.2f s  found %s  %s\n' "$SECS" \
  "$(js "$OUT/inc0/summary.json" 't["changed"]' 't["missing_in_target"]' 't["missing_in_source"]' | tr ' ' /)" \
  "$(js "$OUT/inc0/summary.json" 't["incremental"]')"
save_audit
sleep 1.5  # the updates below come after the watermark
sql >/dev/null <<SQL
UPDATE src.simulacoes SET valor_credito = valor_credito + 1, updated_at = now() WHERE id % 1000 = 1;
UPDATE tgt.simulacoes t SET valor_credito = s.valor_credito, updated_at = s.updated_at
  FROM src.simulacoes s WHERE s.id = t.id AND t.id % 2000 = 1;
DELETE FROM tgt.simulacoes WHERE id % 10000 = 7;
VACUUM ANALYZE src.simulacoes;
VACUUM ANALYZE tgt.simulacoes;
CHECKPOINT;
SQL
ROWS_TGT=$(sql -c "SELECT count(*) FROM tgt.simulacoes")
t0=$(now)
read -r T_CHANGED T_MIT T_MIS <<<"$(sql -F ' ' -c "SET work_mem = '256MB'" -c "
  SELECT count(*) FILTER (WHERE s.id IS NOT NULL AND t.id IS NOT NULL AND ROW(s.*) IS DISTINCT FROM ROW(t.*)),
         count(*) FILTER (WHERE t.id IS NULL), count(*) FILTER (WHERE s.id IS NULL)
  FROM src.simulacoes s FULL JOIN tgt.simulacoes t ON s.id = t.id")"
printf 'bench: truth by SQL (full join of src and tgt, %.1f s): changed %d  missing_in_target %d  missing_in_source %d\n' \
  "$(echo "$(now) - $t0" | bc -l)" "$T_CHANGED" "$T_MIT" "$T_MIS"
sleep 1  # every changed row is older than lag = 1s
expect() {  # $1 = label, $2 = output folder, $3..$5 = expected changed, missing_in_target, missing_in_source
  local c m s f
  read -r c m s f <<<"$(js "$2/summary.json" 't["changed"]' 't["missing_in_target"]' 't["missing_in_source"]' 't["in_flight"]')"
  if [ "$c" = "$3" ] && [ "$m" = "$4" ] && [ "$s" = "$5" ] && [ "$f" = 0 ]; then
    echo "bench: $1 found changed $c  missing_in_target $m  missing_in_source $s  (expected $3 / $4 / $5): exact"
  else
    echo "bench: $1 found changed $c  missing_in_target $m  missing_in_source $s  in_flight $f  (expected $3 / $4 / $5): WRONG"
    status=1
  fi
}

# Rounds on the same data: raw COPY, full check, sampled check, incremental (a), incremental (b).
# Each cheap run's ratio is to the full check of its own round (the host's speed drifts).
copies=""; fulls=""; samples=""; incs_a=""; incs_b=""; sratios=""; ratios_a=""; ratios_b=""; shares=""; srv_shares=""
for r in $(seq "$REPEAT"); do
  t0=$(now)
  psql -X -d "$DB" -c "COPY src.simulacoes TO STDOUT (FORMAT binary)" >/dev/null &
  psql -X -d "$DB" -c "COPY tgt.simulacoes TO STDOUT (FORMAT binary)" >/dev/null &
  wait
  copy=$(echo "$(now) - $t0" | bc -l); copies="$copies $copy"
  FULL=""
  if [ "$r" -le "$FULL_REPEAT" ]; then
    recon "$OUT/full" "$OUT/full-audit.db"
    full=$SECS; fulls="$fulls $full"
    printf 'bench: round %d  raw COPY both sides %.2f s  full check %.2f s  ratio %.3f  peak RSS %d MB\n' \
      "$r" "$copy" "$full" "$(div "$full" "$copy")" "$RSS_MB"
    expect "round $r full check" "$OUT/full" "$T_CHANGED" "$T_MIT" "$T_MIS"
  else
    full=$(echo "$fulls" | median)
    printf 'bench: round %d  raw COPY both sides %.2f s  (no full check: ratios below are to the median full check, %.2f s)\n' "$r" "$copy" "$full"
  fi

  before=$(server_reads)
  recon "$OUT/sample" "$OUT/full-audit.db" --mode sample --sample-rate "$RATE" --seed "$r"
  after=$(server_reads)
  read -r rs rt cr ct mcr method lower <<<"$(js "$OUT/sample/summary.json" 't["rows_source"]' 't["rows_target"]' \
    't["sample"]["clusters_read"]' 't["sample"]["clusters_total"]' "round(t['sample']['mean_cluster_rows'],1)" \
    't["sample"]["method"]' "round(t['sample']['lower'],6)")"
  ratio=$(div "$SECS" "$full"); samples="$samples $SECS"; sratios="$sratios $ratio"
  shares="$shares $(echo "100 * $rs / $ROWS_SRC" | bc -l) $(echo "100 * $rt / $ROWS_TGT" | bc -l)"
  printf 'bench: round %d  sample (seed %d) %.2f s  ÷ full %.4f  clusters %d of %d (mean %s rows)  recon read source %d rows (%.3f %%) target %d (%.3f %%)  %s, lower bound %s  peak RSS %d MB\n' \
    "$r" "$r" "$SECS" "$ratio" "$cr" "$ct" "$mcr" "$rs" "$(echo "100 * $rs / $ROWS_SRC" | bc -l)" "$rt" \
    "$(echo "100 * $rt / $ROWS_TGT" | bc -l)" "$method" "$lower" "$RSS_MB"
  server_delta "$before" "$after"; echo "bench: round $r  sample  $SRV_LINE"
  srv_shares="$srv_shares $(echo "100 * $SRV_SRC / $ROWS_SRC" | bc -l) $(echo "100 * $SRV_TGT / $ROWS_TGT" | bc -l)"

  for v in a b; do
    restore_audit
    before=$(server_reads)
    if [ $v = a ]; then recon "$OUT/inc-a" "$AUDIT" --mode incremental; label="(a) key-set pass + scrub 1/7"
    else recon "$OUT/inc-b" "$AUDIT" --mode incremental --no-keyset --scrub-cycle 0; label="(b) --no-keyset --scrub-cycle 0"; fi
    after=$(server_reads)
    ratio=$(div "$SECS" "$full")
    if [ $v = a ]; then incs_a="$incs_a $SECS"; ratios_a="$ratios_a $ratio"
    else incs_b="$incs_b $SECS"; ratios_b="$ratios_b $ratio"; fi
    printf 'bench: round %d  incremental %s %.2f s  ÷ full %.4f  peak RSS %d MB  %s\n' "$r" "$label" "$SECS" "$ratio" "$RSS_MB" \
      "$(js "$OUT/inc-$v/summary.json" 't["incremental"]')"
    server_delta "$before" "$after"; echo "bench: round $r  incremental ($v)  $SRV_LINE"
    if [ $v = a ]; then expect "round $r incremental (a)" "$OUT/inc-a" "$T_CHANGED" "$T_MIT" "$T_MIS"
    else expect "round $r incremental (b), which cannot see a delete without a time change," "$OUT/inc-b" "$T_CHANGED" 0 0; fi
  done
done
FULL=$(echo "$fulls" | median); COPY=$(echo "$copies" | median)
SAMPLE=$(echo "$samples" | median); SRATIO=$(echo "$sratios" | median)
INC_A=$(echo "$incs_a" | median); INC_B=$(echo "$incs_b" | median)
RATIO_A=$(echo "$ratios_a" | median); RATIO_B=$(echo "$ratios_b" | median)
SHARE=$(echo "$shares" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
SRV_SHARE=$(echo "$srv_shares" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
printf 'bench: medians  raw COPY %.2f s  full check %.2f s (÷ COPY %.3f)  sample %.2f s  incremental (a) %.2f s  (b) %.2f s\n' \
  "$COPY" "$FULL" "$(div "$FULL" "$COPY")" "$SAMPLE" "$INC_A" "$INC_B"
printf 'bench: median per-round ratios to the full check  sample %.4f  incremental (a) %.4f  (b) %.4f\n' "$SRATIO" "$RATIO_A" "$RATIO_B"
printf 'bench: sample, largest share of one side read: by recon %.3f %%, by the server (planning included) %.3f %%\n' "$SHARE" "$SRV_SHARE"

# (b) started from (a)'s audit DB compares what (a) left open, the delete included.
restore_audit
recon "$OUT/inc-a" "$AUDIT" --mode incremental
recon "$OUT/inc-ab" "$AUDIT" --mode incremental --no-keyset --scrub-cycle 0
expect "incremental (b) after (a), carrying (a)'s open divergences," "$OUT/inc-ab" "$T_CHANGED" "$T_MIT" "$T_MIS"

budget() {  # $1 = label, $2 = measured, $3 = budget
  if (( $(echo "$2 <= $3" | bc -l) )); then echo "bench: budget met: $1 $2 ≤ $3"
  else echo "bench: budget MISSED: $1 $2 > $3"; [ "$status" = 0 ] && status=2; fi
  true
}
printf -v share_fmt '%.3f' "$SHARE"
budget "sample: rows read by recon from one side, % of the table," "$share_fmt" 1.5
budget "sample: wall time ÷ full check (median)" "$SRATIO" 0.05
budget "incremental (a): wall time ÷ full check (median)" "$RATIO_A" 0.30
budget "incremental (b): wall time ÷ full check (median)" "$RATIO_B" 0.03
printf 'bench: rows=%d threads=%d chunk_rows=%d sample_rate=%s  full %.2f s  raw COPY %.2f s  sample %.2f s (%.4f)  incremental (a) %.2f s (%.4f)  (b) %.2f s (%.4f)\n' \
  "$ROWS" "$THREADS" "$CHUNK" "$RATE" "$FULL" "$COPY" "$SAMPLE" "$SRATIO" "$INC_A" "$RATIO_A" "$INC_B" "$RATIO_B"
exit "$status"
