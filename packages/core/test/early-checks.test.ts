import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfiguredDatabase } from '../src/dialect/dialect.js';
import { OrmAiError } from '../src/errors.js';
import type { MigrationScript, OrmPlugin, OrmProject } from '../src/orm-plugin.js';
import { generateMigration } from '../src/pipeline/generate.js';
import { blogModel } from './blog-model.js';

/**
 * What the pipeline checks once the schema is read and before the expensive steps: the plan
 * file against the schema, and a history that already failed on the shadow. The shadow is
 * replaced, so that when it fails is in the test's hands, not PGlite's start-up time.
 */
const shadow = vi.hoisted(() => ({ opened: 0, failure: null as Error | null }));
vi.mock('../src/dialect/postgres/shadow/prepared-shadow.js', () => ({
  openPreparedShadow: async () => {
    shadow.opened += 1;
    if (shadow.failure) throw shadow.failure;
    throw new Error('the test shadow has nothing to prove on');
  },
}));

beforeEach(() => {
  shadow.opened = 0;
  shadow.failure = null;
});

const history: MigrationScript[] = [{ id: '0000_init', path: 'drizzle/0000_init.sql', sql: 'CREATE TABLE users (id serial PRIMARY KEY);' }];

/** A plugin over the blog model that counts the pipeline's expensive calls into it. */
function countingPlugin(database: ConfiguredDatabase = { dialect: 'postgresql', setting: 'dialect: "postgresql"', file: 'orm.config.ts' }) {
  const calls = { readSchema: 0, readMigrations: 0, applyPlan: 0, generateMigration: 0 };
  const project: OrmProject = {
    root: folder,
    readDatabase: async () => database,
    readSchema: async () => {
      calls.readSchema += 1;
      return blogModel();
    },
    readMigrations: async () => {
      calls.readMigrations += 1;
      return history;
    },
    applyPlan: async () => {
      calls.applyPlan += 1;
      return [];
    },
    generateMigration: async () => {
      calls.generateMigration += 1;
      throw new Error('generate was reached');
    },
  };
  const plugin: OrmPlugin = { displayName: 'Counting', capabilities: { migrationTransaction: 'all', migrationOutsideTransaction: false, promptNotes: [] }, openProject: async () => project };
  return { plugin, calls };
}

const folder = mkdtempSync(join(tmpdir(), 'orm-ai-early-checks-'));
function planFile(name: string, table: string): string {
  const plan = { version: 1, request: `add a tags column to ${table}`, summary: 's', changes: [{ kind: 'add_column', table, column: { name: 'tags', type: 'text[]', nullable: true }, reason: 'r' }] };
  writeFileSync(join(folder, name), JSON.stringify(plan));
  return name;
}

async function failure(plugin: OrmPlugin, planFileName: string): Promise<OrmAiError> {
  const error = await generateMigration({ plugin, cwd: folder, env: { ORM_AI_CACHE_DIR: join(folder, 'cache') }, planFile: planFileName }).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OrmAiError);
  return error as OrmAiError;
}

describe('before the schema is read', () => {
  it.each([
    [{ dialect: 'sqlite', setting: 'dialect: "turso"', file: 'drizzle.config.ts' } as const, 'drizzle.config.ts: dialect: "turso" is SQLite, which orm-ai does not support with this ORM yet; supported: PostgreSQL'],
    [{ dialect: 'mysql', setting: 'provider = "mysql"', file: 'prisma/schema.prisma' } as const, 'prisma/schema.prisma: provider = "mysql" is MySQL/MariaDB, which orm-ai does not support yet; supported: PostgreSQL'],
    [{ dialect: null, setting: 'type: "mssql"', file: 'src/data-source.ts' } as const, 'src/data-source.ts: type: "mssql" is a database orm-ai has no dialect for; supported: PostgreSQL'],
  ])('a project whose config names %j is refused with DIALECT_UNSUPPORTED, naming the setting, before anything is read', async (database, message) => {
    const { plugin, calls } = countingPlugin(database);
    const error = await failure(plugin, planFile('dialect.json', 'posts'));
    expect(error.code).toBe('DIALECT_UNSUPPORTED');
    expect(error.message).toBe(message);
    expect(error.hint).toContain('Nothing was read or written');
    expect({ opened: shadow.opened, ...calls }).toEqual({ opened: 0, readSchema: 0, readMigrations: 0, applyPlan: 0, generateMigration: 0 });
  });
});

describe('once the schema is read', () => {
  it('a plan file naming a table the schema lacks is rejected with the closest name, before the migrations are listed or the shadow starts', async () => {
    const { plugin, calls } = countingPlugin();
    const error = await failure(plugin, planFile('typo.json', 'psots'));
    expect(error.code).toBe('PLAN_REJECTED');
    expect(error.message).toContain('table "psots" does not exist; did you mean "posts"?');
    // Listing migrations may replay them (TypeORM): a misspelled name must not wait for that.
    expect({ opened: shadow.opened, ...calls }).toEqual({ opened: 0, readSchema: 1, readMigrations: 0, applyPlan: 0, generateMigration: 0 });
  });

  it('an existing migration that already failed on the shadow is reported before the plan is applied', async () => {
    const { plugin, calls } = countingPlugin();
    shadow.failure = new OrmAiError('SHADOW_REJECTED_MIGRATION', 'an existing migration fails on the shadow, before anything of this run: drizzle/0000_init.sql:1: boom');
    const error = await failure(plugin, planFile('valid.json', 'posts'));
    expect(error).toBe(shadow.failure);
    expect({ opened: shadow.opened, ...calls }).toEqual({ opened: 1, readSchema: 1, readMigrations: 1, applyPlan: 0, generateMigration: 0 });
  });
});
