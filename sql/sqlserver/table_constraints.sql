-- Primary key and unique constraints of one table (no joins: the catalog views are read one by
-- one and combined by the connector).
SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE
FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS
WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {table}
  AND CONSTRAINT_TYPE IN (N'PRIMARY KEY', N'UNIQUE')
ORDER BY CONSTRAINT_NAME
