-- drizzle-kit 0.31.11 when one change adds posts.created_at and recreates posts: the copy reads "created_at" from the old posts, which has none.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_posts` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `author_id` integer NOT NULL, `title` text NOT NULL, `created_at` integer DEFAULT (unixepoch()) NOT NULL, FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade);
--> statement-breakpoint
INSERT INTO `__new_posts`("id", "author_id", "title", "created_at") SELECT "id", "author_id", "title", "created_at" FROM `posts`;--> statement-breakpoint
DROP TABLE `posts`;--> statement-breakpoint
ALTER TABLE `__new_posts` RENAME TO `posts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
