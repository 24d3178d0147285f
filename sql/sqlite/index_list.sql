-- Indexes of one table: ?1 table name, ?2 schema. origin: c = CREATE INDEX, u = UNIQUE constraint,
-- pk = PRIMARY KEY (already known from table_xinfo). Partial indexes are unique only in part.
SELECT name, "unique", origin, partial
FROM pragma_index_list(?1, ?2)
ORDER BY seq DESC
