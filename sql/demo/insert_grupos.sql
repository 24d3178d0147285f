INSERT INTO grupos (id, id_produto, situacao, data_criacao) VALUES (?1, ?2, ?3, ?4)
