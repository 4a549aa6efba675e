-- SQLite 3.53.0's in-place NOT NULL: the shadow's SQLite runs it, older ones (better-sqlite3's bundled build, libSQL/Turso, D1) refuse it.
ALTER TABLE `users` ALTER COLUMN `bio` SET NOT NULL;
