-- What `switchboard-server report` reads (router/dashboard/mod.rs writes it through the
-- router's effects, in the same batch as the events): one row per session, merged as the
-- session goes. A NULL is "not yet": the first team, arrival and accept win, the end is the
-- last one, and `abandoned` (ended while waiting in a queue) once set stays set.
CREATE TABLE IF NOT EXISTS session_facts (
    session_id  INTEGER PRIMARY KEY,
    team        TEXT,
    queued_at   INTEGER,
    accepted_at INTEGER,
    accepted_by TEXT,
    ended_at    INTEGER,
    abandoned   INTEGER NOT NULL DEFAULT 0
);
-- The report picks sessions by the day they first entered a queue.
CREATE INDEX IF NOT EXISTS session_facts_by_queued_at ON session_facts (queued_at);
