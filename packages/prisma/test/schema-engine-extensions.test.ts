import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutInstalledExtensions } from '../src/schema-engine/extension-steps.js';
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

it('refuses an extension neither PGlite nor a package beside it ships, before starting it', async () => {
  const error = await openPrismaSchemaEngine({ schema, sql: ['CREATE EXTENSION IF NOT EXISTS postgis;'] }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'SHADOW_EXTENSION_UNAVAILABLE', message: expect.stringContaining('"postgis"'), hint: expect.stringContaining('--shadow-url') });
});

/** formbricks' spelling: `postgresqlExtensions` with pgvector, created by its migrations. */
function declaring(extensions: string): PrismaSchemaFile[] {
  return [
    {
      path: 'prisma/schema.prisma',
      content: `datasource db {
  provider   = "postgresql"
  extensions = [${extensions}]
}

generator client {
  provider        = "prisma-client"
  output          = "../generated"
  previewFeatures = ["postgresqlExtensions"]
}

model Document {
  id     String                     @id
  vector Unsupported("vector(3)")?
}
`,
    },
  ];
}

const documents: PrismaMigrationSource = {
  directoryName: '20241017124431_add_documents',
  sql: [
    '-- CreateExtension',
    'CREATE EXTENSION IF NOT EXISTS "vector";',
    '',
    '-- CreateExtension',
    'CREATE EXTENSION IF NOT EXISTS "citext";',
    '',
    '-- CreateTable',
    'CREATE TABLE "Document" (',
    '    "id" TEXT NOT NULL,',
    '    "vector" vector(3),',
    '',
    '    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")',
    ');',
    '',
  ].join('\n'),
};

describe('a schema declaring the extensions its migrations create (postgresqlExtensions)', () => {
  let declared: PrismaSchemaEngine;
  beforeAll(async () => {
    declared = await openPrismaSchemaEngine({ schema: declaring('pgvector(map: "vector"), citext'), sql: [documents.sql] });
  }, 120_000);
  afterAll(async () => {
    await declared?.dispose();
  });

  it('has nothing left to migrate: the extensions are not created again', async () => {
    const created = await declared.createMigration({ migrations: [documents], schema: declaring('pgvector(map: "vector"), citext'), name: 'again' });
    expect(created.sql).toBeNull();
  }, 120_000);

  it('still creates a declared extension the migrations did not create, and moves one to the schema the schema names', async () => {
    const created = await declared.createMigration({ migrations: [documents], schema: declaring('pgvector(map: "vector"), citext(schema: "extensions"), hstore'), name: 'more' });
    expect(created.sql).not.toContain('"vector"');
    expect(created.sql).toContain('CREATE EXTENSION IF NOT EXISTS "hstore";');
    expect(created.sql).toContain('ALTER EXTENSION "citext" SET SCHEMA "extensions";');
  }, 120_000);
});

describe("the WebAssembly engine's CreateExtension steps for what is installed", () => {
  const installed = [
    { name: 'vector', schema: 'public', version: '0.8.7' },
    { name: 'uuid-ossp', schema: 'public', version: '1.1' },
  ];

  it('go; the rest of the script stays as the engine wrote it', () => {
    const script = '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "hstore";\n\n-- AlterTable\nALTER TABLE "User" ADD COLUMN "bio" TEXT;\n';
    expect(withoutInstalledExtensions(script, installed)).toBe('-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "hstore";\n\n-- AlterTable\nALTER TABLE "User" ADD COLUMN "bio" TEXT;\n');
  });

  it('leave no script when nothing else was in it', () => {
    expect(withoutInstalledExtensions('-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n\n-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector";\n', installed)).toBeNull();
  });

  it('become the ALTER EXTENSION the native engine writes for another version or schema', () => {
    expect(withoutInstalledExtensions('-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector" WITH SCHEMA "extensions" VERSION "0.8.7";\n', installed)).toBe(
      '-- AlterExtension\nALTER EXTENSION "vector" SET SCHEMA "extensions";\n',
    );
    expect(withoutInstalledExtensions('-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "vector" WITH VERSION "0.7.0";\n', installed)).toBe('-- AlterExtension\nALTER EXTENSION "vector" UPDATE TO "0.7.0";\n');
  });

  it('leave a script without them untouched, byte for byte', () => {
    const script = '/*\n  Warnings:\n\n  - x\n\n*/\n-- AlterTable\nALTER TABLE "User" DROP COLUMN "bio";\n\n';
    expect(withoutInstalledExtensions(script, installed)).toBe(script);
  });
});
