-- The histogram of one statistics object (SQL Server 2016 SP1 CU2 and later): at most 200 steps,
-- each an upper bound and the rows the step holds below it and equal to it. range_high_key is a
-- sql_variant: it is cast to the key column's own type ({type}) so it decodes like the column.
-- Needs SELECT on the column (or ownership of the table).
SELECT CAST(range_high_key AS {type}), CAST(range_rows AS bigint), CAST(equal_rows AS bigint)
FROM sys.dm_db_stats_histogram(OBJECT_ID({object}), {stats_id})
ORDER BY step_number
