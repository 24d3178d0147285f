-- recon doctor: a table's storage engine and InnoDB's row estimate (NULL engine: a view).
SELECT ENGINE, TABLE_ROWS
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {table}
