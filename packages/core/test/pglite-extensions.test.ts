import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrmAiError } from '../src/errors.js';
import type { OrmPlugin } from '../src/orm-plugin.js';
import { checkMigrations } from '../src/pipeline/check.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { extensionsCreatedBy, pgliteExtensionsFor, trustedPgliteExtensions } from '../src/dialect/postgres/shadow/pglite-extensions.js';
import { replayMigrations } from '../src/shadow/replay-migrations.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

/** A history as real projects write it: each ORM's own spelling of CREATE EXTENSION. */
const history = [
  {
    id: '0000_crypto',
    path: 'drizzle/0000_crypto.sql',
    sql: 'CREATE EXTENSION IF NOT EXISTS pgcrypto;\n--> statement-breakpoint\nCREATE TABLE "api_keys" ("id" serial PRIMARY KEY, "secret" bytea DEFAULT gen_random_bytes(16) NOT NULL);',
  },
  {
    id: '0001_people',
    path: 'drizzle/0001_people.sql',
    sql: [
      'CREATE EXTENSION IF NOT EXISTS "citext";',
      'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;',
      'CREATE TABLE "people" ("id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(), "email" citext NOT NULL UNIQUE, "name" text NOT NULL);',
    ].join('\n'),
  },
  {
    id: '0002_search',
    path: 'drizzle/0002_search.sql',
    sql: 'CREATE EXTENSION pg_trgm;\nCREATE INDEX "people_name_trgm" ON "people" USING gin ("name" gin_trgm_ops);',
  },
];

/**
 * pgvector as projects write it: Prisma's `-- CreateExtension` (formbricks' history), then the
 * column types and both of pgvector's index methods; pgcrypto beside it, from PGlite's contrib.
 */
const vectorHistory = [
  {
    id: '20241017124431_add_documents',
    path: 'prisma/migrations/20241017124431_add_documents/migration.sql',
    sql: [
      '-- CreateExtension',
      'CREATE EXTENSION IF NOT EXISTS "vector";',
      'CREATE EXTENSION IF NOT EXISTS "pgcrypto";',
      'CREATE TABLE "Document" ("id" TEXT NOT NULL DEFAULT gen_random_uuid()::text, "vector" vector(3), "half" halfvec(3), CONSTRAINT "Document_pkey" PRIMARY KEY ("id"));',
      'CREATE INDEX "Document_vector_hnsw_idx" ON "Document" USING hnsw ("vector" vector_l2_ops);',
      'CREATE INDEX "Document_vector_ivfflat_idx" ON "Document" USING ivfflat ("vector" vector_cosine_ops) WITH (lists = 4);',
    ].join('\n'),
  },
];

async function refusal(work: () => Promise<unknown>): Promise<OrmAiError> {
  const error = await work().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OrmAiError);
  return error as OrmAiError;
}

describe('the extensions SQL creates', () => {
  it('are read by the parser, not found in strings or comments', async () => {
    const sql = [
      "-- CREATE EXTENSION postgis;\nCREATE TABLE notes (body text DEFAULT 'CREATE EXTENSION vector');",
      'create extension if not exists "uuid-ossp"; CREATE EXTENSION citext WITH SCHEMA public; CREATE EXTENSION citext;',
    ];
    expect(await extensionsCreatedBy(sql)).toEqual(['uuid-ossp', 'citext']);
  });

  it('map to the contrib modules PGlite ships, and vector to pgvector\'s package', async () => {
    const extensions = await pgliteExtensionsFor(history.map((script) => script.sql));
    expect(Object.keys(extensions).sort()).toEqual(['citext', 'pg_trgm', 'pgcrypto', 'uuid_ossp']);
    expect(await pgliteExtensionsFor(['CREATE EXTENSION IF NOT EXISTS plpgsql'])).toEqual({});
    const withVector = await pgliteExtensionsFor([vectorHistory[0]!.sql]);
    expect(Object.keys(withVector).sort()).toEqual(['pgcrypto', 'vector']);
  });

  it('refuse one neither PGlite nor a package beside it ships, naming it and --shadow-url', async () => {
    // postgis's PGlite package is built for PGlite 0.5.8 and does not load in this one.
    for (const name of ['postgis', 'timescaledb']) {
      const error = await refusal(() => pgliteExtensionsFor([`CREATE TABLE t (id int); CREATE EXTENSION IF NOT EXISTS ${name};`]));
      expect(error.code).toBe('SHADOW_EXTENSION_UNAVAILABLE');
      expect(error.message).toContain(`"${name}"`);
      expect(error.hint).toContain('--shadow-url');
    }
  });

  it('refuse one PGlite ships but only a superuser may create', async () => {
    const error = await refusal(() => pgliteExtensionsFor(['CREATE EXTENSION file_fdw']));
    expect(error.code).toBe('SHADOW_EXTENSION_UNAVAILABLE');
    expect(error.message).toMatch(/"file_fdw".*superuser/);
  });

  it('for a PGlite whose SQL is unknown: every one PGlite ships that a database owner may create', async () => {
    const modules = Object.keys(await trustedPgliteExtensions());
    expect(modules).toEqual(expect.arrayContaining(['pgcrypto', 'uuid_ossp', 'citext', 'pg_trgm', 'hstore', 'ltree', 'btree_gin', 'btree_gist', 'cube', 'vector']));
    for (const untrusted of ['file_fdw', 'pg_stat_statements', 'earthdistance', 'pageinspect']) expect(modules).not.toContain(untrusted);
  });

  it('stop the embedded shadow before it starts', async () => {
    const error = await refusal(() => openShadowDatabase({ sql: ['CREATE EXTENSION postgis;'] }));
    expect(error.code).toBe('SHADOW_EXTENSION_UNAVAILABLE');
  });
});

describe('an embedded shadow replaying migrations that create extensions', () => {
  let shadow: ShadowDatabase;
  beforeAll(async () => {
    shadow = await openShadowDatabase({ sql: history.map((script) => script.sql) });
    await replayMigrations({ dialect: postgresDialect, shadow, scripts: history, transaction: 'each' });
  }, 120_000);
  afterAll(async () => {
    await shadow?.close();
  });

  it('creates them as the confined role and uses them', async () => {
    await shadow.exec("INSERT INTO api_keys DEFAULT VALUES; INSERT INTO people (email, name) VALUES ('Ada@Example.com', 'Ada Lovelace')");
    const [row] = await shadow.query<{ secret: number; found: number; similar: boolean; uuid: boolean }>(
      "SELECT octet_length((SELECT secret FROM api_keys)) AS secret, (SELECT count(*)::int FROM people WHERE email = 'ada@example.com') AS found, similarity('Ada Lovelace', 'Ada Lovelase') > 0.5 AS similar, (SELECT id FROM people) IS NOT NULL AS uuid",
    );
    expect(row).toEqual({ secret: 16, found: 1, similar: true, uuid: true });
    const owners = await shadow.query<{ extname: string; owner: string; me: string }>(
      "SELECT extname, extowner::regrole::text AS owner, current_user::text AS me FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname",
    );
    expect(owners.map((owner) => owner.extname)).toEqual(['citext', 'pg_trgm', 'pgcrypto', 'uuid-ossp']);
    for (const owner of owners) expect(owner.owner).toBe(owner.me);
  });

  it('keeps the confinement', async () => {
    for (const sql of ['SELECT rolpassword FROM pg_authid', "SELECT pg_read_file('/etc/passwd')", 'CREATE EXTENSION file_fdw', 'ALTER ROLE CURRENT_USER SUPERUSER']) {
      await expect(shadow.exec(sql), sql).rejects.toThrow(/permission denied|must be superuser|not available/);
    }
  });

  it('forks with what a new migration creates beyond the history, and keeps it for later forks', async () => {
    const migration = 'CREATE EXTENSION IF NOT EXISTS hstore;\nALTER TABLE "people" ADD COLUMN "tags" hstore;';
    const first = await shadow.fork({ sql: [migration] });
    try {
      await first.exec(migration);
      await first.exec(`UPDATE people SET tags = 'a=>1'`);
      expect(await first.query("SELECT tags -> 'a' AS a, gen_random_bytes(1) IS NOT NULL AS crypto FROM people")).toEqual([{ a: '1', crypto: true }]);
    } finally {
      await first.close();
    }
    const columns = await shadow.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'people' AND column_name = 'tags'");
    expect(columns).toEqual([]);
    const second = await shadow.fork({ sql: [migration] });
    try {
      await second.exec(migration);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('forks with vector when a new migration is the first to create it', async () => {
    const migration = 'CREATE EXTENSION IF NOT EXISTS vector;\nALTER TABLE "people" ADD COLUMN "embedding" vector(2);\nCREATE INDEX "people_embedding_hnsw" ON "people" USING hnsw ("embedding" vector_cosine_ops);';
    const fork = await shadow.fork({ sql: [migration] });
    try {
      await fork.exec(migration);
      expect(await fork.query(`SELECT ('[3,4]'::vector(2) <-> '[0,0]')::int AS distance`)).toEqual([{ distance: 5 }]);
    } finally {
      await fork.close();
    }
  }, 120_000);
});

describe('an embedded shadow replaying migrations that create vector (pgvector)', () => {
  let shadow: ShadowDatabase;
  beforeAll(async () => {
    shadow = await openShadowDatabase({ sql: vectorHistory.map((script) => script.sql) });
    await replayMigrations({ dialect: postgresDialect, shadow, scripts: vectorHistory, transaction: 'each' });
  }, 120_000);
  afterAll(async () => {
    await shadow?.close();
  });

  it('creates it as the confined role, which owns it, and its types and index methods work', async () => {
    const [owner] = await shadow.query<{ owner: string; me: string; super: boolean }>(
      "SELECT extowner::regrole::text AS owner, current_user::text AS me, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super FROM pg_extension WHERE extname = 'vector'",
    );
    expect(owner).toEqual({ owner: owner!.me, me: owner!.me, super: false });
    await shadow.exec(`INSERT INTO "Document" ("vector", "half") SELECT ARRAY[i, i, i]::vector(3), ARRAY[i, i, i]::halfvec(3) FROM generate_series(1, 20) AS i`);
    const nearest = await shadow.query<{ id: number }>(`SELECT "vector"::text AS id FROM "Document" ORDER BY "vector" <-> '[2.1,2.1,2.1]' LIMIT 1`);
    expect(nearest).toEqual([{ id: '[2,2,2]' }]);
    const methods = await shadow.query<{ method: string }>(
      `SELECT am.amname AS method FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = '"Document"'::regclass AND NOT i.indisprimary ORDER BY 1`,
    );
    expect(methods.map((row) => row.method)).toEqual(['hnsw', 'ivfflat']);
  });

  it('keeps the confinement: only vector became creatable', async () => {
    for (const sql of ['SELECT rolpassword FROM pg_authid', 'CREATE EXTENSION file_fdw', 'CREATE EXTENSION earthdistance']) {
      await expect(shadow.exec(sql), sql).rejects.toThrow(/permission denied|must be superuser|not available|required extension/);
    }
  });

  it('forks with it, and a down migration may drop and create it again', async () => {
    const fork = await shadow.fork();
    try {
      await fork.exec('DROP TABLE "Document"; DROP EXTENSION "vector";');
      await fork.exec('CREATE EXTENSION "vector"; CREATE TABLE "Note" ("id" int PRIMARY KEY, "embedding" vector(2))');
      expect(await fork.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'vector'")).toEqual([{ n: 1 }]);
    } finally {
      await fork.close();
    }
  }, 120_000);
});

describe('check on loose SQL files', () => {
  it('loads the extensions the setup and the files create', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'orm-ai-extensions-'));
    try {
      writeFileSync(join(cwd, 'setup.sql'), 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE users (id int PRIMARY KEY, email citext NOT NULL);');
      writeFileSync(join(cwd, 'search.sql'), 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE INDEX users_email_trgm ON users USING gin ((email::text) gin_trgm_ops);');
      const outcome = await checkMigrations({ cwd, files: ['search.sql'], setupFile: 'setup.sql', plugin: {} as OrmPlugin });
      const failures = outcome.files.flatMap((file) => file.statements.flatMap((statement) => (statement.error === undefined ? [] : [statement.error])));
      expect(failures).toEqual([]);
      expect(outcome.files[0]!.statements).toHaveLength(2);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
