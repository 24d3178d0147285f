-- The table's statistics objects and when each was last updated (NULL: created on an empty table
-- or never updated), with the server's own local clock, which STATS_DATE's value is in: the age
-- is computed from the two, whatever the server's time zone. Style 126 is ISO 8601.
SELECT name,
       CONVERT(nvarchar(33), STATS_DATE(object_id, stats_id), 126),
       CONVERT(nvarchar(33), SYSDATETIME(), 126)
FROM sys.stats
WHERE object_id = OBJECT_ID({object})
