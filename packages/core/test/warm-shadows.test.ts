import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MigrationScript } from '../src/orm-plugin.js';
import { openPreparedShadow } from '../src/dialect/postgres/shadow/prepared-shadow.js';
import { opensSessions } from '../src/shadow/shadow-database.js';
import { closeWarmShadows, keepShadowsWarm, warmShadowReuses } from '../src/dialect/postgres/shadow/warm-shadows.js';

/** random() beside each migration's number: the same value again means the same running shadow. */
const migration = (id: number): MigrationScript => ({
  id: `000${id}_m`,
  path: `migrations/000${id}_m.sql`,
  sql: `${id === 1 ? 'CREATE TABLE marks (id integer PRIMARY KEY, value float8 NOT NULL);\n' : ''}INSERT INTO marks VALUES (${id}, random());`,
});

async function openAndRead(scripts: readonly MigrationScript[], cacheDir: string, during?: (shadow: Awaited<ReturnType<typeof openPreparedShadow>>) => Promise<void>) {
  const shadow = await openPreparedShadow({ scripts, transaction: 'all', cacheDir });
  try {
    await during?.(shadow);
    return await shadow.isolated({}, (view) => view.query<{ id: number; value: number }>('SELECT id, value FROM marks ORDER BY id'));
  } finally {
    await shadow.close();
  }
}

describe('the shadow a daemon keeps between runs', () => {
  it('lends the running shadow to the next run, replays only what was added on it, and never keeps one a run changed directly', async () => {
    keepShadowsWarm();
    const cacheDir = mkdtempSync(join(tmpdir(), 'orm-ai-warm-'));
    try {
      const first = await openAndRead([migration(1), migration(2)], cacheDir, async (shadow) => {
        // It lends PGlite, a single session: nothing to probe a lock with.
        expect(opensSessions(shadow)).toBe(false);
        // Rolled back: the kept shadow holds what it held when lent.
        await shadow.isolated({}, (view) => view.exec('INSERT INTO marks VALUES (99, 0)'));
      });
      expect(first.map((row) => row.id)).toEqual([1, 2]);
      const second = await openAndRead([migration(1), migration(2), migration(3)], cacheDir);
      expect(warmShadowReuses()).toBe(1);
      expect(second.slice(0, 2)).toEqual(first);
      expect(second.map((row) => row.id)).toEqual([1, 2, 3]);
      // SQL run on the lent shadow itself: not kept.
      await openAndRead([migration(1), migration(2), migration(3)], cacheDir, (shadow) => shadow.exec('DELETE FROM marks WHERE id = 3'));
      expect(warmShadowReuses()).toBe(2);
      const fourth = await openAndRead([migration(1), migration(2), migration(3)], cacheDir);
      expect(warmShadowReuses()).toBe(2);
      expect(fourth.map((row) => row.id)).toEqual([1, 2, 3]);
      // An edited old migration misses: the kept shadow is closed, not replayed on.
      const edited = await openAndRead([{ ...migration(1), sql: `${migration(1).sql} INSERT INTO marks VALUES (10, 0);` }], cacheDir);
      expect(warmShadowReuses()).toBe(2);
      expect(edited.map((row) => row.id)).toEqual([1, 10]);
    } finally {
      await closeWarmShadows();
    }
  });
});
