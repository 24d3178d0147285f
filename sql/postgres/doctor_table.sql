-- recon doctor: $1 table oid. One row: the login's rights on the table (owning it, or being a
-- member of its owner, is ALTER), the planner's statistics and their age, the row estimate.
-- reltuples is -1 when the table was never analysed or vacuumed (PostgreSQL 14 and later).
-- has_column_stats looks at pg_stats, which keeps ANALYZE's results when the activity counters
-- of pg_stat_user_tables were reset; it lists only the columns the login may read. A view
-- (relkind 'v') has no statistics of its own: the planner uses those of the tables it reads.
SELECT c.relkind::text AS relkind,
       pg_catalog.has_table_privilege(c.oid, 'SELECT') AS can_select,
       pg_catalog.has_table_privilege(c.oid, 'INSERT') AS can_insert,
       pg_catalog.has_table_privilege(c.oid, 'UPDATE') AS can_update,
       pg_catalog.has_table_privilege(c.oid, 'DELETE') AS can_delete,
       pg_catalog.has_table_privilege(c.oid, 'TRUNCATE') AS can_truncate,
       pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owns,
       c.reltuples::float8 AS reltuples,
       c.relpages::int8 AS relpages,
       (pg_catalog.pg_relation_size(c.oid)
          / pg_catalog.current_setting('block_size')::int8)::int8 AS current_pages,
       (EXTRACT(EPOCH FROM pg_catalog.now()
          - GREATEST(s.last_analyze, s.last_autoanalyze)))::int8 AS stats_age_s,
       EXISTS (SELECT 1 FROM pg_catalog.pg_stats p
               WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS has_column_stats
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE c.oid = $1::oid
