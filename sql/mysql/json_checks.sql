-- MariaDB only: a JSON column is a longtext with the check json_valid(`col`). MySQL has a real
-- json type (and no TABLE_NAME in this view), so this runs on MariaDB alone.
SELECT CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = {schema} AND TABLE_NAME = {table}
