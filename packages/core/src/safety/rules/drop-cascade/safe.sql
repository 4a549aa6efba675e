-- An empty schema: CASCADE drops nothing else.
DROP SCHEMA scratch CASCADE;
