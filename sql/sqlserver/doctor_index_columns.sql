-- The key columns of the table's indexes in key order (included columns have key_ordinal 0).
SELECT index_id, key_ordinal, column_id, is_descending_key
FROM sys.index_columns
WHERE object_id = OBJECT_ID({object}) AND key_ordinal > 0
ORDER BY index_id, key_ordinal
