-- $1: the type oids of a query's result columns (int8[]), $2: their typmods (int4[]), in column
-- order. One row per column, in that order. Domains are followed down to their base type, as
-- columns.sql does for a table's columns.
WITH RECURSIVE cols AS (
  SELECT c.ord, c.typ::oid AS typ, c.typmod
  FROM unnest($1::int8[], $2::int4[]) WITH ORDINALITY AS c(typ, typmod, ord)
), base AS (
  SELECT ord, typ, typmod, 0 AS depth FROM cols
  UNION ALL
  SELECT b.ord, t.typbasetype, t.typtypmod, b.depth + 1
  FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typ
  WHERE t.typtype = 'd'
)
SELECT pg_catalog.format_type(c.typ, c.typmod) AS type_name,
       bt.typ::int8 AS base_oid,
       bt.typmod AS base_typmod,
       t.typcategory::text AS category
FROM cols c
CROSS JOIN LATERAL (
  SELECT b.typ, b.typmod FROM base b WHERE b.ord = c.ord ORDER BY b.depth DESC LIMIT 1
) bt
JOIN pg_catalog.pg_type t ON t.oid = bt.typ
ORDER BY c.ord
