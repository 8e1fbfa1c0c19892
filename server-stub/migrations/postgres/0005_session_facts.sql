-- 0005 for PostgreSQL: the twin of ../0005_session_facts.sql (BIGINT times; `abandoned`
-- a 0/1 SMALLINT, as in SQLite, so the report's sums read the same on both engines).
CREATE TABLE IF NOT EXISTS session_facts (
    session_id  BIGINT   PRIMARY KEY,
    team        TEXT,
    queued_at   BIGINT,
    accepted_at BIGINT,
    accepted_by TEXT,
    ended_at    BIGINT,
    abandoned   SMALLINT NOT NULL DEFAULT 0 CHECK (abandoned IN (0, 1))
);
CREATE INDEX IF NOT EXISTS session_facts_by_queued_at ON session_facts (queued_at);
