import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPrismaSchemaEngine } from '../../packages/prisma/src/schema-engine/prisma-schema-engine.js';

/** A Prisma project's migration folders in the order Prisma applies them, each with its migration.sql. */
export function migrationsOf(root: string): Array<{ directoryName: string; sql: string }> {
  const dir = join(root, 'prisma', 'migrations');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((directoryName) => ({ directoryName, sql: readFileSync(join(dir, directoryName, 'migration.sql'), 'utf8') }));
}

/** What Prisma's own engine, asked again, would migrate next: null when the written migrations match the schema. */
export async function nextPrismaMigration(root: string): Promise<string | null> {
  const schema = [{ path: join(root, 'prisma/schema.prisma'), content: readFileSync(join(root, 'prisma/schema.prisma'), 'utf8') }];
  const engine = await openPrismaSchemaEngine({ schema });
  try {
    return (await engine.createMigration({ migrations: migrationsOf(root), schema, name: 'again' })).sql;
  } finally {
    await engine.dispose();
  }
}
