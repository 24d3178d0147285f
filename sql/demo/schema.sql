-- The demo's consórcio model (one schema for both files). NUMERIC columns get SQLite's NUMERIC
-- affinity: '1234.50' is stored as the REAL 1234.5 (exact to 15 digits, which NUMERIC(15,2) fits).
CREATE TABLE clientes (
  id       INTEGER PRIMARY KEY,
  nome     TEXT NOT NULL,
  cpf      TEXT NOT NULL UNIQUE,
  email    TEXT,
  telefone TEXT
);
CREATE TABLE produtos (
  id        INTEGER PRIMARY KEY,
  nome      TEXT NOT NULL,
  descricao TEXT
);
CREATE TABLE grupos (
  id           INTEGER PRIMARY KEY,
  id_produto   INTEGER NOT NULL,
  situacao     TEXT NOT NULL,
  data_criacao DATE NOT NULL
);
CREATE TABLE simulacoes (
  id                 INTEGER PRIMARY KEY,
  id_cliente         INTEGER NOT NULL,
  data_simulacao     TIMESTAMP NOT NULL,
  parametros_entrada JSON,
  resultado          NUMERIC(15,2),
  valor_credito      NUMERIC(15,2),
  prazo_meses        INTEGER,
  taxa_adm           NUMERIC(5,2),
  status             TEXT NOT NULL
);
