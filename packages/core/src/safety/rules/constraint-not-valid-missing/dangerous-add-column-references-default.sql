ALTER TABLE posts ADD COLUMN audit_id bigint NOT NULL DEFAULT 1 REFERENCES audit (id);
CREATE INDEX CONCURRENTLY posts_audit_idx ON posts (audit_id);
