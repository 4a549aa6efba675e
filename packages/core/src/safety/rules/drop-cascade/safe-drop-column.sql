-- Named columns (drop-column warns about each); a partition and an inheritance child lose the column with their parent.
ALTER TABLE profiles DROP COLUMN moods;
ALTER TABLE readings DROP COLUMN note;
ALTER TABLE events DROP COLUMN happened_at;
-- The view profile_ids goes with id; no table's column does.
ALTER TABLE profiles DROP COLUMN id CASCADE;
