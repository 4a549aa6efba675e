import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it, vi } from 'vitest';
import type { MigrationScript } from '../src/orm-plugin.js';
import { openPreparedShadow } from '../src/dialect/postgres/shadow/prepared-shadow.js';
import { cachedInitdb, longestCachedPrefix, prefixKeys, shadowCacheDir, storeInitdb } from '../src/dialect/postgres/shadow/prepared-shadow-cache.js';

/**
 * Each migration stores random() beside its number: a value that comes back the same was
 * loaded from the cache, a new one was replayed.
 */
function migration(id: number, extra = ''): MigrationScript {
  const create = id === 1 ? 'CREATE TABLE marks (id integer PRIMARY KEY, value float8 NOT NULL);\n' : '';
  return { id: `000${id}_m`, path: `migrations/000${id}_m.sql`, sql: `${create}INSERT INTO marks VALUES (${id}, random());${extra}` };
}

const history = [migration(1), migration(2), migration(3)];

async function marks(scripts: readonly MigrationScript[], cacheDir: string): Promise<{ values: Map<number, number>; user: string; superuser: string }> {
  const shadow = await openPreparedShadow({ scripts, transaction: 'all', cacheDir });
  try {
    const rows = await shadow.query<{ id: number; value: number }>('SELECT id, value FROM marks ORDER BY id');
    const [who] = await shadow.query<{ user: string; superuser: string }>("SELECT current_user AS user, current_setting('is_superuser') AS superuser");
    return { values: new Map(rows.map((row) => [row.id, row.value])), ...who! };
  } finally {
    await shadow.close();
  }
}

const entries = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.pgdata'));

describe('prepared shadows cached on disk', () => {
  it('loads a cached history instead of replaying it, acting as the confined role again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-cache-'));
    const first = await marks(history, dir);
    expect(entries(dir)).toHaveLength(1);
    const second = await marks(history, dir);
    expect(second.values).toEqual(first.values);
    expect(second.user).toMatch(/^orm_ai_shadow_/);
    expect(second.superuser).toBe('off');
  });

  it('replays only an added migration on top of the cached prefix, and caches the longer history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-cache-'));
    const before = await marks(history, dir);
    const after = await marks([...history, migration(4)], dir);
    expect([1, 2, 3].map((id) => after.values.get(id))).toEqual([1, 2, 3].map((id) => before.values.get(id)));
    expect(after.values.has(4)).toBe(true);
    const keys = prefixKeys([...history, migration(4)], 'all');
    expect((await longestCachedPrefix(dir, keys))?.count).toBe(4);
  });

  it('misses when an old migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-cache-'));
    const before = await marks(history, dir);
    const edited = await marks([migration(1, ' -- edited'), migration(2), migration(3)], dir);
    expect(edited.values.get(1)).not.toBe(before.values.get(1));
  });

  it('deletes a damaged entry and rebuilds it, never loading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-cache-'));
    const before = await marks(history, dir);
    const [name] = entries(dir);
    const path = join(dir, name!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(path, bytes);
    const rebuilt = await marks(history, dir);
    expect(rebuilt.values.get(1)).not.toBe(before.values.get(1));
    // The rebuilt entry is whole again: the next run loads it.
    expect((await marks(history, dir)).values).toEqual(rebuilt.values);
  });

  it('two runs at once leave one valid entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-cache-'));
    await Promise.all([marks(history, dir), marks(history, dir)]);
    expect(entries(dir)).toHaveLength(1);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await longestCachedPrefix(dir, prefixKeys(history, 'all')))?.count).toBe(3);
  });
});

describe('shadowCacheDir', () => {
  it('is ORM_AI_CACHE_DIR when set, else the project\'s node_modules/.cache/orm-ai, else none', () => {
    const root = mkdtempSync(join(tmpdir(), 'orm-ai-root-'));
    expect(shadowCacheDir({ root, env: { ORM_AI_CACHE_DIR: '/somewhere' } })).toBe('/somewhere');
    expect(shadowCacheDir({ root, env: {} })).toBeUndefined();
    writeFileSync(join(root, 'node_modules'), '');
    expect(shadowCacheDir({ root, env: {} })).toBe(join(root, 'node_modules', '.cache', 'orm-ai'));
  });
});

describe("initdb's data directory cached on disk", () => {
  /** fresh-pglite.ts keeps initdb's dump per process: a new module instance stands for a new process. */
  async function freshProcess() {
    vi.resetModules();
    return import('../src/dialect/postgres/shadow/fresh-pglite.js');
  }

  it('is stored by the first start in a cache folder and loaded by the next process, which runs no initdb', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-initdb-'));
    const first = await (await freshProcess()).startFreshPglite({ cacheDir: dir });
    await first.exec("CREATE TABLE left_by_first (id integer)");
    await first.close();
    expect(readdirSync(dir).filter((name) => name.endsWith('.initdb'))).toHaveLength(1);
    expect(await cachedInitdb(dir)).not.toBeNull();

    const create = vi.spyOn(PGlite, 'create');
    const second = await (await freshProcess()).startFreshPglite({ cacheDir: dir });
    try {
      // Loaded from the dump taken right after initdb: what the first did later is not in it.
      expect(create.mock.calls.map(([options]) => (options as { loadDataDir?: unknown } | undefined)?.loadDataDir !== undefined)).toEqual([true]);
      expect(await second.query("SELECT to_regclass('left_by_first') AS found")).toMatchObject({ rows: [{ found: null }] });
    } finally {
      create.mockRestore();
      await second.close();
    }
  });

  it('treats a damaged entry as absent and deletes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orm-ai-initdb-'));
    await storeInitdb(dir, new Blob([Buffer.from('not a data directory')]));
    const [entry] = readdirSync(dir).filter((name) => name.endsWith('.initdb'));
    writeFileSync(join(dir, entry!), readFileSync(join(dir, entry!)).subarray(0, -3));
    expect(await cachedInitdb(dir)).toBeNull();
    expect(readdirSync(dir).filter((name) => name.endsWith('.initdb'))).toEqual([]);
  });
});
