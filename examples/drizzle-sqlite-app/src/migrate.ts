// Applies the SQL migrations in ../drizzle to the SQLite file in DATABASE_FILE
// (blog.db in the working directory when unset), with Drizzle's own migrator.
// Applied migrations are recorded in __drizzle_migrations and skipped, so
// running this twice is safe.
//
//   DATABASE_FILE=blog.db npm run migrate
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';

const databaseFile = process.env.DATABASE_FILE ?? 'blog.db';

// Resolved from this file, not the working directory, so the script works
// wherever it is started from.
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

const client = new Database(databaseFile);
try {
  const db = drizzle({ client });
  migrate(db, { migrationsFolder });
  console.log(`Migrations from ${migrationsFolder} are applied to ${databaseFile}.`);
} catch (error) {
  // Drizzle wraps driver errors; the underlying cause (a failing statement) is the useful part.
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  console.error(`Migration failed: ${message}${cause ? `\n  cause: ${cause}` : ''}`);
  process.exitCode = 1;
} finally {
  client.close();
}
