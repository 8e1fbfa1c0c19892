-- 0001: the initial schema. Records are JSON text of the router's types; the other
-- columns exist for lookups and ordering. Timestamps are Unix milliseconds.
-- Applied once, inside a transaction, by store::migrate (tracked with PRAGMA user_version).

-- Every session ever started; ended ones stay for customers resuming them.
CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    ended      INTEGER NOT NULL CHECK (ended IN (0, 1)),
    json       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Session chat messages. Their ids share one space with team_chat.
-- Foreign keys are deferred: a batch may write a session after its first message.
CREATE TABLE chat (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) DEFERRABLE INITIALLY DEFERRED,
    json       TEXT    NOT NULL
);
CREATE INDEX chat_session_id ON chat (session_id);

-- Open invitations to join a session; a row is deleted when the invitation ends.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) DEFERRABLE INITIALLY DEFERRED,
    json       TEXT    NOT NULL
);
CREATE INDEX invitations_session_id ON invitations (session_id);

-- Team chat messages (ids shared with chat).
CREATE TABLE team_chat (
    id   INTEGER PRIMARY KEY,
    team TEXT    NOT NULL,
    json TEXT    NOT NULL
);
CREATE INDEX team_chat_team_id ON team_chat (team, id);

-- Session keys reps generated, waiting for a customer to enter them.
CREATE TABLE session_keys (
    key        TEXT    PRIMARY KEY,
    json       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Emails for reps with extended availability; a mailer sends them and sets sent_at.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    rep        TEXT    NOT NULL,
    to_addr    TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER NULL
);

-- Rep login tokens, by SHA-256 hash (the token itself is never stored).
CREATE TABLE tokens (
    hash       TEXT    PRIMARY KEY,
    rep        TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX tokens_expires_at ON tokens (expires_at);

-- High-water marks of ids whose rows get deleted (name -> largest id ever stored).
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
);
