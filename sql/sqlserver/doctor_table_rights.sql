-- The login's effective rights on one table ({object}: N'[schema].[table]'), through roles and
-- grants alike. recon check needs SELECT only; the others are what table.write warns about.
SELECT HAS_PERMS_BY_NAME({object}, N'OBJECT', N'SELECT'),
       HAS_PERMS_BY_NAME({object}, N'OBJECT', N'INSERT'),
       HAS_PERMS_BY_NAME({object}, N'OBJECT', N'UPDATE'),
       HAS_PERMS_BY_NAME({object}, N'OBJECT', N'DELETE'),
       HAS_PERMS_BY_NAME({object}, N'OBJECT', N'ALTER')
