// Applies prisma/migrations to DATABASE_URL the way `prisma migrate deploy` does, through
// Prisma's schema engine compiled to WebAssembly: no engine binary to download.
import { readdirSync, readFileSync } from 'node:fs';
import { deployMigrations } from '@orm-ai/prisma';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set. Example: DATABASE_URL=postgres://postgres@127.0.0.1:5432/blog npm run migrate');
  process.exit(1);
}
const dir = new URL('../prisma/migrations/', import.meta.url);
const migrations = readdirSync(dir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
  .map((directoryName) => ({ directoryName, sql: readFileSync(new URL(`${directoryName}/migration.sql`, dir), 'utf8') }));
const { applied } = await deployMigrations({ url, migrations });
console.log(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`);
