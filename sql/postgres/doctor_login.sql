-- recon doctor: the login's all-powerful roles and the catalog access recon's planning and
-- describing use. One row; each can_* is false when the login is refused that access (a hardened
-- server may revoke the catalogs from PUBLIC). rds_superuser exists only on RDS and Aurora.
SELECT r.rolsuper AS is_superuser,
       EXISTS (SELECT 1 FROM pg_catalog.pg_roles g
               WHERE g.rolname = 'rds_superuser' AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER'))
         AS is_rds_superuser,
       pg_catalog.has_table_privilege('pg_catalog.pg_class', 'SELECT') AS can_pg_class,
       pg_catalog.has_table_privilege('pg_catalog.pg_namespace', 'SELECT') AS can_pg_namespace,
       pg_catalog.has_table_privilege('pg_catalog.pg_attribute', 'SELECT') AS can_pg_attribute,
       pg_catalog.has_table_privilege('pg_catalog.pg_type', 'SELECT') AS can_pg_type,
       pg_catalog.has_table_privilege('pg_catalog.pg_index', 'SELECT') AS can_pg_index,
       pg_catalog.has_table_privilege('pg_catalog.pg_collation', 'SELECT') AS can_pg_collation,
       pg_catalog.has_table_privilege('pg_catalog.pg_stats', 'SELECT') AS can_pg_stats,
       pg_catalog.has_table_privilege('pg_catalog.pg_stat_user_tables', 'SELECT') AS can_pg_stat_user_tables,
       pg_catalog.has_function_privilege('pg_catalog.pg_relation_size(regclass)', 'EXECUTE')
         AS can_relation_size
FROM pg_catalog.pg_roles r
WHERE r.rolname = current_user
