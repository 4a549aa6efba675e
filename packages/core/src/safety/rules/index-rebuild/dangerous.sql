-- Same type, another collation: the table keeps its file, the index on title is built again.
ALTER TABLE posts ALTER COLUMN title TYPE varchar(100) COLLATE "C";
