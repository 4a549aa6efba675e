import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { normalizeColumnType, type SchemaModel } from '@orm-ai/core';
import type { CorpusExpectation, CorpusProject } from './corpus-project.js';
import { createTestDatabase, serverTestUrl } from './postgres-server.js';
import { pendingBuilderQueries } from './typeorm-builder.js';
import { findPrismaProjectFiles } from '../../packages/prisma/src/prisma-project-files.js';
import { readPrismaMigrations } from '../../packages/prisma/src/prisma-migrations.js';
import { openPrismaSchemaEngine } from '../../packages/prisma/src/schema-engine/prisma-schema-engine.js';

const run = promisify(execFile);

/** Serial columns are their integer type with a sequence default in the catalog. */
const SERIAL_STORAGE: Readonly<Record<string, string>> = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' };

/** A type as the catalog names it and as the model names it, in one spelling to compare. */
export function comparableType(spelling: string, enumNames: ReadonlySet<string>): string {
  // format_type quotes mixed-case enum names; the model carries the bare name.
  const unquoted = spelling.replace(/"([^"]+)"/g, '$1');
  const normalized = normalizeColumnType(unquoted, enumNames);
  const array = /(\[\])+$/.exec(normalized)?.[0] ?? '';
  const base = normalized.slice(0, normalized.length - array.length);
  return `${SERIAL_STORAGE[base] ?? base}${array}`;
}

/**
 * Where the model read from the ORM's source differs from the catalog the project's migrations
 * build: a missing table or column, another type or nullability. Empty when they agree.
 */
export function modelDifferences(model: SchemaModel, expected: CorpusExpectation): string[] {
  const enumNames = new Set([...model.enums.map((item) => item.name), ...(expected.enums ?? []).map((item) => item.name)]);
  const differences: string[] = [];
  for (const table of expected.tables) {
    const read = model.tables.find((candidate) => candidate.name === table.name);
    if (!read) {
      differences.push(`table ${table.name} is missing`);
      continue;
    }
    for (const column of table.columns) {
      const found = read.columns.find((candidate) => candidate.name === column.name);
      if (!found) {
        differences.push(`column ${table.name}.${column.name} is missing`);
        continue;
      }
      const [want, got] = [comparableType(column.type, enumNames), comparableType(found.type, enumNames)];
      if (want !== got) differences.push(`column ${table.name}.${column.name} is ${got}, the catalog has ${want}`);
      if (found.nullable !== column.nullable) differences.push(`column ${table.name}.${column.name} is ${found.nullable ? '' : 'not '}nullable, the catalog has the opposite`);
    }
  }
  return differences;
}

/**
 * What the project's own drizzle-kit still wants to generate after our migration: nothing,
 * when ours is right. Run where its config is (drizzle-kit's paths are relative to the working
 * directory), as `generate:pg` before 0.21. Its CLI exits 0 even on errors, so the words are
 * what count.
 */
export async function drizzleKitLeftover(project: CorpusProject, root: string, configPath: string | undefined): Promise<string | null> {
  const kit = join(root, 'node_modules', 'drizzle-kit');
  const { version } = JSON.parse(readFileSync(join(kit, 'package.json'), 'utf8')) as { version: string };
  const command = /^0\.20\./.test(version) ? 'generate:pg' : 'generate';
  const { stdout, stderr } = await run(process.execPath, [join(kit, 'bin.cjs'), command], {
    cwd: configPath ? dirname(join(root, configPath)) : root,
    env: { ...process.env, ...project.env, CI: '1' },
    timeout: 300_000,
  });
  const output = `${stdout}\n${stderr}`;
  return output.includes('No schema changes') ? null : output.trim();
}

/**
 * What the project's own TypeORM CLI still wants after our migration: every migration run with
 * `migration:run` on a throwaway database of the test server, then `schema:log`, TypeORM's
 * builder log of what synchronize would still do. Its DataSource reads the connection from the
 * environment (the corpus' `.env`), so the throwaway database goes in there. Null when TypeORM
 * says the schema is up to date. Without a test server, the builder's log on the embedded shadow.
 */
export async function typeormLeftover(project: CorpusProject, root: string, dataSource: string): Promise<string | null> {
  const url = serverTestUrl();
  if (!url) return typeormBuilderLeftover(project, root, dataSource);
  const database = await createTestDatabase(url);
  try {
    const target = new URL(database.url);
    const env = {
      ...process.env,
      ...project.env,
      DATABASE_HOST: target.hostname,
      DATABASE_PORT: target.port || '5432',
      DATABASE_USERNAME: decodeURIComponent(target.username),
      DATABASE_PASSWORD: decodeURIComponent(target.password),
      DATABASE_NAME: target.pathname.slice(1),
      DATABASE_URL: '',
      CI: '1',
    };
    const cli = join(root, 'node_modules', 'typeorm', 'cli-ts-node-commonjs.js');
    const typeorm = (command: string) => run(process.execPath, [cli, command, '-d', dataSource], { cwd: root, env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    await typeorm('migration:run');
    const log = stripVTControlCharacters((await typeorm('schema:log')).stdout);
    if (/Your schema is up to date/.test(log)) return null;
    // The project's DataSource logs every query outside production: keep TypeORM's verdict.
    const verdict = log.indexOf('Schema synchronization will execute');
    return (verdict === -1 ? log : log.slice(verdict)).trim();
  } finally {
    await database.drop();
  }
}

/**
 * What Prisma's engine, at the project's own version, would still write after our migration:
 * the migration `prisma migrate dev` would create from every migration (ours included) to the
 * schema, computed as our own drift check computes it. Null when the schema matches them.
 */
export async function prismaLeftover(project: CorpusProject, root: string): Promise<string | null> {
  const files = await findPrismaProjectFiles({ cwd: root });
  const folder = await readPrismaMigrations(files.migrationsDir);
  const engine = await openPrismaSchemaEngine({ schema: [...files.schemaFiles], projectRoot: files.root, sql: folder.migrations.map((migration) => migration.sql) });
  try {
    const pending = await engine.createMigration({ migrations: [...folder.migrations], schema: [...files.schemaFiles], name: 'pending' });
    return pending.sql;
  } finally {
    await engine.dispose();
  }
}

/** TypeORM's builder log on the embedded shadow, the data source loaded with the project's `.env`. */
async function typeormBuilderLeftover(project: CorpusProject, root: string, dataSource: string): Promise<string | null> {
  const added = Object.keys(project.env).filter((key) => !(key in process.env));
  Object.assign(process.env, Object.fromEntries(added.map((key) => [key, project.env[key]])));
  try {
    const pending = await pendingBuilderQueries(root, dataSource);
    return pending.length === 0 ? null : pending.join(';\n');
  } finally {
    for (const key of added) delete process.env[key];
  }
}
