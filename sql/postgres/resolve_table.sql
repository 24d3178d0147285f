-- $1: the table name, identifiers quoted ("schema"."name", or "name" to go through search_path).
-- Always one row; oid is NULL when the table does not exist or is not visible.
SELECT c.oid::int8 AS oid, n.nspname AS schema_name, c.relname AS table_name,
       pg_catalog.current_setting('search_path') AS search_path
FROM (SELECT pg_catalog.to_regclass($1) AS reg) r
LEFT JOIN pg_catalog.pg_class c ON c.oid = r.reg
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
