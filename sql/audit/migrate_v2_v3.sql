-- recon audit trail: schema version 2 -> 3, run inside open()'s write transaction.
-- Adds what interrupted, abandoned and resumed runs need (see schema.sql for the meaning).
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN out_dir TEXT;
ALTER TABLE runs ADD COLUMN rules_hash TEXT;
ALTER TABLE runs ADD COLUMN resumed_at TEXT;
ALTER TABLE divergences ADD COLUMN range_index INTEGER;

CREATE TABLE ranges (
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  range_index       INTEGER NOT NULL,
  lower_canon       BLOB,
  upper_canon       BLOB,
  status            TEXT NOT NULL,
  rows_source       INTEGER NOT NULL DEFAULT 0,
  rows_target       INTEGER NOT NULL DEFAULT 0,
  rows_compared     INTEGER NOT NULL DEFAULT 0,
  matched           INTEGER NOT NULL DEFAULT 0,
  missing_in_target INTEGER NOT NULL DEFAULT 0,
  missing_in_source INTEGER NOT NULL DEFAULT 0,
  changed           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, table_name, range_index)
);

UPDATE schema_version SET version = 3;
