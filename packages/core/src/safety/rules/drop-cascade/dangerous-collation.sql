-- profiles.sort_name goes with its collation.
DROP COLLATION bytewise CASCADE;
