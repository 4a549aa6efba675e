-- ALTER INDEX ... ATTACH PARTITION parses as the ATTACH of ALTER TABLE, but attaches an index: nothing is scanned.
CREATE INDEX events_happened_on_idx ON ONLY events (happened_on);
CREATE INDEX events_2025_happened_on_idx ON events_2025 (happened_on);
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER INDEX events_happened_on_idx ATTACH PARTITION events_2025_happened_on_idx;
