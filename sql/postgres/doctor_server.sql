-- recon doctor: the server and the session. One row. aurora_version() exists only on Aurora
-- PostgreSQL: has_aurora says whether to call it (calling it elsewhere would be an error).
SELECT pg_catalog.version() AS version,
       pg_catalog.current_setting('server_version') AS server_version,
       current_user::text AS login,
       pg_catalog.current_database()::text AS database,
       pg_catalog.to_regproc('aurora_version') IS NOT NULL AS has_aurora
