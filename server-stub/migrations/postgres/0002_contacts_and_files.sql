-- 0002 for PostgreSQL: the twin of ../0002_contacts_and_files.sql.
-- What differs and why: the contact is read with PostgreSQL's JSON operators; there is no
-- `files` table, because with PostgreSQL the files' bytes live in the local SQLite side
-- file (store/files.rs) from the start, and nothing older ever put them here.

ALTER TABLE sessions ADD COLUMN contact TEXT NULL;
UPDATE sessions SET contact = lower(json::json #>> '{customer,contact}');
CREATE INDEX sessions_contact ON sessions (contact, id) WHERE contact IS NOT NULL;
