-- recon runs / show: one run's tables, in the order it compared them. ?1 = run_id.
SELECT table_name, consistency_index, index_lower, index_upper, rows_compared, matched, missing_in_target,
       missing_in_source, changed, tolerated, in_flight, converged, suspended, escalated, partial, error,
       categories_json, fixup_file
FROM table_results
WHERE run_id = ?1
ORDER BY rowid
