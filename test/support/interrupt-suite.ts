import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ensurePostgresServer, queryServer, serverTestUrl } from './postgres-server.js';
import { listShadowObjects, runInterrupted, seededRandom, sleepWhileRunning, type CliRun, type RunningCli, type RunResult } from './interrupted-runs.js';

const MOMENTS = 10;

/**
 * Ctrl-C at `MOMENTS` random moments of a `--yes --shadow-url` run: afterwards no throwaway
 * database or role of that run is left on the server, the project's files are all old or all
 * new, and no temporary file is left beside them. The seed is printed so a failing moment
 * can be replayed (`INTERRUPT_SEED=...`). First, a whole run removes what a killed run left:
 * an hour-old database and role on the server, a temporary file in the project.
 */
export function describeCtrlC(name: string, run: (shadowUrl: string) => CliRun): void {
  describe.runIf(serverTestUrl())(`Ctrl-C during ${name} --yes --shadow-url`, () => {
    it(`leaves no shadow database, role or temporary file, and all old files or all new, at ${MOMENTS} random moments`, async () => {
      const url = serverTestUrl()!;
      await ensurePostgresServer(url);
      const cli = run(url);
      // What a SIGKILLed run left: a database and its role an hour old, and a temporary file.
      const leftover = await plantLeftover(url);
      const killedWrite = `package.json.orm-ai-${deadPid()}-0.tmp`;
      const complete = await runInterrupted(cli, { prepare: (root) => writeFileSync(join(root, killedWrite), 'half written') });
      // The planted temporary file is gone with the rest: temporaryFiles lists what is left.
      expect(complete, complete.stderr).toMatchObject({ code: 0, temporaryFiles: [] });
      expect(complete.changed.length).toBeGreaterThan(0);
      await expectNothingLeftBy(url, complete);
      expect((await listShadowObjects(url)).filter((object) => object.name === leftover)).toEqual([]);

      const seed = Number(process.env.INTERRUPT_SEED ?? Date.now() % 1_000_000);
      const random = seededRandom(seed);
      console.info(`${name}: a whole run took ${complete.elapsedMs} ms; interrupt seed ${seed}`);
      for (let moment = 0; moment < MOMENTS; moment += 1) {
        const at = Math.round(random() * complete.elapsedMs);
        const interrupted = await runInterrupted(cli, {
          drive: async (running) => {
            await sleepWhileRunning(running, at);
            running.interrupt();
          },
        });
        const context = `SIGINT at ${at} ms (seed ${seed}): exit ${interrupted.code ?? interrupted.signal}\n${interrupted.stderr}`;
        // 130 after cleaning up; 0 when the run had ended first; killed by the signal itself before the handler was installed.
        expect([130, 0, null], context).toContain(interrupted.code);
        expect(interrupted.temporaryFiles, context).toEqual([]);
        expect([[], complete.changed], context).toContainEqual(interrupted.changed);
        await expectNothingLeftBy(url, interrupted, context);
      }
    });
  });
}

/**
 * A second Ctrl-C quits at once, as the first one's message promises, even while the first
 * one's cleanup is stuck: the test holds a lock on the run's role, so its DROP ROLE waits.
 * What the run leaves is what a SIGKILL leaves, which a later run removes; the test drops it.
 */
export function describeSecondCtrlC(name: string, run: (shadowUrl: string) => CliRun): void {
  describe.runIf(serverTestUrl())(`a second Ctrl-C during ${name}`, () => {
    it("quits at once with 130 while the first one's cleanup waits", async () => {
      const url = serverTestUrl()!;
      await ensurePostgresServer(url);
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        const result = await runInterrupted(run(url), {
          drive: async (cli) => {
            const role = await roleOf(url, cli);
            if (role === null) return;
            // COMMENT locks the role until this transaction ends; DROP ROLE must wait for it.
            await holder.query('BEGIN');
            await holder.query(`COMMENT ON ROLE ${role} IS 'held by the test'`);
            cli.interrupt();
            while (!cli.stderr().includes('Interrupted')) await sleepWhileRunning(cli, 50);
            await sleepWhileRunning(cli, 500);
            cli.interrupt();
          },
        });
        await holder.query('ROLLBACK');
        await dropWhatRunLeft(url, result.pid);
        expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(130);
        expect(result.exitAfterLastSignalMs).toBeLessThan(1_000);
      } finally {
        await holder.end();
      }
    });
  });
}

/** The run's throwaway role, once it exists (null if the run ends first). */
async function roleOf(url: string, cli: RunningCli): Promise<string | null> {
  let exited = false;
  void cli.exited.then(() => (exited = true));
  while (!exited) {
    const role = (await listShadowObjects(url)).find((object) => object.kind === 'role' && object.pid === cli.pid);
    if (role) return role.name;
    await sleepWhileRunning(cli, 100);
  }
  return null;
}

/**
 * No database or role labelled with the run's process remains. One without a label yet may be
 * another test's, caught between its CREATE and its COMMENT: it must have a label a moment later.
 */
async function expectNothingLeftBy(url: string, result: RunResult, context = ''): Promise<void> {
  expect((await listShadowObjects(url)).filter((object) => object.pid === result.pid), context).toEqual([]);
  const unlabelled = (await listShadowObjects(url)).filter((object) => object.pid === null).map((object) => object.name);
  if (unlabelled.length === 0) return;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const stillUnlabelled = (await listShadowObjects(url)).filter((object) => object.pid === null && unlabelled.includes(object.name));
  expect(stillUnlabelled, context).toEqual([]);
}

/** A database and its role labelled as a run two hours ago left them, with no session on them. */
async function plantLeftover(url: string): Promise<string> {
  const name = `orm_ai_shadow_${randomBytes(6).toString('hex')}`;
  const label = JSON.stringify({ tool: 'orm-ai', run: 'killedrun000', pid: 1, host: 'elsewhere', created: new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString() });
  await queryServer(url, `CREATE ROLE ${name} NOLOGIN`);
  await queryServer(url, `CREATE DATABASE ${name} OWNER ${name}`);
  await queryServer(url, `COMMENT ON ROLE ${name} IS '${label}'`);
  await queryServer(url, `COMMENT ON DATABASE ${name} IS '${label}'`);
  return name;
}

/** The id of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** Every database and role a run left, unlabelled databases included through their owner role. */
async function dropWhatRunLeft(url: string, pid: number): Promise<void> {
  const left = (await listShadowObjects(url)).filter((object) => object.pid === pid);
  const roles = left.filter((object) => object.kind === 'role').map((object) => object.name);
  const owned = await queryServer<{ name: string }>(url, 'SELECT datname AS name FROM pg_database WHERE pg_get_userbyid(datdba) = ANY($1)', [roles]);
  for (const name of new Set([...left.filter((object) => object.kind === 'database').map((object) => object.name), ...owned.map((row) => row.name)])) {
    await queryServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  for (const role of roles) await queryServer(url, `DROP ROLE IF EXISTS ${role}`);
}
