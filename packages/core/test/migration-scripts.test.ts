import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, shadowBackends } from '../../../test/support/postgres-server.js';
import { analyzeMigration } from '../src/safety/analyze-migration.js';
import { openShadowDatabase } from '../src/dialect/postgres/shadow/open-shadow.js';
import { replayMigrations, runsInTransaction } from '../src/shadow/replay-migrations.js';
import { shadowServerFrom } from '../src/dialect/postgres/shadow/server-databases.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';
import { postgresDialect } from '../src/dialect/postgres/postgres-dialect.js';

// `script`: each migration sent as one script, as Prisma's engine sends a migration.sql.
// PostgreSQL runs a script of several statements in one implicit transaction and a script
// of one statement in none, so a lone CREATE INDEX CONCURRENTLY migration (Prisma's documented
// way, and 72 of trigger.dev's migrations) replays, and one beside other statements fails.
const init = { id: '0000_init', path: 'migrations/0000_init/migration.sql', sql: 'CREATE TABLE "posts" ("id" serial PRIMARY KEY, "body" text);' };
const lone = { id: '0001_idx', path: 'migrations/0001_idx/migration.sql', sql: '-- CreateIndex\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "posts_body_idx" ON "posts" ("body");\n' };
const mixed = {
  id: '0001_mixed',
  path: 'migrations/0001_mixed/migration.sql',
  sql: 'ALTER TABLE "posts" ADD COLUMN "title" text;\nCREATE INDEX CONCURRENTLY "posts_body_idx" ON "posts" ("body");\n',
};

it('runs a migration in a transaction with script only when it has more than one statement', () => {
  expect([0, 1, 2].map((count) => runsInTransaction('script', count))).toEqual([false, false, true]);
  expect([runsInTransaction('each', 1), runsInTransaction('all', 1), runsInTransaction('none', 2)]).toEqual([true, true, false]);
});

describe.each(shadowBackends())('migrations replayed as scripts on $name', ({ url }) => {
  let shadow: ShadowDatabase;
  beforeAll(async () => {
    if (url) await ensurePostgresServer(url);
    shadow = await openShadowDatabase({ server: shadowServerFrom({ shadowUrl: url }) });
    await replayMigrations({ dialect: postgresDialect, shadow, scripts: [init], transaction: 'script' });
  });
  afterAll(async () => {
    await shadow?.close();
  });

  it('replays a lone CREATE INDEX CONCURRENTLY, which each would refuse', async () => {
    const fork = await shadow.fork();
    try {
      await expect(replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [lone], transaction: 'each' })).rejects.toThrow(/cannot run inside a transaction block/);
      await replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [lone], transaction: 'script' });
      expect(await fork.query("SELECT indexname FROM pg_indexes WHERE tablename = 'posts' AND indexname = 'posts_body_idx'")).toHaveLength(1);
    } finally {
      await fork.close();
    }
  });

  it('refuses CONCURRENTLY beside another statement, and keeps nothing of that migration', async () => {
    const fork = await shadow.fork();
    try {
      const error = await replayMigrations({ dialect: postgresDialect, shadow: fork, scripts: [mixed], transaction: 'script' }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION', message: expect.stringContaining('cannot run inside a transaction block') });
      expect(await fork.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'title'")).toEqual([]);
    } finally {
      await fork.close();
    }
  });

  it('flags concurrently-in-transaction only where the script runs in a transaction', async () => {
    const rules = async (sql: string) =>
      (await analyzeMigration({ dialect: postgresDialect, prepared: shadow, path: 'migration.sql', sql, transaction: 'script' })).statements.flatMap((statement) => statement.findings.map((finding) => finding.rule));
    expect(await rules(lone.sql)).not.toContain('concurrently-in-transaction');
    expect(await rules(mixed.sql)).toContain('concurrently-in-transaction');
  });
});
