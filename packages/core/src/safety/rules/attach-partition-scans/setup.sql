-- A range-partitioned table, a plain table to attach, and one whose validated CHECK implies its bound.
CREATE TABLE events (id bigint NOT NULL, happened_on date NOT NULL) PARTITION BY RANGE (happened_on);
CREATE TABLE events_2024 (id bigint NOT NULL, happened_on date NOT NULL);
CREATE TABLE events_2025 (
  id bigint NOT NULL,
  happened_on date NOT NULL,
  CONSTRAINT events_2025_bound CHECK (happened_on >= '2025-01-01' AND happened_on < '2026-01-01')
);
