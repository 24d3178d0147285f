-- recon runs / show: the newest runs first. ?1 = a table name to keep only the runs that compared
-- it ('' keeps every run), ?2 = how many runs, ?3 = one run_id ('' for any).
SELECT r.run_id, r.started_at, r.finished_at, r.mode, r.status, r.consistency_index, r.index_lower,
       r.index_upper, r.error
FROM runs r
WHERE (?1 = '' OR EXISTS (SELECT 1 FROM table_results t WHERE t.run_id = r.run_id AND t.table_name = ?1))
  AND (?3 = '' OR r.run_id = ?3)
ORDER BY r.started_at DESC, r.rowid DESC
LIMIT ?2
