ALTER TABLE posts ADD COLUMN rating integer;
ALTER TABLE posts ADD CONSTRAINT posts_rating_range CHECK (rating BETWEEN 1 AND 5) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_rating_range;
