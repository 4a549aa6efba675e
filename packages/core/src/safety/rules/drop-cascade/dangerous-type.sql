-- addresses is a typed table (CREATE TABLE ... OF address): it goes with the type.
DROP TYPE address CASCADE;
