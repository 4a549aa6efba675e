-- The same change on a column no index covers: nothing is rebuilt.
ALTER TABLE posts ALTER COLUMN body TYPE text COLLATE "C";
