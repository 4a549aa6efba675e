import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrmAiError, shadowServerFrom } from '@orm-ai/core';
import { prismaPlugin } from '../src/prisma-plugin.js';
import { examplePlan, PRISMA_APP } from './fixtures/example-app.js';

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

describe('a project whose migrations made what schema.prisma does not declare', () => {
  it('is refused with SCHEMA_OUT_OF_SYNC naming what its own prisma migrate dev would drop, and how to fix it', async () => {
    // As in real projects (hoppscotch): an index written by hand in a migration, absent from the schema.
    const root = mkdtempSync(join(tmpdir(), 'orm-ai-prisma-drift-'));
    roots.push(root);
    cpSync(join(PRISMA_APP, 'prisma'), join(root, 'prisma'), { recursive: true });
    mkdirSync(join(root, 'prisma/migrations/20261201000000_hand_index'));
    writeFileSync(join(root, 'prisma/migrations/20261201000000_hand_index/migration.sql'), 'CREATE INDEX "posts_title_by_hand_idx" ON "posts" ("title");\n');
    const project = await prismaPlugin.openProject({ cwd: root, configPath: 'prisma/schema.prisma' });
    const plan = examplePlan('add-post-tags');
    const edits = await project.applyPlan(plan);
    const error = await project.generateMigration({ plan, edits, name: 'add_post_tags', shadowServer: shadowServerFrom({}) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrmAiError);
    expect(error).toMatchObject({ code: 'SCHEMA_OUT_OF_SYNC', message: expect.stringMatching(/DROP INDEX ("public"\.)?"posts_title_by_hand_idx"/) });
    expect((error as OrmAiError).hint).toContain('Declare in schema.prisma what the migrations create');
  }, 120_000);
});
