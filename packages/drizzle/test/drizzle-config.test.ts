import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDrizzleConfig } from '../src/drizzle-config.js';

// Inside the repository so `drizzle-kit` and `drizzle-orm` resolve from the workspace.
const scratch = fileURLToPath(new URL('../../../test/.tmp', import.meta.url));

const created: string[] = [];
afterAll(() => {
  for (const root of created) rmSync(root, { recursive: true, force: true });
});

function projectWith(config: string, files: Record<string, string> = {}): string {
  mkdirSync(scratch, { recursive: true });
  const root = mkdtempSync(join(scratch, 'config-'));
  created.push(root);
  writeFileSync(join(root, 'drizzle.config.ts'), config);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const schemaFile = "import { pgTable, serial } from 'drizzle-orm/pg-core';\nexport const t = pgTable('t', { id: serial('id') });\n";

describe('loadDrizzleConfig', () => {
  it('reads drizzle.config.ts as drizzle-kit does, with its defaults', async () => {
    const root = projectWith("import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts' });\n", { 'src/schema.ts': schemaFile });
    const config = await loadDrizzleConfig({ cwd: root });
    expect(config).toMatchObject({ root, schemaFiles: [join(root, 'src/schema.ts')], outDir: join(root, 'drizzle'), breakpoints: true, prefix: 'index', casing: undefined });
  });

  it('expands globs and folders, and takes out, casing and the prefix mode', async () => {
    const root = projectWith(
      "export default { dialect: 'postgresql', schema: ['./db/*.schema.ts', './more'], out: './migrations', casing: 'snake_case', migrations: { prefix: 'timestamp' } };\n",
      { 'db/a.schema.ts': schemaFile, 'db/helpers.ts': '', 'more/b.ts': schemaFile, 'more/nested/c.ts': schemaFile },
    );
    const config = await loadDrizzleConfig({ cwd: root });
    expect(config.schemaFiles).toEqual([join(root, 'db/a.schema.ts'), join(root, 'more/b.ts'), join(root, 'more/nested/c.ts')]);
    expect(config).toMatchObject({ outDir: join(root, 'migrations'), casing: 'snake_case', prefix: 'timestamp' });
  });

  it('follows --config to another file', async () => {
    const root = projectWith('export default {};\n', { 'config/drizzle.pg.ts': "export default { dialect: 'postgresql', schema: '../schema.ts' };\n", 'schema.ts': schemaFile });
    const config = await loadDrizzleConfig({ cwd: root, configPath: 'config/drizzle.pg.ts' });
    expect(config.schemaFiles).toEqual([join(root, 'schema.ts')]);
  });

  it("reads drizzle-kit 0.20's config, which names the pg driver instead of a dialect", async () => {
    const root = projectWith("export default { schema: './schema.ts', out: './migrations', driver: 'pg' };\n", { 'schema.ts': schemaFile });
    const config = await loadDrizzleConfig({ cwd: root });
    expect(config).toMatchObject({ schemaFiles: [join(root, 'schema.ts')], outDir: join(root, 'migrations') });
  });

  it('reads declarations where the schema file re-exports them from (a barrel index.ts)', async () => {
    const root = projectWith('export default {};\n', {
      'db/drizzle.config.ts': "export default { dialect: 'postgresql', schema: '../lib/src/index.ts' };\n",
      'lib/src/index.ts': "export { users } from './users';\nexport * from './posts.js';\nexport { pgTable } from 'drizzle-orm/pg-core';\n",
      'lib/src/users.ts': schemaFile,
      'lib/src/posts.ts': "export * from './users';\n",
    });
    const config = await loadDrizzleConfig({ cwd: root, configPath: 'db/drizzle.config.ts' });
    const lib = join(root, 'lib', 'src');
    expect(config.schemaFiles).toEqual([join(lib, 'index.ts')]);
    expect(config.sourceFiles).toEqual([join(lib, 'index.ts'), join(lib, 'users.ts'), join(lib, 'posts.ts')]);
  });

  it.each([
    ["export default { dialect: 'postgresql', schema: './s.ts' };\n", { dialect: 'postgresql', setting: 'dialect: "postgresql"' }],
    ["export default { dialect: 'turso', schema: './s.ts' };\n", { dialect: 'sqlite', setting: 'dialect: "turso"' }],
    ["export default { dialect: 'sqlite', schema: './s.ts' };\n", { dialect: 'sqlite', setting: 'dialect: "sqlite"' }],
    ["export default { dialect: 'mysql', schema: './s.ts' };\n", { dialect: 'mysql', setting: 'dialect: "mysql"' }],
    ["export default { dialect: 'singlestore', schema: './s.ts' };\n", { dialect: null, setting: 'dialect: "singlestore"' }],
    ["export default { driver: 'pg', schema: './s.ts' };\n", { dialect: 'postgresql', setting: 'driver: "pg"' }],
    ["export default { driver: 'mysql2', schema: './s.ts' };\n", { dialect: 'mysql', setting: 'driver: "mysql2"' }],
  ])('names the database a config says, for core to pick its dialect: %s', async (config, database) => {
    const root = projectWith(config, { 's.ts': 'export {};\n' });
    const loaded = await loadDrizzleConfig({ cwd: root });
    expect(loaded.database).toEqual({ ...database, file: join(root, 'drizzle.config.ts') });
  });

  it.each([
    ["export default { dialect: 'postgres', schema: './s.ts' };\n", 'CONFIG_INVALID', 'dialect is "postgres"'],
    ["export default { driver: 'node-postgres', schema: './s.ts' };\n", 'CONFIG_INVALID', 'dialect is undefined'],
    ["export default { dialect: 'postgresql', schema: './nothing/*.ts' };\n", 'CONFIG_INVALID', 'matches no .ts or .js file'],
    ["export default { dialect: 'postgresql' };\n", 'CONFIG_INVALID', '"schema" must be a path'],
    ["export const x = 1;\n", 'CONFIG_INVALID', 'has no default export'],
    ["import 'does-not-exist';\nexport default {};\n", 'CONFIG_INVALID', 'failed to load'],
  ])('rejects a bad config with a reason: %s', async (config, code, message) => {
    const root = projectWith(config);
    await expect(loadDrizzleConfig({ cwd: root })).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('says where it looked when there is no config', async () => {
    const root = projectWith('');
    await expect(loadDrizzleConfig({ cwd: join(root, '..') })).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND', hint: expect.stringContaining('--config') });
    await expect(loadDrizzleConfig({ cwd: root, configPath: 'missing.ts' })).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
  });
});
