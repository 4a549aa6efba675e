CREATE TABLE rooms_booked (id serial PRIMARY KEY, during tstzrange NOT NULL, CONSTRAINT rooms_booked_no_overlap EXCLUDE USING gist (during WITH &&));
