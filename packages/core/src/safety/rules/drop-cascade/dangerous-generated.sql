-- profiles.slug is generated from handle: it goes with the column named.
ALTER TABLE profiles DROP COLUMN handle CASCADE;
