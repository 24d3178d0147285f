-- $1: table oid. One row per live column in table order. Domains are followed down to their
-- base type (domains over domains included): the binary COPY format is the base type's.
WITH RECURSIVE cols AS (
  SELECT a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull
  FROM pg_catalog.pg_attribute a
  WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
), base AS (
  SELECT attnum, atttypid AS typ, atttypmod AS typmod, 0 AS depth FROM cols
  UNION ALL
  SELECT b.attnum, t.typbasetype, t.typtypmod, b.depth + 1
  FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typ
  WHERE t.typtype = 'd'
)
SELECT c.attname AS name,
       pg_catalog.format_type(c.atttypid, c.atttypmod) AS type_name,
       bt.typ::int8 AS base_oid,
       bt.typmod AS base_typmod,
       t.typcategory::text AS category,
       c.attnotnull AS not_null
FROM cols c
CROSS JOIN LATERAL (
  SELECT b.typ, b.typmod FROM base b WHERE b.attnum = c.attnum ORDER BY b.depth DESC LIMIT 1
) bt
JOIN pg_catalog.pg_type t ON t.oid = bt.typ
ORDER BY c.attnum
