-- 0002: customer contacts (for "Load older messages") and files shared in sessions.

-- The customer's contact (lower case), copied out of the JSON so ended chats can be
-- found by it.
ALTER TABLE sessions ADD COLUMN contact TEXT NULL;
UPDATE sessions SET contact = lower(json_extract(json, '$.customer.contact'));
CREATE INDEX sessions_contact ON sessions (contact, id) WHERE contact IS NOT NULL;

-- Files shared in a session's chat. The id is random (128 bits, hex); the bytes are kept
-- here, so a file is exactly as durable as the chat that names it.
CREATE TABLE files (
    id           TEXT    PRIMARY KEY,
    session_id   INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX files_session_id ON files (session_id);
