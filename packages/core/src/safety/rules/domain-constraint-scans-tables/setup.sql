CREATE DOMAIN rating AS integer;
CREATE DOMAIN star_rating AS rating;
CREATE DOMAIN unused_code AS text;
CREATE TABLE reviews (id serial PRIMARY KEY, post_id integer NOT NULL REFERENCES posts (id), score rating NOT NULL, stars star_rating);
ALTER TABLE posts ADD COLUMN editor_score rating;
ALTER DOMAIN rating ADD CONSTRAINT rating_nonnegative CHECK (VALUE >= 0) NOT VALID;
