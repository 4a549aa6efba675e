ALTER TABLE posts ADD COLUMN note text;
