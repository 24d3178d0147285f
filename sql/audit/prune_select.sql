-- recon audit prune: the runs to remove into temp.prune_runs. ?1 = cutoff (ISO-8601 UTC).
-- Kept whatever their age: a run still running, a run an incremental table's watermark points at
-- (its next run compares that run's open divergences again), and the newest finished run.
INSERT INTO temp.prune_runs (run_id)
SELECT run_id FROM runs
WHERE started_at < ?1
  AND status <> 'running'
  AND run_id NOT IN (SELECT run_id FROM watermarks)
  AND run_id <> coalesce((SELECT run_id FROM runs
                          WHERE status IN ('consistent', 'divergent', 'error', 'interrupted')
                          ORDER BY started_at DESC, rowid DESC LIMIT 1), '')
