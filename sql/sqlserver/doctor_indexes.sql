-- The table's indexes (index_id 1 is the clustered one; 0, the heap, is left out), to find the one
-- whose leading key columns are recon's key columns in order (doctor_index_columns.sql).
SELECT index_id, name, type_desc, is_disabled, has_filter
FROM sys.indexes
WHERE object_id = OBJECT_ID({object}) AND index_id > 0 AND is_hypothetical = 0
ORDER BY index_id
