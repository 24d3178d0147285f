-- recon doctor: InnoDB's persistent statistics of one table (MySQL and MariaDB keep them in the
-- mysql schema; a login without SELECT there is refused, and the age stays unknown).
-- last_update is a TIMESTAMP, read in recon's UTC session, so the age is computed on the server.
SELECT TIMESTAMPDIFF(SECOND, last_update, UTC_TIMESTAMP()), n_rows
FROM mysql.innodb_table_stats
WHERE database_name = {schema} AND table_name = {table}
