-- recon audit trail, version 6 -> 7: the hash chain (docs/audit.md, "The chain"). Also run on a new
-- file right after schema.sql, so a new file and a migrated one have one schema. This part lists
-- no table's columns; the rest of the step (each table rebuilt as an append-only log under a view
-- of its old name, the triggers that chain and guard every record) is generated from each table's
-- column list by src/audit/audit_chain.cpp. schema_version stays outside the chain.

-- One entry per record of a chained table, in the order written: the record's content hash, the
-- previous entry's link hash (64 zeros for the first) and the link hash over both.
CREATE TABLE chain (
  seq               INTEGER PRIMARY KEY,
  tbl               TEXT NOT NULL,     -- the chained table: runs_log, divergences_log, rechecks, …
  rec               INTEGER NOT NULL,  -- the record's rowid in it (its INTEGER PRIMARY KEY)
  content_sha256    TEXT NOT NULL,     -- recon_record_sha256(tbl, every column in table order)
  prev_sha256       TEXT NOT NULL,     -- sha256 of the previous entry
  sha256            TEXT NOT NULL      -- recon_chain_link(prev_sha256, content_sha256)
);
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
BEGIN SELECT RAISE(ABORT, 'recon audit: chain is append-only: records are added, never changed'); END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain WHEN NOT recon_audit_pruning()
BEGIN SELECT RAISE(ABORT, 'recon audit: chain is append-only: records are removed only by recon audit prune'); END;

-- Marks on the chain, themselves chained: 'start' (where the chain begins: a new file, or an older
-- one migrated in place) and 'checkpoint' (a prune: bridges_json names each gap the removal left,
-- [{"after_seq", "seq", "prev_sha256", "removed"}], so the remaining chain still verifies).
CREATE TABLE chain_marks (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL,     -- start | checkpoint
  at                TEXT NOT NULL,     -- ISO-8601 UTC
  note              TEXT NOT NULL,
  bridges_json      TEXT
);

UPDATE schema_version SET version = 7;
