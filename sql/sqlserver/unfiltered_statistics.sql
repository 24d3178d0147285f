-- Statistics objects of one table that describe every row (a filtered statistics object's
-- histogram covers only the rows its filter keeps). No joins: the catalog views are read one by
-- one and combined by the connector.
SELECT stats_id
FROM sys.stats
WHERE object_id = OBJECT_ID({object}) AND has_filter = 0
