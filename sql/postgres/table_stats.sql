-- $1: table oid. Planner statistics: reltuples is -1 when the table was never analysed;
-- the current page count lets the caller scale a stale density like the planner does.
SELECT c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
       (pg_catalog.pg_relation_size(c.oid)
          / pg_catalog.current_setting('block_size')::int8)::int8 AS current_pages
FROM pg_catalog.pg_class c
WHERE c.oid = $1::oid
