ALTER TABLE posts ADD COLUMN rating integer CHECK (rating BETWEEN 1 AND 5);
