-- 0004 for PostgreSQL: the twin of ../0004_jump_clients.sql (BIGINT id).
CREATE TABLE IF NOT EXISTS jump_clients (
    id   BIGINT PRIMARY KEY,
    json TEXT   NOT NULL
);
