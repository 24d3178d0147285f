-- Columns of one table: ?1 table name, ?2 schema ("main" or an attached name).
-- hidden: 0 ordinary, 1 virtual-table hidden column (skipped), 2/3 generated columns (readable).
SELECT name, type, "notnull", pk, hidden
FROM pragma_table_xinfo(?1, ?2)
ORDER BY cid
