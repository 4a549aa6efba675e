-- Nothing uses unused_mood.
DROP TYPE unused_mood CASCADE;
-- Only defaults use these: CASCADE drops profiles.points' and profiles.ticket's defaults, not the columns.
DROP FUNCTION starting_points() CASCADE;
DROP SEQUENCE ticket_numbers CASCADE;
