-- recon audit prune: removes the runs in temp.prune_runs with every record of them — every version
-- in the append-only logs, tombstones too — and their chain entries, children first. Run by
-- AuditDb::prune with recon_audit_pruning() on (the guards refuse a DELETE otherwise); the chain
-- entries removed are left in temp.prune_seqs for the checkpoint's bridges.
CREATE TEMP TABLE IF NOT EXISTS prune_recs (tbl TEXT NOT NULL, rec INTEGER NOT NULL, PRIMARY KEY (tbl, rec)) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS prune_seqs (seq INTEGER PRIMARY KEY);
DELETE FROM temp.prune_recs;
DELETE FROM temp.prune_seqs;
INSERT INTO temp.prune_recs SELECT 'apply_keys', rec FROM apply_keys WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'applies_log', rec FROM applies_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'rechecks', id FROM rechecks WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'divergences_log', rec FROM divergences_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'ranges_log', rec FROM ranges_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'cluster_plans_log', rec FROM cluster_plans_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'table_results_log', rec FROM table_results_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
INSERT INTO temp.prune_recs SELECT 'runs_log', rec FROM runs_log WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
-- One pass over the chain (it has no index by record: that would cost every write).
INSERT INTO temp.prune_seqs SELECT seq FROM chain WHERE (tbl, rec) IN (SELECT tbl, rec FROM temp.prune_recs);
DELETE FROM chain WHERE seq IN (SELECT seq FROM temp.prune_seqs);
DELETE FROM apply_keys WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'apply_keys');
DELETE FROM applies_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'applies_log');
DELETE FROM rechecks WHERE id IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'rechecks');
DELETE FROM divergences_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'divergences_log');
DELETE FROM ranges_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'ranges_log');
DELETE FROM cluster_plans_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'cluster_plans_log');
DELETE FROM table_results_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'table_results_log');
DELETE FROM runs_log WHERE rec IN (SELECT rec FROM temp.prune_recs WHERE tbl = 'runs_log');
DELETE FROM temp.prune_recs;
