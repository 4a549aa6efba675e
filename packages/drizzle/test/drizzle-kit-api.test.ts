import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { legacyPayloadApi, loadDrizzleKit, type DrizzleSnapshot } from '../src/drizzle-kit-api.js';

const scratch = fileURLToPath(new URL('../../../test/.tmp', import.meta.url));
const created: string[] = [];
afterAll(() => {
  for (const root of created) rmSync(root, { recursive: true, force: true });
});

/** A project whose drizzle-kit is shaped like 0.20-0.22: `./payload` exported, no `./api`. */
function projectWithPayloadOnlyKit(): string {
  mkdirSync(scratch, { recursive: true });
  const root = mkdtempSync(join(scratch, 'kit-'));
  created.push(root);
  const kit = join(root, 'node_modules', 'drizzle-kit');
  mkdirSync(kit, { recursive: true });
  writeFileSync(join(root, 'package.json'), '{}\n');
  writeFileSync(join(kit, 'package.json'), JSON.stringify({ name: 'drizzle-kit', version: '0.20.17', exports: { './payload': { require: './payload.js', default: './payload.js' } } }));
  writeFileSync(
    join(kit, 'payload.js'),
    "exports.generateDrizzleJson = (imports, prevId) => ({ id: 'new', prevId, version: '5', args: arguments.length });\n" +
      "exports.generateMigration = async () => ['-- from payload'];\n",
  );
  return root;
}

const snapshot = { id: 'a', prevId: 'b', version: '5' } as DrizzleSnapshot;

describe('loadDrizzleKit', () => {
  it('falls back to drizzle-kit/payload where drizzle-kit/api does not exist (0.20-0.22)', async () => {
    const api = await loadDrizzleKit(projectWithPayloadOnlyKit());
    expect(api.generateDrizzleJson({}, 'prev', ['public'])).toMatchObject({ id: 'new', prevId: 'prev', version: '5' });
    await expect(api.generateMigration(snapshot, snapshot)).resolves.toEqual(['-- from payload']);
  });

  it('says drizzle-kit is missing when neither entry resolves', async () => {
    // Outside the repository, where the workspace's drizzle-kit does not resolve.
    const root = mkdtempSync(join(tmpdir(), 'nokit-'));
    created.push(root);
    await expect(loadDrizzleKit(root)).rejects.toMatchObject({ code: 'CONFIG_INVALID', hint: expect.stringContaining('npm install -D drizzle-kit') });
  });
});

describe('legacyPayloadApi', () => {
  const calls: unknown[][] = [];
  const payload = {
    generateDrizzleJson: (...args: unknown[]) => {
      calls.push(args);
      return snapshot;
    },
    generateMigration: async () => [],
  };

  it('takes the functions from a CommonJS default export and passes only (imports, prevId)', () => {
    const api = legacyPayloadApi({ default: payload } as never);
    api.generateDrizzleJson({ t: 1 }, 'prev', ['public']);
    expect(calls.at(-1)).toEqual([{ t: 1 }, 'prev']);
  });

  it('refuses casing, which those versions of drizzle-kit would ignore', () => {
    const api = legacyPayloadApi(payload);
    expect(() => api.generateDrizzleJson({}, undefined, undefined, 'snake_case')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('casing') }));
  });

  it('refuses a payload without the PostgreSQL functions', () => {
    expect(() => legacyPayloadApi({} as never)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
