-- events_2025 inherits from events: CASCADE drops it too.
DROP TABLE events CASCADE;
