INSERT INTO produtos (id, nome, descricao) VALUES (?1, ?2, ?3)
