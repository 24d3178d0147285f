-- Columns of one table in ordinal order. COLUMN_TYPE carries what DATA_TYPE leaves out:
-- "tinyint(1)", "unsigned", "bit(5)", "enum('a','b')".
SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION, NUMERIC_SCALE,
       DATETIME_PRECISION, COLLATION_NAME
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {table}
ORDER BY ORDINAL_POSITION
