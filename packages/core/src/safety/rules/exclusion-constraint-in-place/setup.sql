CREATE TABLE bookings (id serial PRIMARY KEY, room integer NOT NULL, during tstzrange NOT NULL);
