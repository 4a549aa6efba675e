ALTER TABLE posts ADD COLUMN title_length integer GENERATED ALWAYS AS (length(title)) VIRTUAL;
