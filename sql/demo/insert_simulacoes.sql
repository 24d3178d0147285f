INSERT INTO simulacoes (id, id_cliente, data_simulacao, parametros_entrada, resultado, valor_credito,
                        prazo_meses, taxa_adm, status)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
