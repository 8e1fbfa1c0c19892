-- Support Buttons deployed on customers' machines (router/buttons.rs): one JSON row each,
-- the launcher's token kept only as its SHA-256.
CREATE TABLE IF NOT EXISTS buttons (
    id   INTEGER PRIMARY KEY,
    json TEXT    NOT NULL
);
