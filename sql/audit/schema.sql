-- recon audit trail, schema version 1. Applied in one transaction to a new database.
-- Times are ISO-8601 UTC text ("2026-11-23T10:15:00Z"); JSON columns hold JSON text.
CREATE TABLE schema_version (
  version INTEGER NOT NULL
);
INSERT INTO schema_version (version) VALUES (1);

CREATE TABLE runs (
  run_id            TEXT PRIMARY KEY,
  started_at        TEXT NOT NULL,
  finished_at       TEXT,
  host              TEXT,
  user              TEXT,
  job_file          TEXT,
  job_hash          TEXT,
  mode              TEXT NOT NULL,
  seed              TEXT,          -- decimal text: a 64-bit unsigned seed does not fit INTEGER
  sample_rate       REAL,
  status            TEXT NOT NULL, -- running | consistent | divergent | error
  consistency_index REAL,
  source_endpoint   TEXT,          -- password-free
  target_endpoint   TEXT,          -- password-free
  recon_version     TEXT,
  error             TEXT
);

CREATE TABLE table_results (
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  source            TEXT,
  target            TEXT,
  rows_source       INTEGER NOT NULL DEFAULT 0,
  rows_target       INTEGER NOT NULL DEFAULT 0,
  rows_compared     INTEGER NOT NULL DEFAULT 0,
  matched           INTEGER NOT NULL DEFAULT 0,
  missing_in_target INTEGER NOT NULL DEFAULT 0,
  missing_in_source INTEGER NOT NULL DEFAULT 0,
  changed           INTEGER NOT NULL DEFAULT 0,
  consistency_index REAL,
  partial           INTEGER NOT NULL DEFAULT 0,
  error             TEXT,
  PRIMARY KEY (run_id, table_name)
);

CREATE TABLE divergences (
  id                 INTEGER PRIMARY KEY,
  run_id             TEXT NOT NULL REFERENCES runs(run_id),
  table_name         TEXT NOT NULL,
  key_json           TEXT NOT NULL,  -- JSON array of the key values, e.g. [42,"SP"]
  category           TEXT NOT NULL,  -- missing_in_target | missing_in_source | changed
  columns_json       TEXT,           -- changed: JSON array of the differing target columns
  source_values_json TEXT,           -- {column: value}; changed: differing columns only; NULL if absent
  target_values_json TEXT,
  source_digest      TEXT,           -- XXH3-128 hex; NULL when the side is absent
  target_digest      TEXT
);
CREATE INDEX divergences_run_table ON divergences (run_id, table_name);
CREATE INDEX runs_started ON runs (started_at);
