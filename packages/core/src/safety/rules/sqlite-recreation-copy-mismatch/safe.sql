-- The recreation that adds posts.created_at copying only the columns the old posts has: created_at takes its default.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_posts` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `author_id` integer NOT NULL, `title` text NOT NULL, `created_at` integer DEFAULT (unixepoch()) NOT NULL, FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade);
--> statement-breakpoint
INSERT INTO `__new_posts`("id", "author_id", "title") SELECT "id", "author_id", "title" FROM `posts`;--> statement-breakpoint
DROP TABLE `posts`;--> statement-breakpoint
ALTER TABLE `__new_posts` RENAME TO `posts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
