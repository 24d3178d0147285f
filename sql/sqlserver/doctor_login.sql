-- The login's all-powerful roles and the catalog right planning needs (docs/doctor.md,
-- login.role and login.catalog). Each is 1, 0, or NULL when the name is not a role/permission.
-- VIEW DATABASE STATE lets planning read sys.dm_db_partition_stats (partition_rows.sql); without
-- it every row is counted with COUNT_BIG(*) (docs/sqlserver.md, "Planning").
SELECT IS_SRVROLEMEMBER(N'sysadmin'),
       IS_ROLEMEMBER(N'db_owner'),
       HAS_PERMS_BY_NAME(NULL, N'DATABASE', N'VIEW DATABASE STATE')
