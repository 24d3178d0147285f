-- recon doctor: $1 table oid, $2 the key columns' names (text[]), in key order. One row per key
-- column found: its collation (0 when the type has none), the collation's name and provider, and
-- whether it is deterministic (a nondeterministic ICU collation may call 'a' and 'A' equal).
-- The default collation is named after the database's own (datcollate).
SELECT k.name AS column_name,
       a.attcollation::int8 AS collation_oid,
       CASE WHEN a.attcollation = 0 THEN ''
            WHEN co.collname = 'default' THEN
              'default (' || (SELECT d.datcollate FROM pg_catalog.pg_database d
                              WHERE d.datname = pg_catalog.current_database()) || ')'
            ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
         AS collation_name,
       COALESCE(co.collprovider::text, '') AS provider,
       COALESCE(co.collisdeterministic, true) AS deterministic
FROM unnest($2::text[]) WITH ORDINALITY AS k(name, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = $1::oid AND a.attname = k.name AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
ORDER BY k.ord
