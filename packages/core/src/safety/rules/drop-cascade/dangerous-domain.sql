-- profiles.contact goes with its domain.
DROP DOMAIN email CASCADE;
