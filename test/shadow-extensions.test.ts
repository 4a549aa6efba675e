import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { capturingIo, copyExample, snapshotTree } from './support/example-project.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The drizzle example with statements added to the end of its last migration, as a project would have written them. */
function projectWhoseHistoryRuns(statements: string[]): string {
  const copy = copyExample('drizzle-app');
  cleanups.push(copy.dispose);
  appendFileSync(join(copy.root, 'drizzle/0001_add_comments.sql'), statements.map((statement) => `--> statement-breakpoint\n${statement}\n`).join(''));
  return copy.root;
}

async function generateJson(root: string, args: string[]) {
  const { io, out } = capturingIo({ cwd: root });
  const code = await runDrizzleCli(['generate', ...args, '--json'], io);
  return { code, report: JSON.parse(out.join('\n')) as Record<string, any> };
}

describe('drizzle-ai generate on the embedded shadow, with migrations that create extensions', () => {
  it('loads what PGlite ships (pgcrypto, pg_trgm) and pgvector from its package, and proves the new migration on top', async () => {
    const root = projectWhoseHistoryRuns([
      'CREATE EXTENSION IF NOT EXISTS "pgcrypto";',
      'CREATE EXTENSION IF NOT EXISTS pg_trgm;',
      'CREATE INDEX "comments_body_trgm_idx" ON "comments" USING gin ("body" gin_trgm_ops);',
      "SELECT encode(gen_random_bytes(8), 'hex');",
      'CREATE EXTENSION IF NOT EXISTS vector;',
      'CREATE TABLE "post_embeddings" ("post_id" integer PRIMARY KEY, "embedding" vector(3) NOT NULL);',
      'CREATE INDEX "post_embeddings_hnsw_idx" ON "post_embeddings" USING hnsw ("embedding" vector_cosine_ops);',
    ]);
    const { code, report } = await generateJson(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(report.error ?? null).toBeNull();
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, written: true, shadow: 'embedded PGlite' });
    expect(readFileSync(join(root, report.files[1]), 'utf8')).toContain('"tags" text[]');
  });

  it('refuses one neither PGlite nor a package beside it ships before asking anything, naming it and --shadow-url, and writes nothing', async () => {
    const root = projectWhoseHistoryRuns(['CREATE EXTENSION IF NOT EXISTS postgis;', 'ALTER TABLE "posts" ADD COLUMN "location" geometry(Point, 4326);']);
    const before = snapshotTree(root);
    const { code, report } = await generateJson(root, ['--plan', 'plans/add-post-tags.json', '--yes']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, files: [], error: { code: 'SHADOW_EXTENSION_UNAVAILABLE', message: expect.stringContaining('"postgis"'), hint: expect.stringContaining('--shadow-url') } });
    expect(snapshotTree(root)).toEqual(before);
  });
});
