import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { startFreshPglite, type MigrationScript, type OrmPlugin } from '@orm-ai/core';
import { drizzlePlugin, runDrizzleCli } from '@orm-ai/drizzle';
import { prismaPlugin, runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli, typeormPlugin } from '@orm-ai/typeorm';
import { capturingIo, copyExample } from '../support/example-project.js';
import { recordingKey, type ReplayServer } from './replay-server.js';

export type Orm = 'drizzle' | 'prisma' | 'typeorm';

/** One fact the schema (or the run) must show after the case's migration ran on a fresh database. */
export type Fact =
  /** `type` in `format_type` spelling (`character varying(500)`, `text[]`); `default` as `column_default` shows it. `valuesPreserved`: the column's values before the new migration are still there. */
  | { column: string; type?: string; nullable?: boolean; default?: string | null; valuesPreserved?: boolean }
  | { noColumn: string }
  | { table: string; exists: boolean }
  /** A table (`tags`) or a column (`users.display_name`) renamed to `to`; with `valuesPreserved`, every row's value survives. */
  | { renamed: string; to: string; valuesPreserved?: boolean }
  | { index: string; method?: string; columns?: string[]; unique?: boolean }
  | { enum: string; values: string[] }
  | { foreignKey: string; references: string; onDelete?: string }
  /** A query on the migrated database and the rows it must return (values as text). */
  | { sql: string; rows: Array<Record<string, string | null>> }
  | { reversible: boolean }
  /** The run must fail with this error code (and write nothing). */
  | { error: string };

export interface EvalCase {
  readonly id: string;
  readonly orm: Orm;
  readonly kind: string;
  readonly request: string;
  /** Extra CLI flags (`--allow-data-loss`). */
  readonly flags?: string[];
  readonly facts: Fact[];
  readonly note?: string;
  /** False to leave the case out of the CI replay (the note says why). */
  readonly ci?: boolean;
}

export interface CaseResult {
  readonly id: string;
  readonly orm: Orm;
  readonly kind: string;
  readonly passed: boolean;
  /** The facts that did not hold, each with what was found. */
  readonly failures: string[];
  readonly calls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number | null;
  readonly ms: number;
}

export function loadCases(): EvalCase[] {
  return JSON.parse(readFileSync(fileURLToPath(new URL('./cases.json', import.meta.url)), 'utf8')).cases as EvalCase[];
}

export function keyOf(evalCase: Pick<EvalCase, 'orm' | 'request'>): string {
  return recordingKey(evalCase.orm, evalCase.request);
}

const ORMS: Record<Orm, { example: string; plugin: OrmPlugin; configPath?: string; run: (args: string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>; command: string[] }> = {
  drizzle: { example: 'drizzle-app', plugin: drizzlePlugin, run: runDrizzleCli, command: ['generate'] },
  prisma: { example: 'prisma-app', plugin: prismaPlugin, run: runPrismaCli, command: ['migrate'] },
  typeorm: { example: 'typeorm-app', plugin: typeormPlugin, configPath: 'src/data-source.ts', run: runTypeormCli, command: ['migration:generate', '-d', 'src/data-source.ts'] },
};

/** Rows every case's database holds before the new migration runs: migrations must work on tables with data. */
const SEED_SQL = `
INSERT INTO users (email, display_name, bio) VALUES ('ada@example.com', 'Ada Lovelace', 'First programmer'), ('alan@example.com', 'Alan Turing', NULL);
INSERT INTO posts (author_id, title, body, metadata) VALUES
  (1, 'Hello world', 'The first post on the blog', '{"canonicalUrl": "https://old.example.com/hello", "featured": true}'),
  (2, 'On computable numbers', 'A long and careful body', NULL);
INSERT INTO comments (post_id, author_id, body) VALUES (1, 2, 'Nice post'), (2, 1, 'Interesting');
INSERT INTO tags (name, slug) VALUES ('Node.js', 'node-js'), ('Postgres', 'postgres');
INSERT INTO posts_to_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (2, 2);
`;

/**
 * A TypeORM case runs alone. The TypeORM plugin installs a process-wide TypeScript loader
 * (a require hook) to read `src/data-source.ts` and the migrations: a second TypeORM run
 * at once fails ("a TypeScript loader is already installed"), and a Drizzle or Prisma run
 * alongside can break its transform ("Unexpected strict mode reserved word" loading a
 * migration). Other cases run side by side; `gate` settles when no TypeORM case runs or waits.
 */
let gate: Promise<unknown> = Promise.resolve();
const shared = new Set<Promise<unknown>>();

/** Runs one case against the model behind `server` (replayed or proxied) and checks its facts. */
export async function runCase(evalCase: EvalCase, server: ReplayServer, options: { model?: string } = {}): Promise<CaseResult> {
  if (evalCase.orm === 'typeorm') {
    const run = gate.then(async () => {
      await Promise.allSettled([...shared]);
      return runCaseNow(evalCase, server, options);
    });
    gate = run.catch(() => undefined);
    return run;
  }
  for (let seen = gate; ; seen = gate) {
    await seen;
    if (seen === gate) break;
  }
  const run = runCaseNow(evalCase, server, options);
  shared.add(run);
  try {
    return await run;
  } finally {
    shared.delete(run);
  }
}

async function runCaseNow(evalCase: EvalCase, server: ReplayServer, options: { model?: string }): Promise<CaseResult> {
  const started = Date.now();
  const orm = ORMS[evalCase.orm];
  const copy = copyExample(orm.example);
  try {
    const project = await orm.plugin.openProject({ cwd: copy.root, ...(orm.configPath ? { configPath: orm.configPath } : {}) });
    const earlier = await project.readMigrations();
    const key = keyOf(evalCase);
    const env = { OPENAI_BASE_URL: server.baseUrlFor(key), OPENAI_API_KEY: 'eval-key', OPENAI_MODEL: options.model ?? 'gpt-4.1-mini' };
    const { io, out, err } = capturingIo({ cwd: copy.root, env });
    const code = await orm.run([...orm.command, evalCase.request, '--yes', '--json', ...(evalCase.flags ?? [])], io);
    let report: Record<string, any>;
    try {
      report = JSON.parse(out.join('\n'));
    } catch {
      report = { ok: false, error: { code: 'NO_JSON_REPORT', message: `exit ${code}: ${err.join('\n').slice(0, 500)}` }, usage: {} };
    }
    const failures = await checkFacts(evalCase, report, earlier);
    const usage = report.usage ?? {};
    return {
      id: evalCase.id,
      orm: evalCase.orm,
      kind: evalCase.kind,
      passed: failures.length === 0,
      failures,
      calls: usage.calls ?? 0,
      promptTokens: usage.promptTokens ?? 0,
      completionTokens: usage.completionTokens ?? 0,
      costUsd: usage.costUsd ?? null,
      ms: Date.now() - started,
    };
  } finally {
    copy.dispose();
  }
}

async function checkFacts(evalCase: EvalCase, report: Record<string, any>, earlier: MigrationScript[]): Promise<string[]> {
  const expectedError = evalCase.facts.find((fact): fact is { error: string } => 'error' in fact);
  if (expectedError) {
    if (report.ok) return [`expected error ${expectedError.error}, but the run succeeded (upSql: ${String(report.upSql).slice(0, 200)})`];
    if (report.error?.code !== expectedError.error) return [`expected error ${expectedError.error}, got ${report.error?.code}: ${String(report.error?.message).slice(0, 300)}`];
    if (report.written) return ['the refused run wrote files'];
    return [];
  }
  if (!report.ok) return [`the run failed: ${report.error?.code}: ${String(report.error?.message).slice(0, 600)}`];
  if (!report.written) return ['the run did not write the migration'];

  // A fresh database, as initdb leaves it: initdb runs once per process, later cases load its data directory.
  const db = await startFreshPglite();
  try {
    for (const migration of earlier) await db.exec(migration.sql);
    await db.exec(SEED_SQL);
    const before = new Map<string, string[]>();
    for (const fact of evalCase.facts) {
      if ('renamed' in fact && fact.valuesPreserved) before.set(fact.renamed, await valuesOf(db, fact.renamed));
      if ('column' in fact && fact.valuesPreserved) before.set(fact.column, await valuesOf(db, fact.column));
    }
    try {
      await db.exec(report.upSql as string);
    } catch (error) {
      return [`the new migration failed on a fresh database with rows: ${String(error)}`];
    }
    const failures: string[] = [];
    for (const fact of evalCase.facts) {
      const problem = await checkFact(db, fact, report, before).catch((error: unknown) => `query failed: ${String(error)}`);
      if (problem) failures.push(`${JSON.stringify(fact)}: ${problem}`);
    }
    return failures;
  } finally {
    await db.close();
  }
}

/** `table` (every row, as JSON) or `table.column` (every value, as text), sorted. */
async function valuesOf(db: PGlite, name: string): Promise<string[]> {
  const [table, column] = name.split('.');
  const sql = column ? `SELECT "${column}"::text AS v FROM "${table}"` : `SELECT row_to_json(t)::text AS v FROM "${table}" t`;
  const { rows } = await db.query<{ v: string | null }>(sql);
  return rows.map((row) => String(row.v)).sort();
}

interface ColumnRow {
  type: string;
  nullable: boolean;
  column_default: string | null;
}

async function columnOf(db: PGlite, table: string, column: string): Promise<ColumnRow | undefined> {
  const { rows } = await db.query<ColumnRow>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS column_default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relname = $1 AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [table, column],
  );
  return rows[0];
}

/**
 * The same default as PostgreSQL shows it, or one with the same constant value: each ORM spells
 * an empty array its own way (`'{}'::text[]`, Prisma's `ARRAY[]::text[]`).
 */
async function sameDefault(db: PGlite, found: string | null, expected: string | null): Promise<boolean> {
  if (found === expected) return true;
  if (found === null || expected === null) return false;
  try {
    const { rows } = await db.query<{ same: boolean }>(`SELECT (${found}) IS NOT DISTINCT FROM (${expected}) AS same`);
    return rows[0]?.same === true;
  } catch {
    return false;
  }
}

async function tableExists(db: PGlite, table: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = $1`, [table]);
  return rows.length > 0;
}

function split(name: string): [string, string] {
  const [table, column] = name.split('.');
  return [table!, column!];
}

async function checkFact(db: PGlite, fact: Fact, report: Record<string, any>, before: Map<string, string[]>): Promise<string | null> {
  if ('error' in fact) return null;
  if ('reversible' in fact) return report.reversible === fact.reversible ? null : `reversible is ${report.reversible} (${report.irreversibleReason})`;
  if ('noColumn' in fact) {
    const [table, column] = split(fact.noColumn);
    return (await columnOf(db, table, column)) ? 'the column still exists' : null;
  }
  if ('column' in fact) {
    const [table, column] = split(fact.column);
    const found = await columnOf(db, table, column);
    if (!found) return 'no such column';
    if (fact.type !== undefined && found.type !== fact.type) return `type is ${found.type}`;
    if (fact.nullable !== undefined && found.nullable !== fact.nullable) return `nullable is ${found.nullable}`;
    if (fact.default !== undefined && !(await sameDefault(db, found.column_default, fact.default))) return `default is ${found.column_default}`;
    if (fact.valuesPreserved) {
      const after = await valuesOf(db, fact.column);
      if (JSON.stringify(after) !== JSON.stringify(before.get(fact.column))) return `values changed: ${JSON.stringify(before.get(fact.column))} -> ${JSON.stringify(after)}`;
    }
    return null;
  }
  if ('table' in fact) return (await tableExists(db, fact.table)) === fact.exists ? null : `table ${fact.exists ? 'is missing' : 'still exists'}`;
  if ('renamed' in fact) {
    const isColumn = fact.renamed.includes('.');
    if (isColumn) {
      const [table, column] = split(fact.renamed);
      if (await columnOf(db, table, column)) return `old column ${fact.renamed} still exists`;
      if (!(await columnOf(db, table, fact.to))) return `no column ${table}.${fact.to}`;
    } else {
      if (await tableExists(db, fact.renamed)) return `old table ${fact.renamed} still exists`;
      if (!(await tableExists(db, fact.to))) return `no table ${fact.to}`;
    }
    if (fact.valuesPreserved) {
      const target = isColumn ? `${split(fact.renamed)[0]}.${fact.to}` : fact.to;
      const after = await valuesOf(db, target);
      if (JSON.stringify(after) !== JSON.stringify(before.get(fact.renamed))) return `values changed: ${JSON.stringify(before.get(fact.renamed))} -> ${JSON.stringify(after)}`;
    }
    return null;
  }
  if ('index' in fact) {
    const { rows } = await db.query<{ method: string; unique: boolean; columns: string[] }>(
      `SELECT am.amname AS method, i.indisunique AS unique,
              ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relname = $1`,
      [fact.index],
    );
    const found = rows[0];
    if (!found) return 'no such index';
    if (fact.method !== undefined && found.method !== fact.method) return `method is ${found.method}`;
    if (fact.unique !== undefined && found.unique !== fact.unique) return `unique is ${found.unique}`;
    if (fact.columns !== undefined && JSON.stringify(found.columns) !== JSON.stringify(fact.columns)) return `columns are ${JSON.stringify(found.columns)}`;
    return null;
  }
  if ('enum' in fact) {
    const { rows } = await db.query<{ label: string }>(
      `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = $1 ORDER BY e.enumsortorder`,
      [fact.enum],
    );
    const values = rows.map((row) => row.label);
    return JSON.stringify(values) === JSON.stringify(fact.values) ? null : `values are ${JSON.stringify(values)}`;
  }
  if ('foreignKey' in fact) {
    const [table, column] = split(fact.foreignKey);
    const { rows } = await db.query<{ target: string; on_delete: string }>(
      `SELECT ct.relname || '.' || ta.attname AS target,
              CASE con.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS on_delete
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class ct ON ct.oid = con.confrelid
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
         JOIN pg_attribute ta ON ta.attrelid = con.confrelid AND ta.attnum = con.confkey[1]
        WHERE con.contype = 'f' AND c.relname = $1 AND a.attname = $2`,
      [table, column],
    );
    const found = rows.find((row) => row.target === fact.references);
    if (!found) return `no foreign key to ${fact.references} (found: ${JSON.stringify(rows)})`;
    if (fact.onDelete !== undefined && found.on_delete !== fact.onDelete) return `on delete ${found.on_delete}`;
    return null;
  }
  if ('sql' in fact) {
    const { rows } = await db.query<Record<string, unknown>>(fact.sql);
    const asText = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : String(v)])));
    return JSON.stringify(asText) === JSON.stringify(fact.rows) ? null : `rows are ${JSON.stringify(asText)}`;
  }
  return `unknown fact`;
}

/** Runs cases `concurrency` at a time, in order of the list. */
export async function runCases(cases: readonly EvalCase[], server: ReplayServer, options: { concurrency: number; model?: string; onResult?: (result: CaseResult) => void }): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const result = await runCase(cases[index]!, server, options.model ? { model: options.model } : {});
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, cases.length) }, worker));
  return results;
}

export function formatTable(results: readonly CaseResult[]): string {
  const lines = [`${'case'.padEnd(34)} ${'result'.padEnd(6)} calls  prompt  compl.   cost USD   time`];
  for (const r of results) {
    const cost = r.costUsd === null ? 'n/a' : r.costUsd.toFixed(5);
    lines.push(`${r.id.padEnd(34)} ${(r.passed ? 'pass' : 'FAIL').padEnd(6)} ${String(r.calls).padStart(5)} ${String(r.promptTokens).padStart(7)} ${String(r.completionTokens).padStart(7)} ${cost.padStart(10)} ${(r.ms / 1000).toFixed(1).padStart(5)}s`);
    for (const failure of r.failures) lines.push(`    - ${failure}`);
  }
  const passed = results.filter((r) => r.passed).length;
  const cost = results.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  lines.push(`pass rate: ${passed}/${results.length} (${((100 * passed) / Math.max(1, results.length)).toFixed(1)}%), ${results.reduce((s, r) => s + r.calls, 0)} calls, est. cost $${cost.toFixed(4)}`);
  return lines.join('\n');
}
