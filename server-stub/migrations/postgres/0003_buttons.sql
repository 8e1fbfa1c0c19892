-- 0003 for PostgreSQL: the twin of ../0003_buttons.sql (BIGINT id).
CREATE TABLE IF NOT EXISTS buttons (
    id   BIGINT PRIMARY KEY,
    json TEXT   NOT NULL
);
