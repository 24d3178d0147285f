-- Rows and data pages of one table from the partition statistics SQL Server keeps current, so no
-- row of the table is read. index_id 0 is the heap, 1 the clustered index (other indexes hold the
-- same rows again). NULL when the object has no partitions (a view). {object} is the
-- N'[schema].[table]' literal (tds_query.cpp). Needs VIEW DATABASE STATE (docs/privileges.md).
SELECT SUM(row_count), SUM(in_row_data_page_count)
FROM sys.dm_db_partition_stats
WHERE object_id = OBJECT_ID({object}) AND index_id IN (0, 1)
