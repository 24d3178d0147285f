INSERT INTO clientes (id, nome, cpf, email, telefone) VALUES (?1, ?2, ?3, ?4, ?5)
