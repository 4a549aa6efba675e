// Applies the SQL migrations in ../drizzle to the database in DATABASE_URL,
// using Drizzle's own migrator. Already-applied migrations are recorded in
// drizzle.__drizzle_migrations and skipped, so running this twice is safe.
//
//   DATABASE_URL=postgres://user:password@localhost:5432/app npm run migrate
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(
    'DATABASE_URL is not set.\n' +
      'Point it at the PostgreSQL database to migrate, for example:\n\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/app npm run migrate\n',
  );
  process.exit(1);
}

// Resolved from this file, not the working directory, so the script works
// wherever it is started from.
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

const pool = new Pool({ connectionString: databaseUrl });
try {
  const db = drizzle({ client: pool });
  await migrate(db, { migrationsFolder });
  console.log(`Migrations from ${migrationsFolder} are applied.`);
} catch (error) {
  // Drizzle wraps driver errors; the underlying cause (e.g. "database does not
  // exist", a failing statement) is the useful part.
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  console.error(`Migration failed: ${message}${cause ? `\n  cause: ${cause}` : ''}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
