import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPrismaSchemaEngine, type PrismaSchemaEngine } from '../src/schema-engine/prisma-schema-engine.js';
import type { PrismaMigrationSource, PrismaSchemaFile } from '../src/schema-engine/migration-list.js';

/** A history whose first migration creates extensions, as Prisma writes them. */
const init: PrismaMigrationSource = {
  directoryName: '20240101000000_init',
  sql: [
    'CREATE EXTENSION IF NOT EXISTS "pgcrypto";',
    'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";',
    'CREATE EXTENSION IF NOT EXISTS "citext";',
    '',
    '-- CreateTable',
    'CREATE TABLE "people" (',
    '    "id" UUID NOT NULL DEFAULT uuid_generate_v4(),',
    '    "email" CITEXT NOT NULL,',
    '    "secret" BYTEA NOT NULL DEFAULT gen_random_bytes(16),',
    '',
    '    CONSTRAINT "people_pkey" PRIMARY KEY ("id")',
    ');',
    '',
  ].join('\n'),
};

const schema: PrismaSchemaFile[] = [
  {
    path: 'prisma/schema.prisma',
    content: `datasource db {
  provider = "postgresql"
}

model Person {
  id     String @id @default(dbgenerated("uuid_generate_v4()")) @db.Uuid
  email  String @db.Citext
  secret Bytes  @default(dbgenerated("gen_random_bytes(16)"))

  @@map("people")
}
`,
  },
];

let engine: PrismaSchemaEngine;
beforeAll(async () => {
  engine = await openPrismaSchemaEngine({ schema, sql: [init.sql] });
}, 120_000);
afterAll(async () => {
  await engine?.dispose();
});

it("replays migrations that create PGlite's extensions on both embedded databases", async () => {
  // The shadow: the engine replays the history there and finds the schema matches it.
  expect(await engine.diffToMigrations({ from: schema, migrations: [init] })).toBe('-- This is an empty migration.\n');
  // The dev database: the history is applied there and its defaults run.
  expect(await engine.applyMigrations({ migrations: [init] })).toEqual({ applied: [init.directoryName] });
  await engine.execute("INSERT INTO people (email) VALUES ('Ada@Example.com')");
}, 120_000);

it('refuses an extension PGlite lacks before starting it', async () => {
  const error = await openPrismaSchemaEngine({ schema, sql: ['CREATE EXTENSION IF NOT EXISTS vector;'] }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'SHADOW_EXTENSION_UNAVAILABLE', hint: expect.stringContaining('--shadow-url') });
});
