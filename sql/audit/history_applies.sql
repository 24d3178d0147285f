-- recon show: the applies of a run's fix-up, oldest first. ?1 = run_id.
SELECT apply_id, table_name, started_at, status, statements, applied, conflicts, repaired, still_divergent
FROM applies
WHERE run_id = ?1
ORDER BY started_at, table_name
