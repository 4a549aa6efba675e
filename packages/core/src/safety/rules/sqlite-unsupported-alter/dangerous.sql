-- PostgreSQL's way of changing a column's type: no SQLite has it.
ALTER TABLE `posts` ALTER COLUMN `title` TYPE varchar(200);
