import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stageSources } from '../src/stage-sources.js';

const created: string[] = [];
afterAll(() => {
  for (const root of created) rmSync(root, { recursive: true, force: true });
});

const importsOf = (content: string) => [...content.matchAll(/from '([^']+)'/g)].map((match) => match[1]!);

describe('stageSources', () => {
  it("stages a schema beside the config's folder with the files it imports, inside the staging folder", async () => {
    const monorepo = mkdtempSync(join(tmpdir(), 'stage-'));
    created.push(monorepo);
    const root = join(monorepo, 'projects', 'db');
    const schema = join(monorepo, 'projects', 'schema', 'src');
    mkdirSync(root, { recursive: true });
    mkdirSync(schema, { recursive: true });
    writeFileSync(join(schema, 'index.ts'), "export { users } from './users';\n");
    writeFileSync(join(schema, 'users.ts'), 'export const users = 1;\n');
    const staged = await stageSources({ root, entryFiles: [join(schema, 'index.ts')], overrides: new Map([[join(schema, 'users.ts'), 'export const users = 2;\n']]), importsOf });
    try {
      const index = staged.stagedPath(join(schema, 'index.ts'));
      const users = staged.stagedPath(join(schema, 'users.ts'));
      expect(index.startsWith(join(root, 'node_modules', '.cache', 'orm-ai', 'stage-'))).toBe(true);
      expect(readFileSync(users, 'utf8')).toBe('export const users = 2;\n');
      expect(join(index, '..', 'users.ts')).toBe(users);
    } finally {
      await staged.dispose();
    }
    expect(existsSync(join(root, 'node_modules', '.cache', 'orm-ai', 'schema'))).toBe(false);
  });
});
