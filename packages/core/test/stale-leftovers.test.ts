import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePostgresServer, queryServer, serverTestUrl } from '../../../test/support/postgres-server.js';
import { ThrowawayDatabases } from '../src/dialect/postgres/shadow/server-databases.js';
import { newShadowName, shadowLabel } from '../src/shadow/throwaway-names.js';
import { removeStaleRunFiles, stagingRoot } from '../src/stale-run-files.js';

/** The id of a process that has exited: what a SIGKILLed run leaves in its file names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('what killed runs left in a project', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'orm-ai-stale-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("removes temporary files and staging folders of processes that are gone, and keeps a live run's", async () => {
    const dead = deadPid();
    const write = (path: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), 'x');
    };
    write(`src/db/schema.ts.orm-ai-${dead}-0.tmp`);
    write(`drizzle/meta/_journal.json.orm-ai-${dead}-3.tmp`);
    write(`src/db/schema.ts.orm-ai-${process.pid}-0.tmp`);
    write('src/db/schema.ts');
    write('notes.orm-ai.tmp');
    write(`node_modules/some-package/file.orm-ai-${dead}-0.tmp`);
    const staging = stagingRoot(root);
    mkdirSync(join(staging, `stage-${dead}-0a1b2c3d4e5f`, 'src'), { recursive: true });
    mkdirSync(join(staging, `stage-${process.pid}-0a1b2c3d4e5f`), { recursive: true });
    mkdirSync(join(staging, 'stage-abcdef012345'), { recursive: true });
    mkdirSync(join(staging, 'stage-0123456789ab'), { recursive: true });
    const hourAndMore = (Date.now() - 2 * 60 * 60 * 1000) / 1000;
    utimesSync(join(staging, 'stage-abcdef012345'), hourAndMore, hourAndMore);

    const removed = await removeStaleRunFiles(root);

    expect(removed.map((path) => path.slice(root.length + 1)).sort()).toEqual(
      [`drizzle/meta/_journal.json.orm-ai-${dead}-3.tmp`, 'node_modules/.cache/orm-ai/stage-abcdef012345', `node_modules/.cache/orm-ai/stage-${dead}-0a1b2c3d4e5f`, `src/db/schema.ts.orm-ai-${dead}-0.tmp`].sort(),
    );
    for (const kept of [`src/db/schema.ts.orm-ai-${process.pid}-0.tmp`, 'src/db/schema.ts', 'notes.orm-ai.tmp', `node_modules/some-package/file.orm-ai-${dead}-0.tmp`]) {
      expect(existsSync(join(root, kept))).toBe(true);
    }
    expect(existsSync(join(staging, `stage-${process.pid}-0a1b2c3d4e5f`))).toBe(true);
    // An old-style folder less than an hour old may be a run of an older version at work.
    expect(existsSync(join(staging, 'stage-0123456789ab'))).toBe(true);
  });
});

describe.runIf(serverTestUrl())('what killed runs left on a server', () => {
  const url = serverTestUrl()!;
  const admin = (sql: string, params: unknown[] = []) => queryServer(url, sql, params);
  const comment = (created: Date) => `'${JSON.stringify({ ...shadowLabel(created), pid: 1, run: 'killedrun000' })}'`;
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  /** A database and its role as a run leaves them when it is killed. */
  const plant = async (options: { name?: string; created?: Date; label?: string } = {}) => {
    const name = options.name ?? newShadowName();
    const label = options.label ?? comment(options.created ?? twoHoursAgo);
    await admin(`CREATE ROLE ${name} LOGIN`);
    await admin(`CREATE DATABASE ${name} OWNER ${name}`);
    await admin(`COMMENT ON ROLE ${name} IS ${label}`);
    await admin(`COMMENT ON DATABASE ${name} IS ${label}`);
    return name;
  };
  const exists = async (name: string) => {
    const [row] = await admin('SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1) AS database, EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS role', [name]);
    return row as { database: boolean; role: boolean };
  };
  const planted: string[] = [];
  beforeAll(() => ensurePostgresServer(url));
  afterAll(async () => {
    for (const name of planted) {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`DROP ROLE IF EXISTS ${name}`);
    }
  });

  it('drops an old leftover no session uses, and keeps one in use, a young one, and any it did not name', async () => {
    const abandoned = await plant();
    const young = await plant({ created: new Date() });
    const inUse = await plant();
    const notOurs = await plant({ name: 'orm_ai_shadow_notours00000' });
    const unlabelled = await plant({ label: "'made by hand'" });
    planted.push(abandoned, young, inUse, notOurs, unlabelled);
    // A live run's session on the database it is using.
    const live = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: `/${inUse}` }).toString() });
    await live.connect();
    try {
      const family = await ThrowawayDatabases.open({ url });
      await family.close();
      expect(await exists(abandoned)).toEqual({ database: false, role: false });
      for (const kept of [young, inUse, notOurs, unlabelled]) expect(await exists(kept)).toEqual({ database: true, role: true });
    } finally {
      await live.end();
    }
  });

  it("drops a database killed before its COMMENT by its owner role's label, and keeps a young run's", async () => {
    const [old, young] = [newShadowName(), newShadowName()];
    planted.push(old, young);
    for (const [name, created] of [[old, twoHoursAgo], [young, new Date()]] as const) {
      await admin(`CREATE ROLE ${name} NOLOGIN`);
      await admin(`COMMENT ON ROLE ${name} IS ${comment(created)}`);
      await admin(`CREATE DATABASE ${name} OWNER ${name}`);
    }
    await (await ThrowawayDatabases.open({ url })).close();
    expect(await exists(old)).toEqual({ database: false, role: false });
    expect(await exists(young)).toEqual({ database: true, role: true });
  });

  it('drops a role left without its database', async () => {
    const name = newShadowName();
    planted.push(name);
    await admin(`CREATE ROLE ${name} NOLOGIN`);
    await admin(`COMMENT ON ROLE ${name} IS ${comment(twoHoursAgo)}`);
    await (await ThrowawayDatabases.open({ url })).close();
    expect(await exists(name)).toEqual({ database: false, role: false });
  });
});
