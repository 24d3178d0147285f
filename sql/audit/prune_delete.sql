-- recon audit prune: removes the runs in temp.prune_runs and every record of them, children first.
DELETE FROM apply_keys WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM applies WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM rechecks WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM divergences WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM ranges WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM cluster_plans WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM table_results WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
DELETE FROM runs WHERE run_id IN (SELECT run_id FROM temp.prune_runs);
