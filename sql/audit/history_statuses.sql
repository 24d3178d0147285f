-- recon show: a run's recorded divergences per table and latest status, with how many were
-- rechecked by `recon recheck` and repaired by `recon apply`. ?1 = run_id.
SELECT d.table_name, coalesce(d.status, 'open'), count(*),
       sum(EXISTS (SELECT 1 FROM rechecks c WHERE c.divergence_id = d.id)),
       sum(EXISTS (SELECT 1 FROM apply_keys k WHERE k.divergence_id = d.id AND k.outcome = 'repaired'))
FROM divergences d
WHERE d.run_id = ?1
GROUP BY d.table_name, coalesce(d.status, 'open')
ORDER BY d.table_name, coalesce(d.status, 'open')
