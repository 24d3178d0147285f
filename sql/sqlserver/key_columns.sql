-- Columns of every constraint of one table, in key order (foreign keys are filtered out by
-- matching table_constraints.sql's names).
SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION
FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {table}
ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION
