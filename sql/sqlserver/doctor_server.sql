-- The server and the session, for recon doctor (docs/doctor.md): version, edition, the whole
-- @@VERSION text, the login, the database and whether the connection is encrypted. SERVERPROPERTY
-- and CONNECTIONPROPERTY return sql_variant: each is cast to nvarchar so DB-Library reads text.
-- CONNECTIONPROPERTY describes the caller's own connection and needs no permission.
SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)),
       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)),
       @@VERSION,
       SUSER_SNAME(),
       DB_NAME(),
       CAST(CONNECTIONPROPERTY('encrypt_option') AS nvarchar(10))
