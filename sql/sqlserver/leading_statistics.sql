-- Statistics objects whose first column is {column} (an N'…' literal): their histogram is over
-- that column. Lowest stats_id first: an index's statistics (the primary key's is 1) come before
-- the ones SQL Server created by itself.
SELECT stats_id
FROM sys.stats_columns
WHERE object_id = OBJECT_ID({object}) AND stats_column_id = 1
  AND column_id = COLUMNPROPERTY(OBJECT_ID({object}), {column}, 'ColumnId')
ORDER BY stats_id
