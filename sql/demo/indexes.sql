-- Secondary indexes of the consórcio model, created after the load: one sorted build is far
-- cheaper than 300k random insertions into the index b-tree.
CREATE INDEX produtos_nome ON produtos (nome);
CREATE INDEX grupos_id_produto ON grupos (id_produto);
CREATE INDEX simulacoes_id_cliente ON simulacoes (id_cliente);
