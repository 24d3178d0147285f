-- recon explain --run: every recheck of one divergence, oldest first. ?1 = divergence id.
SELECT recheck_id, checked_at, status, finding_category, explanation
FROM rechecks
WHERE divergence_id = ?1
ORDER BY id
