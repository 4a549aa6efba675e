import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changePlanSchema, findColumn, findTable, OrmAiError, type ChangePlan, type SchemaModel } from '@orm-ai/core';
import { drizzlePlugin } from '../src/drizzle-plugin.js';
import { loadDrizzleKit } from '../src/drizzle-kit-api.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { modelFromSnapshot } from '../src/snapshot-model.js';
import { tsImport } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { BLOG, packageRoot } from './fixtures.js';

/** A project using what the static reader cannot interpret: vector, customType bytea/numeric, geometry, point, bit, op() indexes, pgPolicy. */
const EXTENSIONS = path.join(packageRoot, 'test', 'fixtures', 'projects', 'extensions');
const EXTENSIONS_SCHEMA = path.join(EXTENSIONS, 'src', 'schema.ts');

// Inside the repository, so drizzle-orm and drizzle-kit resolve from the workspace.
const scratch = path.resolve(packageRoot, '..', '..', 'test', '.tmp');
const scratchRoots: string[] = [];
afterAll(() => {
  for (const root of scratchRoots) rmSync(root, { recursive: true, force: true });
});

function scratchProject(files: Record<string, string>): string {
  mkdirSync(scratch, { recursive: true });
  const root = mkdtempSync(path.join(scratch, 'view-'));
  scratchRoots.push(root);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(root, name), content);
  return root;
}

function plan(changes: ReadonlyArray<Record<string, unknown>>): ChangePlan {
  return changePlanSchema.parse({ version: 1, request: 'r', summary: 's', changes: changes.map((change) => ({ reason: 'r', ...change })) });
}

async function openExtensions() {
  return drizzlePlugin.openProject({ cwd: EXTENSIONS });
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<OrmAiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OrmAiError);
  return error as OrmAiError;
}

/** The line of the first occurrence of `text` in the fixture schema, as error messages name it. */
async function lineOf(text: string): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(EXTENSIONS_SCHEMA, 'utf8')).split('\n');
  return lines.findIndex((line) => line.includes(text)) + 1;
}

describe('the model from drizzle-kit\'s own view', () => {
  it('reads every column of a table the static reader cannot interpret, with its SQL type', async () => {
    const model = await (await openExtensions()).readSchema();
    const documents = findTable(model, 'documents')!;
    const types = Object.fromEntries(documents.columns.map((column) => [column.name, [column.type, column.nullable]]));
    expect(types).toEqual({
      id: ['serial', false],
      title: ['text', false],
      embedding: ['vector(3)', true],
      payload: ['bytea', true],
      location: ['geometry(point)', true],
      spot: ['point', true],
      flags: ['bit(8)', true],
      price: ['numeric(10,2)', false],
      archived: ['boolean', false],
      created_at: ['timestamptz', false],
    });
    expect(findColumn(documents, 'price')!.default).toBe('0');
    expect(findColumn(documents, 'archived')!.default).toBe('false');
    // Every index stays in the model, an extension's method too, with the predicate as the model writes it.
    expect(documents.indexes.map((index) => [index.name, index.method, index.unique, index.where])).toEqual([
      ['documents_archived_created_idx', 'btree', false, null],
      ['documents_embedding_idx', 'hnsw', false, null],
      ['documents_title_live_key', 'btree', true, '"archived" = false'],
    ]);
  });

  it('keeps policies, operator classes and key order in the model, leaving no notes for them', async () => {
    const api = await loadDrizzleKit(EXTENSIONS);
    const module = (await tsImport(pathToFileURL(EXTENSIONS_SCHEMA).href, import.meta.url)) as Record<string, unknown>;
    const { model, unmodelled } = modelFromSnapshot(await api.generateDrizzleJson(module));
    const documents = findTable(model, 'documents')!;
    expect(documents.policies.map((policy) => [policy.name, policy.command, policy.roles])).toEqual([['documents_read_own', 'select', ['public']]]);
    // drizzle-kit writes `"archived" bool_ops, "created_at" DESC NULLS LAST`: the operator class drops the declared order.
    expect(documents.indexes[0]!.keyOptions).toEqual([
      { opclass: 'bool_ops', order: 'asc', nulls: null },
      { opclass: null, order: 'desc', nulls: 'last' },
    ]);
    expect(unmodelled).toEqual([]);
  });

  it('reads a schema the locator cannot walk at all: columns built by a callback', async () => {
    const root = scratchProject({
      'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './schema.ts' };\n",
      'schema.ts': "import { pgTable } from 'drizzle-orm/pg-core';\nexport const notes = pgTable('notes', (t) => ({ id: t.serial().primaryKey(), body: t.text().notNull() }));\n",
    });
    const model = await (await drizzlePlugin.openProject({ cwd: root })).readSchema();
    expect(findTable(model, 'notes')!.columns.map((column) => [column.name, column.type, column.nullable])).toEqual([
      ['id', 'serial', false],
      ['body', 'text', false],
    ]);
  });

  it('agrees with the static reader wherever that one can read the schema', async () => {
    const api = await loadDrizzleKit(path.dirname(BLOG));
    const module = (await tsImport(pathToFileURL(BLOG).href, import.meta.url)) as Record<string, unknown>;
    const fromKit = modelFromSnapshot(await api.generateDrizzleJson(module)).model;
    const fromSource = readDrizzleSchema({ files: [BLOG] }).model;
    expect(comparable(fromKit)).toEqual(comparable(fromSource));
  });
});

/**
 * The facts both readers must agree on. Left out: comments (only the source has them), where a
 * one-column unique is declared (the database has one constraint either way) and the name of
 * an unnamed composite key (drizzle-kit's snapshot names it).
 */
function comparable(model: SchemaModel): unknown {
  return {
    enums: model.enums,
    tables: [...model.tables].sort((a, b) => a.name.localeCompare(b.name)).map((table) => ({
      name: table.name,
      columns: table.columns.map(({ comment: _comment, unique: _unique, uniqueName: _uniqueName, ...column }) => column),
      uniqueNames: [...table.columns.flatMap((column) => column.uniqueName ?? []), ...table.uniques.filter((u) => u.columns.length === 1).map((u) => u.name)].sort(),
      uniques: table.uniques.filter((unique) => unique.columns.length > 1),
      primaryKey: table.primaryKey?.columns ?? null,
      indexes: table.indexes,
      foreignKeys: table.foreignKeys,
    })),
  };
}

describe('editing a schema with constructs the static reader cannot interpret', () => {
  it('applies changes that do not touch them, and drizzle-kit migrates exactly that change', async () => {
    const project = await openExtensions();
    const change = plan([
      { kind: 'add_column', table: 'documents', column: { name: 'summary', type: 'text', nullable: true, default: null, primaryKey: false, unique: false } },
      { kind: 'create_index', table: 'documents', name: 'documents_title_idx', columns: ['title'], unique: false, method: 'btree', where: null, concurrently: false },
    ]);
    const edits = await project.applyPlan(change);
    expect(edits.map((edit) => edit.path)).toEqual([EXTENSIONS_SCHEMA]);
    const migration = await project.generateMigration({ plan: change, edits, name: 'summary', shadowServer: undefined });
    expect(migration.statements).toEqual([
      'ALTER TABLE "documents" ADD COLUMN "summary" text;',
      'CREATE INDEX "documents_title_idx" ON "documents" USING btree ("title");',
    ]);
  });

  it('refuses a change to a column it cannot read, naming the construct and its line', async () => {
    const project = await openExtensions();
    const error = await rejection(project.applyPlan(plan([{ kind: 'alter_column', table: 'documents', column: 'embedding', type: 'text', nullable: null, default: null }])));
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain("vector('embedding', { dimensions: 3 })");
    expect(error.message).toContain(`${EXTENSIONS_SCHEMA}:${await lineOf("vector('embedding'")}`);
  });

  it('refuses to drop an index it can only map by reading the whole table config', async () => {
    const project = await openExtensions();
    const error = await rejection(project.applyPlan(plan([{ kind: 'drop_index', table: 'documents', name: 'documents_archived_created_idx' }])));
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toMatch(new RegExp(`at ${EXTENSIONS_SCHEMA.replaceAll('/', '\\/')}:\\d+`));
  });
});
