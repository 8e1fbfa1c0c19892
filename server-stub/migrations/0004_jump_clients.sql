-- Jump Clients pinned on customers' machines (router/jumps.rs): one JSON row each, the
-- agent's token kept only as its SHA-256. Unpinned rows stay: their token must keep being
-- answered (`uninstall` once, then `unauthorized`).
CREATE TABLE IF NOT EXISTS jump_clients (
    id   INTEGER PRIMARY KEY,
    json TEXT    NOT NULL
);
