-- The same recreation applied outside a transaction (fixture.json), where PRAGMA foreign_keys=OFF takes effect: posts keep their rows.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_users` (`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL, `email` text NOT NULL, `bio` text DEFAULT '' NOT NULL);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "bio") SELECT "id", "email", "bio" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
PRAGMA foreign_key_check;--> statement-breakpoint
PRAGMA foreign_keys=ON;
