-- recon audit trail: the tables, as of schema version 6. Applied in one transaction to a new database;
-- older files are brought here by migrate_v1_v2.sql, migrate_v2_v3.sql, migrate_v3_v4.sql,
-- migrate_v4_v5.sql then migrate_v5_v6.sql (keep them in step: same columns, same meaning). Every
-- file, new or old, then takes the step to version 7 (migrate_v6_v7.sql and the DDL
-- src/audit/audit_chain.cpp generates from these columns): the tables written in place below become
-- append-only logs under views of the same names, and every record is hash-chained.
-- Times are ISO-8601 UTC text ("2026-11-23T10:15:00Z"); JSON columns hold JSON text.
CREATE TABLE schema_version (
  version INTEGER NOT NULL
);
INSERT INTO schema_version (version) VALUES (6);

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
  status            TEXT NOT NULL, -- running | consistent | divergent | error | interrupted | abandoned | failed
  consistency_index REAL,          -- NULL when a table was not wholly compared
  source_endpoint   TEXT,          -- password-free
  target_endpoint   TEXT,          -- password-free
  recon_version     TEXT,
  error             TEXT,
  -- version 3
  heartbeat_at      TEXT,          -- updated while running; a stale one marks the run abandoned
  out_dir           TEXT,          -- the output folder (a resumed run writes there again)
  rules_hash        TEXT,          -- XXH3-64 of every rule file's bytes (resume refuses a change)
  resumed_at        TEXT,          -- the last --resume of this run
  -- version 5: a sampled run's index is an estimate; these are its interval (NULL otherwise)
  index_lower       REAL,
  index_upper       REAL,
  confidence        REAL,          -- e.g. 0.95
  -- version 6
  job_sha256        TEXT,          -- SHA-256 of the job file's bytes
  rule_files_json   TEXT           -- [{"file", "sha256"}]: every rule file of the job and its SHA-256
);

CREATE TABLE table_results (
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  source            TEXT,
  target            TEXT,
  rows_source       INTEGER NOT NULL DEFAULT 0,
  rows_target       INTEGER NOT NULL DEFAULT 0,
  rows_compared     INTEGER NOT NULL DEFAULT 0,
  matched           INTEGER NOT NULL DEFAULT 0,  -- includes tolerated and converged rows
  missing_in_target INTEGER NOT NULL DEFAULT 0,  -- open divergences only (after rules, rechecks)
  missing_in_source INTEGER NOT NULL DEFAULT 0,
  changed           INTEGER NOT NULL DEFAULT 0,
  consistency_index REAL,                        -- matched / (rows_compared - in_flight - suspended)
  partial           INTEGER NOT NULL DEFAULT 0,
  error             TEXT,
  -- version 2
  tolerated         INTEGER NOT NULL DEFAULT 0,
  in_flight         INTEGER NOT NULL DEFAULT 0,
  converged         INTEGER NOT NULL DEFAULT 0,
  suspended         INTEGER NOT NULL DEFAULT 0,
  escalated         INTEGER NOT NULL DEFAULT 0,
  categories_json   TEXT,  -- {"precision_drift":{"count":3,"severity":"P4","action":"tolerate"}}
  notes_json        TEXT,  -- JSON array of strings
  -- version 4
  fixup_file        TEXT,  -- the table's fix-up file, relative to runs.out_dir ("fixup/x.sql")
  fixup_sha256      TEXT,  -- SHA-256 hex of that file as written (recon apply refuses an edited one)
  -- version 5
  mode              TEXT,  -- full | sample | incremental (the run's)
  index_lower       REAL,  -- sample: the interval of consistency_index (NULL otherwise)
  index_upper       REAL,
  sample_json       TEXT,  -- sample: {"method","confidence","clusters_read","clusters_total",…}
  incremental_json  TEXT,  -- incremental: which parts ran and the rows each read
  PRIMARY KEY (run_id, table_name)
);

CREATE TABLE divergences (
  id                 INTEGER PRIMARY KEY,
  run_id             TEXT NOT NULL REFERENCES runs(run_id),
  table_name         TEXT NOT NULL,
  key_json           TEXT NOT NULL,  -- JSON array of the key values, e.g. [42,"SP"]
  category           TEXT NOT NULL,  -- missing_in_target | missing_in_source | changed (as found)
  columns_json       TEXT,           -- changed: JSON array of the differing target columns
  source_values_json TEXT,           -- {column: value}; changed: differing columns only; NULL if absent
  target_values_json TEXT,
  source_digest      TEXT,           -- XXH3-128 hex; NULL when the side is absent
  target_digest      TEXT,
  -- version 2 (NULL on rows recorded by a version 1 recon: such runs cannot be rechecked)
  columns_idx        TEXT,           -- changed: differing compared-column indexes, "0,3"
  key_canon          BLOB,           -- canonical key encoding
  source_canon       BLOB,           -- canonical encoding of every compared column; NULL if absent
  target_canon       BLOB,
  finding_category   TEXT,           -- the rule's category, or the raw one when no rule matched
  severity           INTEGER,        -- 1..4 = P1..P4
  action             TEXT,           -- tolerate | report | fix | escalate
  rule               TEXT,           -- deciding rule; '' no rules configured; 'unmatched'
  explanation        TEXT,
  fix_columns_idx    TEXT,           -- changed: compared-column indexes the fix-up sets, "0,3"
  status             TEXT,           -- open | tolerated | in_flight | converged | suspended (latest)
  recheck_attempts   INTEGER,
  converged_after_s  REAL,           -- converged: seconds from first observation to equality
  -- version 3
  range_index        INTEGER         -- the range of the table's plan that found it (ranges.range_index)
);
CREATE INDEX divergences_run_table ON divergences (run_id, table_name);
CREATE INDEX runs_started ON runs (started_at);

-- One row per recheck of a divergence (`recon recheck`); the divergence row holds the latest state.
CREATE TABLE rechecks (
  id               INTEGER PRIMARY KEY,
  divergence_id    INTEGER NOT NULL REFERENCES divergences(id),
  run_id           TEXT NOT NULL,  -- the run that found the divergence
  recheck_id       TEXT NOT NULL,  -- one `recon recheck` invocation
  checked_at       TEXT NOT NULL,
  status           TEXT NOT NULL,
  finding_category TEXT,
  severity         INTEGER,
  action           TEXT,
  explanation      TEXT,
  source_canon     BLOB,           -- values seen by this recheck; NULL if absent
  target_canon     BLOB
);
CREATE INDEX rechecks_divergence ON rechecks (divergence_id);

-- Version 3: a table's plan, one row per key range, so an interrupted run resumes where it stopped.
CREATE TABLE ranges (
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  range_index       INTEGER NOT NULL,  -- position in the table's (possibly sampled) plan
  lower_canon       BLOB,              -- canonical key encoding, inclusive; NULL: open
  upper_canon       BLOB,              -- exclusive; NULL: open
  status            TEXT NOT NULL,     -- planned | done (compared, its divergences recorded)
  rows_source       INTEGER NOT NULL DEFAULT 0,  -- raw counts, before rules and rechecks
  rows_target       INTEGER NOT NULL DEFAULT 0,
  rows_compared     INTEGER NOT NULL DEFAULT 0,
  matched           INTEGER NOT NULL DEFAULT 0,
  missing_in_target INTEGER NOT NULL DEFAULT 0,
  missing_in_source INTEGER NOT NULL DEFAULT 0,
  changed           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, table_name, range_index)
);

-- Version 4: `recon apply`, one row per table of one apply of a run's fix-up.
CREATE TABLE applies (
  apply_id          TEXT NOT NULL,     -- one `recon apply` invocation
  run_id            TEXT NOT NULL REFERENCES runs(run_id),
  table_name        TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  finished_at       TEXT,
  os_user           TEXT,
  host              TEXT,
  target_endpoint   TEXT,              -- password-free
  strict            INTEGER NOT NULL DEFAULT 0,
  status            TEXT NOT NULL,     -- committed | rolled_back | failed | interrupted | nothing_to_apply
  fixup_file        TEXT,              -- the run's fix-up file the statements are those of
  fixup_sha256      TEXT,              -- its SHA-256 hex, as verified before applying
  statements        INTEGER NOT NULL DEFAULT 0,  -- guarded statements run
  applied           INTEGER NOT NULL DEFAULT 0,  -- touched their row
  conflicts         INTEGER NOT NULL DEFAULT 0,  -- touched no row: the row changed since the check
  skipped           INTEGER NOT NULL DEFAULT 0,  -- not run: repaired by an earlier apply, or no longer open
  repaired          INTEGER NOT NULL DEFAULT 0,  -- applied and equal on both sides when re-read
  still_divergent   INTEGER NOT NULL DEFAULT 0,  -- applied and still different when re-read
  undo_file         TEXT,              -- the undo script, relative to runs.out_dir; NULL when nothing was applied
  undo_sha256       TEXT,
  error             TEXT,              -- password-free
  PRIMARY KEY (apply_id, table_name)
);
CREATE INDEX applies_run ON applies (run_id, table_name);

-- Version 4: what `recon apply` did to each key and what re-reading it found.
CREATE TABLE apply_keys (
  apply_id          TEXT NOT NULL,
  divergence_id     INTEGER NOT NULL REFERENCES divergences(id),
  run_id            TEXT NOT NULL,
  table_name        TEXT NOT NULL,
  key_json          TEXT NOT NULL,
  statement         TEXT NOT NULL,     -- delete | update | insert
  rows              INTEGER NOT NULL,  -- rows the statement touched (0: conflict)
  outcome           TEXT NOT NULL,     -- repaired | still_divergent | conflict | rolled_back
  now_equal         INTEGER,           -- both sides equal when re-read after the apply (NULL: not re-read)
  checked_at        TEXT
);
CREATE INDEX apply_keys_divergence ON apply_keys (divergence_id);

-- Version 5: how a sampled table's clusters were planned (a resumed run estimates with the same
-- partition), and the watermark and scrub position of each table checked incrementally.
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
-- One `recon audit prune`: what it removed, when and by whom (the removal is itself on record).
CREATE TABLE prunes (
  id                INTEGER PRIMARY KEY,
  pruned_at         TEXT NOT NULL,
  keep              TEXT NOT NULL,     -- the --keep given, e.g. "90d"
  cutoff            TEXT NOT NULL,     -- runs started before this were removed (but those kept)
  runs              INTEGER NOT NULL,  -- runs removed, with their tables, ranges, divergences, rechecks, applies
  divergences       INTEGER NOT NULL,
  rechecks          INTEGER NOT NULL,
  applies           INTEGER NOT NULL,
  run_ids_json      TEXT NOT NULL,     -- JSON array of the removed run ids
  os_user           TEXT NOT NULL,
  host              TEXT NOT NULL
);
