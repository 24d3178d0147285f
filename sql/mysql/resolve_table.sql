-- The table a [[tables]] name means: {schema} is the database named in the job, or NULL for the
-- url's own database. TABLE_ROWS is InnoDB's estimate (sampling, never a count).
SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATABASE()
FROM information_schema.TABLES
WHERE TABLE_SCHEMA = COALESCE({schema}, DATABASE()) AND TABLE_NAME = {table}
