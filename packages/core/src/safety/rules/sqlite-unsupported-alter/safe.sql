-- What every SQLite's ALTER TABLE does: add, rename and drop a column.
ALTER TABLE `posts` ADD `summary` text;--> statement-breakpoint
ALTER TABLE `posts` RENAME COLUMN `summary` TO `excerpt`;--> statement-breakpoint
ALTER TABLE `posts` DROP COLUMN `excerpt`;
