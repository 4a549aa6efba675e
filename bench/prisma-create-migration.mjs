/**
 * Prisma's own step for a new migration, the baseline `npm run bench` compares prisma-ai with:
 * what `prisma migrate dev --create-only` asks its schema engine, one `createMigration` (after
 * the `devDiagnostic` that replays the migrations on the shadow), with the engine at the
 * project's Prisma version, in a process of its own. Run in a project whose schema holds the
 * change; fails when the engine finds nothing to write.
 */
import { findPrismaProjectFiles } from '../packages/prisma/dist/prisma-project-files.js';
import { readPrismaMigrations } from '../packages/prisma/dist/prisma-migrations.js';
import { openPrismaSchemaEngine } from '../packages/prisma/dist/schema-engine/prisma-schema-engine.js';

const files = await findPrismaProjectFiles({ cwd: process.cwd() });
const folder = await readPrismaMigrations(files.migrationsDir);
const engine = await openPrismaSchemaEngine({ schema: [...files.schemaFiles], projectRoot: files.root, sql: folder.migrations.map((migration) => migration.sql) });
try {
  const created = await engine.createMigration({ migrations: [...folder.migrations], schema: [...files.schemaFiles], name: 'bench' });
  if (!created.sql.trim()) throw new Error('the engine found no change to write');
} finally {
  await engine.dispose();
}
