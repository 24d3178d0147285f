-- $1: table oid. Columns of every usable unique index, primary key first. Partial indexes,
-- expression indexes and not-yet-valid indexes do not make a key unique; INCLUDE columns are
-- not part of the key.
SELECT i.indexrelid::int8 AS index_oid, i.indisprimary AS is_primary, k.ord::int4 AS ord,
       a.attname AS column_name
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid
  AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
ORDER BY i.indisprimary DESC, i.indexrelid, k.ord
