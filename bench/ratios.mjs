/**
 * `npm run bench`: each CLI against the ORM's own tool making the same change on the same
 * example project, as separate processes, in CPU seconds (user + system, children included,
 * from GNU time) and wall time. Runs are paired (the ORM's tool, then ours warm, then ours
 * cold) so that a noisy shared machine slows both sides of a pair alike; the table gives the
 * min and median of the per-pair ratios over BENCH_PAIRS pairs (at least 3).
 *
 * - warm: a second run in the same project, through the project's daemon, which the first
 *   run started: the client's CPU plus the daemon's during the run (from /proc), and the
 *   larger of the two peaks; "in-process" is the same run with --no-daemon (as in CI), its
 *   prepared shadow loaded from the disk cache (ORM_AI_CACHE_DIR);
 * - cold: an empty cache and no daemon yet: the client's CPU plus all of the daemon's it started;
 * - the ORM's tool: `drizzle-kit generate`; `typeorm migration:generate` against a server
 *   database holding the migrations (BENCH_DATABASE_URL, default the local server; skipped
 *   without one); for Prisma one schema-engine `createMigration` (bench/prisma-create-migration.mjs).
 * - 1,000 tables: a generated Drizzle project (bench/wide-schema.mjs) with one migration
 *   creating them, against drizzle-kit on the same edit; its peak RSS is the memory target.
 * - long history: the corpus project with the most migrations (bench/long-history.mjs), warm.
 * - check: 20 SQL files against 1, each judged on the same `--setup` state.
 *
 * Prints Markdown for the README.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { longHistory } from './long-history.mjs';
import { WIDE_CONFIG, wideSchemaSource } from './wide-schema.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(repo, 'bench', '.tmp');
const PAIRS = Math.max(3, Number(process.env.BENCH_PAIRS ?? 3));
const GNU_TIME = '/usr/bin/time';
const node = process.execPath;
const bin = (orm) => join(repo, 'packages', orm, 'dist', 'bin.js');

let measurements = 0;

/** One process, measured by GNU time: wall and CPU seconds, peak RSS in MiB. Throws when it fails. */
function measured(args, { cwd, env = {}, findingsExit = false }) {
  const out = join(scratch, `time-${(measurements += 1)}.txt`);
  const result = spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', out, node, ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // `check` exits 1 when it finds an error in the SQL it judges, which is its job here.
  if (result.status !== 0 && !(findingsExit && result.status === 1 && result.stdout.includes('error'))) {
    throw new Error(`${args.join(' ')} in ${cwd} exited with ${result.status}:\n${result.stderr}\n${result.stdout}`.slice(0, 4000));
  }
  const [wall, user, system, rssKiB] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + system, rssMiB: rssKiB / 1024 };
}

/** The daemon whose socket folder is under `sockets` (the TMPDIR its client had), if one runs. */
function daemonIn(sockets) {
  const folder = join(sockets, `orm-ai-${process.getuid()}`);
  const info = existsSync(folder) ? readdirSync(folder).find((name) => name.endsWith('.json')) : undefined;
  if (!info) return undefined;
  const { pid } = JSON.parse(readFileSync(join(folder, info), 'utf8'));
  try {
    // utime, stime, cutime, cstime: clock ticks (100 a second on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const cpu = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) / 100;
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { pid, cpu, peakMiB: peakKiB / 1024 };
  } catch {
    return undefined;
  }
}

/** A run of ours through the daemon of `sockets`: the client's CPU plus the daemon's during the run. */
function measuredWithDaemon(args, { cwd, env, sockets }) {
  const before = daemonIn(sockets);
  const client = measured(args, { cwd, env: { ...env, TMPDIR: sockets, ORM_AI_DAEMON: 'on' } });
  const after = daemonIn(sockets);
  if (!after) throw new Error(`${args.join(' ')} in ${cwd} left no daemon in ${sockets}`);
  const daemonCpu = after.cpu - (before?.pid === after.pid ? before.cpu : 0);
  return { wall: client.wall, cpu: client.cpu + daemonCpu, rssMiB: Math.max(client.rssMiB, after.peakMiB), daemonPid: after.pid };
}

function stopDaemon(pid) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Gone already.
  }
}

function copyOf(source, name) {
  const target = join(scratch, name);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true, filter: (path) => !path.split(/[\\/]/).includes('node_modules') });
  return target;
}

/**
 * The example, our CLI's edit written once (untimed), and the ORM tool's starting point: the
 * edited schema source with the example's own migrations, so its generate makes the same change.
 */
function prepare({ example, from = join(repo, 'examples', example), name = example, migrations, ours }) {
  const base = copyOf(from, `${name}-base`);
  const edited = copyOf(base, `${name}-edited`);
  measured([...ours.slice(0, 1), ...ours.slice(1).filter((arg) => arg !== '--dry-run'), '--yes'], { cwd: edited, env: { ORM_AI_CACHE_DIR: join(scratch, 'unused-cache'), ORM_AI_DAEMON: 'off' } });
  rmSync(join(edited, migrations), { recursive: true, force: true });
  cpSync(join(base, migrations), join(edited, migrations), { recursive: true });
  return { base, theirsTemplate: edited };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One embedded PostgreSQL started from nothing and asked `select 1`: the floor a cold run is judged against. */
function pgliteStart() {
  const script = "const { PGlite } = await import('@electric-sql/pglite'); const db = await PGlite.create(); await db.query('select 1'); await db.close();";
  return measured(['--input-type=module', '-e', script], { cwd: repo });
}

/** Paired runs of one ORM: the ORM's tool, ours warm through the daemon, ours warm in-process, ours cold. */
function pairs({ name, prepared, ours, theirs }) {
  const warmCache = mkdtempSync(join(scratch, 'warm-cache-'));
  const warmSockets = mkdtempSync(join(tmpdir(), 'orm-ai-bench-'));
  const sockets = [warmSockets];
  const warmEnv = { ORM_AI_CACHE_DIR: warmCache };
  const first = measuredWithDaemon(ours, { cwd: prepared.base, env: warmEnv, sockets: warmSockets });
  const rows = [];
  try {
    for (let pair = 0; pair < PAIRS; pair += 1) {
      const theirsRun = theirs();
      const warm = measuredWithDaemon(ours, { cwd: prepared.base, env: warmEnv, sockets: warmSockets });
      const inProcess = measured([...ours, '--no-daemon'], { cwd: prepared.base, env: warmEnv });
      const cold = measuredWithDaemon(ours, {
        cwd: prepared.base,
        env: { ORM_AI_CACHE_DIR: mkdtempSync(join(scratch, 'cold-cache-')) },
        sockets: sockets[sockets.push(mkdtempSync(join(tmpdir(), 'orm-ai-bench-'))) - 1],
      });
      stopDaemon(cold.daemonPid);
      const pglite = pgliteStart();
      // The target for a cold run: one PGlite start plus twice the ORM's own command.
      const coldBudget = { cpu: pglite.cpu + 2 * theirsRun.cpu, wall: pglite.wall + 2 * theirsRun.wall };
      rows.push({ theirs: theirsRun, warm, inProcess, cold, coldBudget });
      console.error(
        `${name} pair ${pair + 1}: theirs ${theirsRun.cpu.toFixed(1)} CPU s, warm ${warm.cpu.toFixed(1)}, in-process ${inProcess.cpu.toFixed(1)}, cold ${cold.cpu.toFixed(1)}`,
      );
    }
  } finally {
    // The daemon the first run started, or one that replaced it (a rebuild meanwhile).
    for (const pid of new Set([first.daemonPid, daemonIn(warmSockets)?.pid])) if (pid) stopDaemon(pid);
    for (const folder of sockets) rmSync(folder, { recursive: true, force: true });
  }
  return { name, rows };
}

/** The same comparison on a generated project of `tables` tables, whose one migration creates them all. */
function wideDrizzle(tables) {
  const source = join(scratch, `wide-${tables}-source`);
  mkdirSync(join(source, 'src'), { recursive: true });
  mkdirSync(join(source, 'plans'), { recursive: true });
  writeFileSync(join(source, 'drizzle.config.ts'), WIDE_CONFIG);
  writeFileSync(join(source, 'src', 'schema.ts'), wideSchemaSource(tables));
  const target = `table_${String(Math.floor(tables / 2)).padStart(4, '0')}`;
  const plan = {
    version: 1,
    request: `Add a tags text[] column to ${target} with a GIN index`,
    summary: `Adds ${target}.tags and a GIN index.`,
    changes: [
      { kind: 'add_column', table: target, column: { name: 'tags', type: 'text[]', nullable: false, default: "'{}'::text[]" }, reason: 'asked' },
      { kind: 'create_index', table: target, name: `${target}_tags_idx`, columns: ['tags'], method: 'gin', reason: 'asked' },
    ],
  };
  writeFileSync(join(source, 'plans', 'add-tags.json'), JSON.stringify(plan));
  // Inside the repository, so that the project resolves the workspace's drizzle-orm and drizzle-kit.
  spawnSync(node, [join(repo, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate', '--name', 'init'], { cwd: source, stdio: 'ignore' });
  const ours = [bin('drizzle'), 'generate', '--plan', 'plans/add-tags.json', '--dry-run'];
  const prepared = prepare({ from: source, name: `wide-${tables}`, migrations: 'drizzle', ours });
  const theirs = () => {
    const root = copyOf(prepared.theirsTemplate, `wide-${tables}-kit-run`);
    return measured([join(repo, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate'], { cwd: root });
  };
  return pairs({ name: `\`drizzle-ai generate --plan\` / \`drizzle-kit generate\`, ${tables.toLocaleString('en')} tables`, prepared, ours, theirs });
}

function drizzle() {
  const ours = [bin('drizzle'), 'generate', '--plan', 'plans/add-post-tags.json', '--dry-run'];
  const prepared = prepare({ example: 'drizzle-app', migrations: 'drizzle', ours });
  const theirs = () => {
    const root = copyOf(prepared.theirsTemplate, 'drizzle-kit-run');
    return measured([join(repo, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate'], { cwd: root });
  };
  return pairs({ name: '`drizzle-ai generate --plan` / `drizzle-kit generate`', prepared, ours, theirs });
}

function prisma() {
  const ours = [bin('prisma'), 'migrate', '--plan', 'plans/add-post-tags.json', '--dry-run'];
  const prepared = prepare({ example: 'prisma-app', migrations: join('prisma', 'migrations'), ours });
  const theirs = () => measured([join(repo, 'bench', 'prisma-create-migration.mjs')], { cwd: prepared.theirsTemplate });
  return pairs({ name: '`prisma-ai migrate --plan` / one engine `createMigration`', prepared, ours, theirs });
}

async function typeorm() {
  const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new pg.Client({ connectionString: url.toString() });
  try {
    await admin.connect();
  } catch (error) {
    console.error(`TypeORM skipped: no server at ${url.host} for typeorm migration:generate (${error.message})`);
    return null;
  }
  const database = `orm_ai_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    url.pathname = `/${database}`;
    const ours = [bin('typeorm'), 'migration:generate', '--plan', 'plans/add-post-tags.json', '--dry-run', '-d', 'src/data-source.ts'];
    const prepared = prepare({ example: 'typeorm-app', migrations: join('src', 'migrations'), ours });
    const cli = join(repo, 'node_modules', 'typeorm', 'cli-ts-node-commonjs.js');
    const env = { DATABASE_URL: url.toString() };
    measured([cli, 'migration:run', '-d', 'src/data-source.ts'], { cwd: prepared.theirsTemplate, env });
    const theirs = () => {
      const root = copyOf(prepared.theirsTemplate, 'typeorm-generate-run');
      return measured([cli, 'migration:generate', 'src/migrations/AddPostTags', '-d', 'src/data-source.ts'], { cwd: root, env });
    };
    return pairs({ name: '`typeorm-ai migration:generate --plan` / `typeorm migration:generate`', prepared, ours, theirs });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/** `check` of 20 files against 1 file, each judged on the same setup state. */
function check() {
  const root = copyOf(join(repo, 'examples', 'drizzle-app'), 'check-files');
  writeFileSync(join(root, 'setup.sql'), 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n');
  const files = Array.from({ length: 20 }, (_, index) => {
    const file = `change-${String(index + 1).padStart(2, '0')}.sql`;
    writeFileSync(join(root, file), `ALTER TABLE items ADD COLUMN c${index + 1} integer;\nCREATE INDEX items_c${index + 1}_idx ON items (c${index + 1});\n`);
    return file;
  });
  const run = (chosen) => measured([bin('drizzle'), 'check', '--setup', 'setup.sql', ...chosen], { cwd: root, findingsExit: true });
  const rows = [];
  for (let pair = 0; pair < PAIRS; pair += 1) {
    const one = run(files.slice(0, 1));
    const twenty = run(files);
    rows.push({ theirs: one, warm: twenty });
    console.error(`check pair ${pair + 1}: 1 file ${one.cpu.toFixed(1)} CPU s, 20 files ${twenty.cpu.toFixed(1)}`);
  }
  return rows;
}

function ratioCells(rows, side, against = 'theirs') {
  const cells = [];
  for (const unit of ['cpu', 'wall']) {
    const ratios = rows.map((row) => row[side][unit] / row[against][unit]);
    cells.push(`${Math.min(...ratios).toFixed(1)}× / ${median(ratios).toFixed(1)}×`);
  }
  return cells;
}

const seconds = (rows, side, unit) => median(rows.map((row) => row[side][unit])).toFixed(1);

if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (GNU time) is needed to measure CPU seconds with children`);
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });
try {
  // BENCH_ONLY=wide,check runs some rows, for working on one of them.
  const only = process.env.BENCH_ONLY?.split(',');
  const wanted = (row) => !only || only.includes(row);
  const results = [
    wanted('drizzle') && drizzle(),
    wanted('prisma') && prisma(),
    wanted('typeorm') && (await typeorm()),
    wanted('wide') && wideDrizzle(Number(process.env.BENCH_WIDE_TABLES ?? 1000)),
    wanted('long') && (await longHistory({ repo, scratch, bin, measured, pairs, prepare })),
  ].filter(Boolean);
  const checkRows = wanted('check') ? check() : [];
  console.log(`Min / median of ${PAIRS} paired runs; CPU = user + system seconds of the process and its children.\n`);
  console.log(
    "| command / the ORM's own | ORM's own, median CPU s | warm, median CPU s | warm ratio CPU | warm ratio wall | warm in-process, median CPU s | in-process ratio CPU | cold, median CPU s | cold ratio CPU | cold ratio wall | cold / (PGlite start + 2× theirs), CPU | peak RSS (ours) |",
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { name, rows } of results) {
    const peak = Math.max(...rows.flatMap((row) => [row.warm.rssMiB, row.inProcess.rssMiB, row.cold.rssMiB]));
    const cells = [
      seconds(rows, 'theirs', 'cpu'),
      seconds(rows, 'warm', 'cpu'),
      ...ratioCells(rows, 'warm'),
      seconds(rows, 'inProcess', 'cpu'),
      ratioCells(rows, 'inProcess')[0],
      seconds(rows, 'cold', 'cpu'),
      ...ratioCells(rows, 'cold'),
      ratioCells(rows, 'cold', 'coldBudget')[0],
      `${Math.round(peak)} MiB`,
    ];
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  if (checkRows.length > 0) {
    console.log('\n| `drizzle-ai check --setup` | 1 file, median CPU s | 20 files, median CPU s | 20 / 1 CPU | 20 / 1 wall |');
    console.log('|---|---|---|---|---|');
    console.log(`| 20 files of ADD COLUMN + CREATE INDEX | ${seconds(checkRows, 'theirs', 'cpu')} | ${seconds(checkRows, 'warm', 'cpu')} | ${ratioCells(checkRows, 'warm').join(' | ')} |`);
  }
  console.log(`\nNode ${process.version}, ${process.arch}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
