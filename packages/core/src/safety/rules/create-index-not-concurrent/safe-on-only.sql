-- The partitioned way: an empty index on the parent alone, each partition's built concurrently, then attached.
CREATE INDEX measurements_taken_at_idx ON ONLY measurements (taken_at);
CREATE INDEX CONCURRENTLY measurements_2025_taken_at_idx ON measurements_2025 (taken_at);
ALTER INDEX measurements_taken_at_idx ATTACH PARTITION measurements_2025_taken_at_idx;
CREATE INDEX CONCURRENTLY measurements_2026_taken_at_idx ON measurements_2026 (taken_at);
ALTER INDEX measurements_taken_at_idx ATTACH PARTITION measurements_2026_taken_at_idx;
