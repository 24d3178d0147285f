-- Key columns of one index: ?1 index name, ?2 schema. cid -1 is the rowid, -2 an expression.
SELECT cid, name
FROM pragma_index_info(?1, ?2)
ORDER BY seqno
