-- A new column is NULL in every row: PostgreSQL marks its inline foreign key valid without a scan.
ALTER TABLE posts ADD COLUMN editor_id integer REFERENCES users (id);
CREATE INDEX CONCURRENTLY posts_editor_idx ON posts (editor_id);
