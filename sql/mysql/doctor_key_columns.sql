-- recon doctor: each column's collation (NULL for a type without one), to say how a text key
-- compares ('_ci': 'a' = 'A') and how recon bounds its ranges.
SELECT COLUMN_NAME, COLLATION_NAME
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {table}
ORDER BY ORDINAL_POSITION
