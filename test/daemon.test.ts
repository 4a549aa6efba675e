import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { copyExample, REPO_ROOT, snapshotTree } from './support/example-project.js';

const execute = promisify(execFile);
const BIN = join(REPO_ROOT, 'packages/drizzle/dist/bin.js');
const disposals: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const dispose of disposals.reverse()) await dispose();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A project copy with its own socket folder (TMPDIR) and cache, so this file's daemons are
 * its own; each is stopped when the file ends.
 */
function project(env: Record<string, string> = {}) {
  const { root, dispose } = copyExample('drizzle-app');
  const sockets = mkdtempSync(join(tmpdir(), 'orm-ai-daemon-test-'));
  const runEnv = { ...process.env, ORM_AI_DAEMON: 'on', TMPDIR: sockets, ORM_AI_CACHE_DIR: join(root, '.cache'), NO_COLOR: '1', ...env };
  const run = (args: readonly string[]): Promise<Run> =>
    execute(process.execPath, [BIN, ...args], { cwd: root, env: runEnv }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  const folder = join(sockets, `orm-ai-${process.getuid!()}`);
  /** The daemon's `{ pid, build, cwd }`, when one listens. */
  const info = (): { pid: number; build: string } | undefined => {
    const file = existsSync(folder) ? readdirSync(folder).find((name) => name.endsWith('.json')) : undefined;
    return file ? (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { pid: number; build: string }) : undefined;
  };
  disposals.push(async () => {
    await run(['daemon', 'stop']);
    rmSync(sockets, { recursive: true, force: true });
    dispose();
  });
  return { root, run, folder, info };
}

const generate = (plan: string, ...flags: string[]) => ['generate', '--plan', `plans/${plan}.json`, ...flags];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('the project daemon', () => {
  it('serves a second run warm as a run in its own process would, and sees what changed on disk between runs', async () => {
    const { root, run } = project();
    const inProcess = await run(generate('add-post-tags', '--dry-run', '--no-daemon'));
    expect(inProcess.code).toBe(0);
    const first = await run(generate('add-post-tags', '--dry-run'));
    const second = await run(generate('add-post-tags', '--dry-run'));
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toBe(inProcess.stdout);
    expect(second.stderr).toBe(inProcess.stderr);
    expect((await run(['daemon', 'status'])).stdout).toMatch(/2 run\(s\) served \(1 on a warm shadow, 1 on a warm type checker\)/);

    expect((await run(generate('add-post-tags', '--yes'))).code).toBe(0);
    // The kept shadow holds two migrations; this run's history has three, the third replayed on it.
    const next = await run(generate('add-bookmarks-table', '--dry-run'));
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/Migration drizzle\/0003_/);
    appendFileSync(join(root, 'src', 'db', 'schema.ts'), "\nexport const pageSize: number = 'twenty';\n");
    const withoutCache = (tree: Record<string, string>) => Object.fromEntries(Object.entries(tree).filter(([path]) => !path.startsWith('.cache/')));
    const before = withoutCache(snapshotTree(root));
    const broken = await run(generate('add-bookmarks-table', '--yes', '--json'));
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, error: { code: 'SCHEMA_READ_FAILED' } });
    expect(withoutCache(snapshotTree(root))).toEqual(before);
    expect((await run(['daemon', 'status'])).stdout).toMatch(/5 run\(s\) served \(4 on a warm shadow, 4 on a warm type checker\)/);
  });

  it('listens on a socket only its user may use, refuses a client of another build, and is not used from a folder open to others', async () => {
    const { run, folder, info } = project();
    expect((await run(generate('add-post-tags', '--dry-run'))).code).toBe(0);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const socket = join(folder, readdirSync(folder).find((name) => name.endsWith('.sock'))!);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const { pid } = info()!;
    const answer = await new Promise<string>((resolve, reject) => {
      const client = connect(socket, () => {
        client.write(`${JSON.stringify({ type: 'run', build: 'another', argv: ['generate'], cwd: '/', env: {}, interactive: false })}\n`);
      });
      let received = '';
      client.setEncoding('utf8');
      client.on('data', (chunk: string) => (received += chunk));
      client.on('close', () => resolve(received));
      client.on('error', reject);
    });
    expect(JSON.parse(answer)).toMatchObject({ type: 'refused', reason: 'the daemon is another build' });
    expect(await until(() => !alive(pid), 10_000)).toBe(true);
    chmodSync(folder, 0o755);
    const open = await run(generate('add-post-tags', '--dry-run'));
    expect(open.code).toBe(0);
    expect(open.stderr).toMatch(/not using a daemon, .* is open to other users \(mode 755\)/);
    expect(readdirSync(folder).filter((name) => name.endsWith('.sock'))).toEqual([]);
  });

  it('exits after its idle time', async () => {
    const { run, info } = project({ ORM_AI_DAEMON_IDLE_SECONDS: '1' });
    expect((await run(generate('add-post-tags', '--dry-run'))).code).toBe(0);
    const { pid } = info()!;
    expect(await until(() => !alive(pid), 15_000)).toBe(true);
    expect(info()).toBeUndefined();
  });
});
