-- A partitioned table, for DETACH PARTITION CONCURRENTLY.
CREATE TABLE events (id integer NOT NULL, happened_on date NOT NULL) PARTITION BY RANGE (happened_on);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
