-- The server's UTC clock alone, so the round trip that measures it carries nothing else
-- (docs/doctor.md, "clock"). Style 126 is ISO 8601 with 'T' and all 7 fractional digits.
SELECT CONVERT(nvarchar(33), SYSUTCDATETIME(), 126)
