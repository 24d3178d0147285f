-- recon doctor: $1 table oid, $2 the first key column's name. The valid indexes whose leading
-- column is that column, with the collation of that leading column (0 for a type without one):
-- an index under another collation than "C" (or "POSIX") cannot give ORDER BY k COLLATE "C".
SELECT pg_catalog.quote_ident(ci.relname) AS index_name,
       i.indcollation[0]::int8 AS collation_oid,
       COALESCE(co.collname, '') AS collation_name
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[0]
WHERE i.indrelid = $1::oid AND i.indisvalid AND a.attname = $2
ORDER BY ci.relname
