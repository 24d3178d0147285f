-- report.html: one table's index in its newest runs up to and including one run, newest first (the
-- caller reverses them). Runs are ordered as "latest" orders them: started_at, then insertion order.
-- Other runs still running are left out (their table results are not final).
-- ?1 = table name, ?2 = the run the report is about, ?3 = how many runs.
WITH me AS (SELECT rowid AS rid, started_at FROM runs WHERE run_id = ?2)
SELECT r.run_id, r.started_at, r.mode, r.status, t.consistency_index, t.partial
FROM table_results t
JOIN runs r ON r.run_id = t.run_id
JOIN me
WHERE t.table_name = ?1
  AND (r.started_at < me.started_at OR (r.started_at = me.started_at AND r.rowid <= me.rid))
  AND (r.status <> 'running' OR r.run_id = ?2)
ORDER BY r.started_at DESC, r.rowid DESC
LIMIT ?3
