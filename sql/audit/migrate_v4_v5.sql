-- recon audit trail: schema version 4 -> 5, run inside open()'s write transaction.
-- Adds what sampled and incremental runs record (see schema.sql for the meaning).
ALTER TABLE runs ADD COLUMN index_lower REAL;
ALTER TABLE runs ADD COLUMN index_upper REAL;
ALTER TABLE runs ADD COLUMN confidence REAL;
ALTER TABLE table_results ADD COLUMN mode TEXT;
ALTER TABLE table_results ADD COLUMN index_lower REAL;
ALTER TABLE table_results ADD COLUMN index_upper REAL;
ALTER TABLE table_results ADD COLUMN sample_json TEXT;
ALTER TABLE table_results ADD COLUMN incremental_json TEXT;
CREATE TABLE cluster_plans (
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  clusters_total    INTEGER NOT NULL,  -- clusters in the table's partition (the sample drew from these)
  method            TEXT NOT NULL,     -- integer_interpolation | key_sample
  mean_cluster_rows REAL,
  PRIMARY KEY (run_id, table_name)
);
CREATE TABLE watermarks (
  table_identity    TEXT PRIMARY KEY,  -- report name | source endpoint | source table | target endpoint | target table
  table_name        TEXT NOT NULL,
  watermark         TEXT NOT NULL,     -- ISO-8601 UTC: rows updated before this, less the lag, were compared
  watermark_epoch   REAL NOT NULL,
  run_id            TEXT NOT NULL,     -- the run that set it (its open divergences are compared again)
  scrub_cycle       INTEGER NOT NULL,
  scrub_next        INTEGER NOT NULL,  -- the slice the next run scrubs
  scrub_bounds_json TEXT NOT NULL,     -- JSON array of the cycle's slice bounds, canonical keys in hex
  updated_at        TEXT NOT NULL
);
UPDATE schema_version SET version = 5;
