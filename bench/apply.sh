#!/usr/bin/env bash
# `recon apply` benchmark on PostgreSQL: the time of `recon apply --run RUN` (guarded statements,
# row locks, pre-images, undo script, re-verification of every applied key from both sides, audit
# records) divided by the time of `psql -X -q -1 -f` on the plain, unguarded statements that make
# the same changes, in the same script and cluster, interleaved, on the same restored target.
#   bench/apply.sh [ROWS]      (default 200,000 rows; at least 200,000: the plants live in ids 1–200,000)
# Plants 10,000 changed rows (1–3 differing columns each), 1,000 rows missing in the target
# (INSERTs) and 1,000 extra target rows (DELETEs). `recon check` runs once, untimed; its audit DB is
# copied fresh before every apply (a second apply of a run skips the keys it already repaired).
# BENCH_REPEAT runs of each (default 8), BENCH_BATCH is recon's --batch (default 1000, recon's own),
# BENCH_BUDGET the largest acceptable median ratio (default 2.0: exit 1 above it).
# RECON_BIN picks the binary (default build/recon). Starts its own throwaway cluster with
# pg_virtualenv (PGPORT=5447 bench/apply.sh when port 5432 is taken); with PGHOST set it uses that
# cluster (database bench_apply, recreated). synchronous_commit stays on: both sides commit once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-200000}
RECON_BIN=${RECON_BIN:-build/recon}
if [ -z "${PGHOST:-}" ]; then
  [ -x "$RECON_BIN" ] || scripts/build.sh
  exec pg_virtualenv -t -v 15 -o shared_buffers="${BENCH_SHARED_BUFFERS:-1GB}" -o max_wal_size=4GB "$0" "$@"
fi
(( ROWS >= 200000 )) || { echo "bench/apply.sh: ROWS must be at least 200000" >&2; exit 2; }
REPEAT=${BENCH_REPEAT:-8}
BATCH=${BENCH_BATCH:-1000}
BUDGET=${BENCH_BUDGET:-2.0}
OUT=$PWD/bench/out/apply
rm -rf "$OUT"
mkdir -p "$OUT"
RECON=$(realpath "$RECON_BIN")
DB=bench_apply
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")

psql -X -qAtc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
# Source and target in two schemas of one database, so the correctness check is a plain EXCEPT;
# recon reads and writes them through separate sessions as it would two servers. A pristine copy
# of the diverged target restores it before every timed run.
echo "bench: loading ${ROWS} rows…"
"${PSQL[@]}" >/dev/null <<SQL
CREATE SCHEMA src; CREATE SCHEMA tgt; CREATE SCHEMA pristine;
CREATE TABLE src.contratos (
  id bigint PRIMARY KEY, id_cliente integer NOT NULL, nome_cliente text NOT NULL,
  valor numeric(15,2) NOT NULL, taxa numeric(5,2) NOT NULL, criado_em timestamp NOT NULL,
  parcelas integer NOT NULL, ativo boolean NOT NULL, status text NOT NULL, observacao text);
INSERT INTO src.contratos
SELECT i, (i * 7919) % 200000, 'Cliente ' || ((i * 7919) % 200000),
       ((i * 104729) % 50000000) / 100.0, (i % 2000) / 100.0, timestamp '2020-01-01' + i * interval '17 second',
       12 + (i % 200)::int, i % 3 <> 0, (ARRAY['ATIVO','QUITADO','CANCELADO','EM ATRASO'])[1 + i % 4],
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'obs ' || md5(i::text) END
FROM generate_series(1::bigint, ${ROWS}::bigint) AS i;
CREATE TABLE tgt.contratos (LIKE src.contratos INCLUDING ALL);
INSERT INTO tgt.contratos SELECT * FROM src.contratos;
-- 10,000 changed rows (ids ≡ 1 mod 20), in one, two or three columns.
UPDATE tgt.contratos SET valor = valor + 0.01 WHERE id <= 200000 AND id % 60 = 1;
UPDATE tgt.contratos SET status = 'SUSPENSO', observacao = coalesce(observacao, '') || ' (revisar)'
  WHERE id <= 200000 AND id % 60 = 21;
UPDATE tgt.contratos SET parcelas = parcelas + 1, ativo = NOT ativo, criado_em = criado_em + interval '1 second'
  WHERE id <= 200000 AND id % 60 = 41;
-- 1,000 rows missing in the target (ids ≡ 7 mod 200): INSERTs.
DELETE FROM tgt.contratos WHERE id <= 200000 AND id % 200 = 7;
-- 1,000 extra rows in the target: DELETEs.
INSERT INTO tgt.contratos SELECT id + ${ROWS}, id_cliente, nome_cliente, valor, taxa, criado_em, parcelas, ativo,
  status, observacao FROM src.contratos WHERE id <= 1000;
CREATE TABLE pristine.contratos AS SELECT * FROM tgt.contratos;
VACUUM ANALYZE src.contratos; VACUUM ANALYZE tgt.contratos; VACUUM ANALYZE pristine.contratos;
SQL

restore() {
  "${PSQL[@]}" -c "TRUNCATE tgt.contratos; INSERT INTO tgt.contratos SELECT * FROM pristine.contratos" \
    -c "VACUUM ANALYZE tgt.contratos" -c "CHECKPOINT" >/dev/null
  sleep 0.2  # the postmaster reaps this backend before the timed one starts counting server CPU
}
# Target and source equal: target EXCEPT source and source EXCEPT target both empty.
check_equal() {
  local what=$1 n
  n=$("${PSQL[@]}" -Atc "SELECT (SELECT count(*) FROM (SELECT * FROM tgt.contratos EXCEPT SELECT * FROM src.contratos) a),
                                (SELECT count(*) FROM (SELECT * FROM src.contratos EXCEPT SELECT * FROM tgt.contratos) b)")
  if [ "$n" != "0|0" ]; then
    echo "bench: FAILED: after $what the target is not the source (target EXCEPT source | source EXCEPT target: $n rows)" >&2
    exit 1
  fi
  echo "bench: after $what: target EXCEPT source and source EXCEPT target are both empty"
}

# The baseline's statements: plain UPDATE/DELETE/INSERT by key, no guard, for exactly the rows and
# values recon's fix-up has (an UPDATE sets the differing columns only), deletes, updates, inserts,
# each in key order, as the fix-up file orders them.
C="id_cliente nome_cliente valor taxa criado_em parcelas ativo status observacao"
set_list=""
for c in $C; do set_list="$set_list, CASE WHEN s.$c IS DISTINCT FROM t.$c THEN format('$c = %L', s.$c) END"; done
ins_cols="id$(printf ', %s' $C)"
ins_vals="s.id$(printf ', quote_nullable(s.%s)' $C)"
"${PSQL[@]}" -At -o "$OUT/unguarded.sql" <<SQL
SELECT sql FROM (
  SELECT 1 AS part, t.id, format('DELETE FROM tgt.contratos WHERE id = %s;', t.id) AS sql
  FROM tgt.contratos t WHERE NOT EXISTS (SELECT 1 FROM src.contratos s WHERE s.id = t.id)
  UNION ALL
  SELECT 2, id, format('UPDATE tgt.contratos SET %s WHERE id = %s;', set_list, id)
  FROM (SELECT s.id, concat_ws(', '${set_list}) AS set_list
        FROM src.contratos s JOIN tgt.contratos t USING (id)) d WHERE set_list <> ''
  UNION ALL
  SELECT 3, s.id, format('INSERT INTO tgt.contratos (${ins_cols}) VALUES (%s);',
                         concat_ws(', ', ${ins_vals}))
  FROM src.contratos s WHERE NOT EXISTS (SELECT 1 FROM tgt.contratos t WHERE t.id = s.id)
) x ORDER BY part, id;
SQL
read -r n_del n_upd n_ins < <(awk '/^DELETE/{d++} /^UPDATE/{u++} /^INSERT/{i++} END{print d+0, u+0, i+0}' "$OUT/unguarded.sql")
[ "$n_del $n_upd $n_ins" = "1000 10000 1000" ] ||
  { echo "bench: FAILED: the unguarded script has $n_del DELETE, $n_upd UPDATE, $n_ins INSERT (1000/10000/1000 expected)" >&2; exit 1; }

cat > "$OUT/job.toml" <<TOML
[source]
kind = "postgres"
url = "dbname=$DB"
[target]
kind = "postgres"
url = "dbname=$DB"
[check]
threads = 2
chunk_rows = 50000
slo = 0.99
audit = "apply-audit.db"
[[tables]]
source = "src.contratos"
target = "tgt.contratos"
name = "contratos"
key = ["id"]
TOML

# The run to apply: one check, not timed (exit 1: divergent, as planted).
rc=0
"$RECON" check --config "$OUT/job.toml" --out "$OUT/run" --quiet --no-progress >/dev/null || rc=$?
[ "$rc" = 1 ] || { echo "bench: FAILED: recon check exited $rc (1 expected: divergent)" >&2; exit 1; }
RUN_ID=$(python3 - "$OUT/run/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["tables"][0]
found = (t["missing_in_target"], t["missing_in_source"], t["changed"])
if found != (1000, 1000, 10000):
    sys.exit(f"bench: FAILED: recon check found missing_in_target/missing_in_source/changed {found}, 1000/1000/10000 planted")
print(s["run_id"])
PY
)
echo "bench: run $RUN_ID found exactly 1000 missing_in_target, 1000 missing_in_source, 10000 changed"
# The audit DB as the check left it, copied before every apply (folded into one file first, if recon
# left a write-ahead log beside it).
[ ! -e "$OUT/apply-audit.db-wal" ] ||
  python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$OUT/apply-audit.db"
cp "$OUT/apply-audit.db" "$OUT/apply-audit.pristine.db"

now() { date +%s.%N; }
# CPU seconds of each side, as bench/compare.sh takes them: the client's from rusage, the server's
# from the backends the postmaster reaped (every session of the timed command has ended by then).
POSTMASTER=$(head -1 "$(psql -X -qAtc 'SHOW data_directory')/postmaster.pid")
server_cpu() { awk '{printf "%.2f", ($16 + $17) / 100}' "/proc/$POSTMASTER/stat"; }
# Runs "$@" timed; sets wall, client_cpu, server_cpu_used.
timed() {
  local t0 t1 s0 s1 rc=0
  s0=$(server_cpu); t0=$(now)
  /usr/bin/time -f "%U %S %M" -o "$OUT/rusage.txt" "$@" || rc=$?
  t1=$(now); sleep 0.2; s1=$(server_cpu)  # let the postmaster reap the backends
  wall=$(echo "$t1 - $t0" | bc -l)
  read -r u s rss_kb < <(tail -n 1 "$OUT/rusage.txt")  # time(1) prepends a line when the exit code is not 0
  client_cpu=$(echo "$u + $s" | bc -l); server_cpu_used=$(echo "$s1 - $s0" | bc -l)
  return "$rc"
}
run_psql() {
  restore
  timed psql -X -q -1 -v ON_ERROR_STOP=1 -d "$DB" -f "$OUT/unguarded.sql" -o /dev/null ||
    { echo "bench: FAILED: psql -1 -f $OUT/unguarded.sql" >&2; exit 1; }
  psql_s=$wall; psql_client=$client_cpu; psql_server=$server_cpu_used
}
run_recon() {
  restore
  rm -f "$OUT/apply-audit.db" "$OUT/apply-audit.db-wal" "$OUT/apply-audit.db-shm" "$OUT"/run/fixup/*.undo-*.sql
  cp "$OUT/apply-audit.pristine.db" "$OUT/apply-audit.db"
  local rc=0
  timed "$RECON" apply --run "$RUN_ID" --audit "$OUT/apply-audit.db" --batch "$BATCH" --no-progress \
    >"$OUT/apply.log" 2>&1 || rc=$?
  if [ "$rc" != 0 ] || ! grep -q "12000 statements: 12000 applied, 0 conflicts, 0 skipped; re-read: 12000 repaired, 0 still divergent" "$OUT/apply.log"; then
    echo "bench: FAILED: recon apply exited $rc:" >&2; cat "$OUT/apply.log" >&2; exit 1
  fi
  recon_s=$wall; recon_client=$client_cpu; recon_server=$server_cpu_used; recon_rss=$rss_kb
}

psql_all=""; recon_all=""; ratios=""; cpu_ratios=""; psql_cpus=""; recon_cpus=""
for r in $(seq "$REPEAT"); do
  # Alternate which goes first, so a drift of the host's speed within a round favours neither.
  if (( r % 2 )); then run_psql; else run_recon; fi
  (( r != 1 )) || check_equal "psql -1 -f (run 1)"
  if (( r % 2 )); then run_recon; else run_psql; fi
  (( r != 1 )) || check_equal "recon apply (run 1)"
  psql_cpu=$(echo "$psql_client + $psql_server" | bc -l); recon_cpu=$(echo "$recon_client + $recon_server" | bc -l)
  ratio=$(echo "$recon_s / $psql_s" | bc -l); cpu_ratio=$(echo "$recon_cpu / $psql_cpu" | bc -l)
  psql_all="$psql_all $psql_s"; recon_all="$recon_all $recon_s"; ratios="$ratios $ratio"; cpu_ratios="$cpu_ratios $cpu_ratio"
  psql_cpus="$psql_cpus $psql_cpu"; recon_cpus="$recon_cpus $recon_cpu"
  printf 'bench: run %d  psql -1 -f unguarded %.3f s (CPU client %.2f + server %.2f s)  recon apply %.3f s (CPU client %.2f + server %.2f s)  ratio %.3f  CPU ratio %.3f  recon peak RSS %d MB\n' \
    "$r" "$psql_s" "$psql_client" "$psql_server" "$recon_s" "$recon_client" "$recon_server" "$ratio" "$cpu_ratio" "$((recon_rss / 1024))"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
least() { tr ' ' '\n' | grep -v '^$' | sort -g | head -n 1; }
m_psql=$(echo "$psql_all" | median); m_recon=$(echo "$recon_all" | median); m_ratio=$(echo "$ratios" | median)
printf 'bench: apply rows=%d changed=10000 inserts=1000 deletes=1000 batch=%d runs=%d  median psql -1 -f %s s  median recon apply %s s  median per-run ratio %s (ratio of medians %.3f, best of N %.3f)  median CPU (client + server) %s s against %s s, ratio %s  budget %s\n' \
  "$ROWS" "$BATCH" "$REPEAT" "$m_psql" "$m_recon" "$m_ratio" "$(echo "$m_recon / $m_psql" | bc -l)" \
  "$(echo "$(echo "$recon_all" | least) / $(echo "$psql_all" | least)" | bc -l)" \
  "$(echo "$recon_cpus" | median)" "$(echo "$psql_cpus" | median)" "$(echo "$cpu_ratios" | median)" "$BUDGET"
if (( $(echo "$m_ratio > $BUDGET" | bc -l) )); then
  echo "bench: FAILED: recon apply took $m_ratio × the unguarded psql -1 -f ($m_recon s against $m_psql s, medians of $REPEAT runs); the budget is $BUDGET ×" >&2
  exit 1
fi
