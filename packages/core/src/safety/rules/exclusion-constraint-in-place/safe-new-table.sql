CREATE TABLE desks_booked (id serial PRIMARY KEY, during tstzrange NOT NULL);
ALTER TABLE desks_booked ADD CONSTRAINT desks_booked_no_overlap EXCLUDE USING gist (during WITH &&);
