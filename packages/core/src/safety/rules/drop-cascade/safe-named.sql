-- Every table dropped is named (drop-table still warns about each).
DROP TABLE events_2025, events;
