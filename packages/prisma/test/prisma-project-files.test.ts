import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPrismaProjectFiles } from '../src/prisma-project-files.js';

const PROJECT = join(import.meta.dirname, 'fixtures/projects/config-env');

describe('prisma.config.ts whose env() names unset variables', () => {
  it('still gives the schema and migrations paths, and leaves the variables unset', async () => {
    delete process.env.ORM_AI_TEST_UNSET_DATABASE_URL;
    delete process.env.ORM_AI_TEST_UNSET_SHADOW_URL;
    const files = await findPrismaProjectFiles({ cwd: PROJECT });
    expect(files.configPath).toBe(join(PROJECT, 'prisma.config.ts'));
    expect(files.schemaFiles.map((file) => file.path)).toEqual([join(PROJECT, 'prisma/schema.prisma')]);
    expect(files.migrationsDir).toBe(join(PROJECT, 'prisma/migrations'));
    expect(process.env.ORM_AI_TEST_UNSET_DATABASE_URL).toBeUndefined();
    expect(process.env.ORM_AI_TEST_UNSET_SHADOW_URL).toBeUndefined();
  });

  it('keeps a variable that is set', async () => {
    process.env.ORM_AI_TEST_UNSET_DATABASE_URL = 'postgresql://kept.invalid/app';
    try {
      await findPrismaProjectFiles({ cwd: PROJECT });
      expect(process.env.ORM_AI_TEST_UNSET_DATABASE_URL).toBe('postgresql://kept.invalid/app');
    } finally {
      delete process.env.ORM_AI_TEST_UNSET_DATABASE_URL;
    }
  });
});
