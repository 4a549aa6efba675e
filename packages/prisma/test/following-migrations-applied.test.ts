import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrmAiError } from '@orm-ai/core';
import { openPrismaSchemaEngine } from '../src/schema-engine/prisma-schema-engine.js';
import { exampleProject, generateExampleMigration } from './fixtures/example-app.js';
import { withBuildMerged, writeSafeAddPostTags, type SafeAddPostTags } from './fixtures/safe-migrations.js';

// The server run, through deployMigrations (prisma migrate deploy's path), is in
// schema-engine-server.test.ts with every other test that creates databases on the server.
describe("the migrations --safe splits off, run by Prisma's schema engine (PGlite)", () => {
  let written: SafeAddPostTags;
  beforeAll(async () => {
    written = await writeSafeAddPostTags();
  }, 180_000);
  afterAll(() => written?.dispose());

  it("are folders Prisma reads after the ORM's, the index build alone in its own", async () => {
    const { folder: example } = await exampleProject();
    // readPrismaMigrations lists them in name order, the order prisma migrate runs them in.
    expect(written.folder.migrations.map((migration) => migration.directoryName)).toEqual([
      ...example.migrations.map((migration) => migration.directoryName),
      written.migration.id,
      expect.stringMatching(/^\d{14}_add_post_tags_build_posts_tags_idx$/),
    ]);
    expect(written.folder.migrations.at(-1)?.sql).toMatch(/^CREATE INDEX CONCURRENTLY "posts_tags_idx" ON ("public"\.)?"posts" USING GIN \("tags"\);\n$/);
    expect(written.folder.migrations.at(-2)?.sql).not.toContain('CREATE INDEX');
  });

  it('apply, the lone CREATE INDEX CONCURRENTLY outside any transaction, and leave the plugin\'s drift check nothing to add', async () => {
    // generateMigration first checks that schema.prisma matches the migrations (assertInSync):
    // it applies them to its dev database and replays them on Prisma's shadow, as prisma
    // migrate dev does, and refuses with SCHEMA_OUT_OF_SYNC anything it would generate.
    const next = await generateExampleMigration('rename-display-name', { root: written.root });
    expect(next.migration.statements).toEqual(['-- Rename (planned: keeps the data)\nALTER TABLE "users" RENAME COLUMN "display_name" TO "full_name";']);
  }, 180_000);

  it('fail there, as with Prisma, when the CONCURRENTLY build shares a migration with another statement', async () => {
    // The control: what makes the build run outside a transaction is its being alone.
    const { schema } = await exampleProject(written.root);
    const engine = await openPrismaSchemaEngine({ schema });
    try {
      const error = await engine.applyMigrations({ migrations: withBuildMerged(written) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OrmAiError);
      expect(error).toMatchObject({ code: 'SHADOW_REJECTED_MIGRATION', message: expect.stringContaining('CREATE INDEX CONCURRENTLY cannot run inside a transaction block') });
    } finally {
      await engine.dispose();
    }
  }, 120_000);
});
