-- recon history: one key of one table in every run that compared the table, oldest first, with
-- what each run recorded for it (NULL columns: nothing recorded — the key matched, or its range
-- was not compared). ?1 = table name, ?2 = the key as a JSON array (compared as JSON, not text).
SELECT r.run_id, r.started_at, r.mode, r.status, t.partial,
       d.category, d.finding_category, d.severity, d.action, d.status, d.columns_json,
       (SELECT c.status || ' at ' || c.checked_at FROM rechecks c WHERE c.divergence_id = d.id
        ORDER BY c.id DESC LIMIT 1),
       (SELECT k.outcome || ' by apply ' || k.apply_id FROM apply_keys k WHERE k.divergence_id = d.id
        ORDER BY k.rowid DESC LIMIT 1)
FROM table_results t
JOIN runs r ON r.run_id = t.run_id
LEFT JOIN divergences d ON d.run_id = t.run_id AND d.table_name = t.table_name AND json(d.key_json) = json(?2)
WHERE t.table_name = ?1
ORDER BY r.started_at, r.rowid
