-- A fresh file written once: no rollback journal, no fsync (a crash just means rebuilding).
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
PRAGMA locking_mode = EXCLUSIVE;
