ALTER TABLE users ADD CONSTRAINT users_name_not_null NOT NULL name NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;
