import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeColumnType, type SchemaModel } from '@orm-ai/core';
import { drizzlePlugin } from '../src/drizzle-plugin.js';
import { packageRoot } from './fixtures.js';

/**
 * The real projects of ../shared/corpus: the model read must match the catalog their own
 * migrations build (expect.json), table by table and column by column. The copies sit under
 * the package so the workspace's drizzle-orm and drizzle-kit load their schema; the corpus
 * suite in CI runs the projects' pinned versions.
 */
const CORPUS = path.resolve(packageRoot, '..', '..', '..', 'shared', 'corpus');
// Inside the repository, so drizzle-orm and drizzle-kit resolve from the workspace.
const scratch = path.resolve(packageRoot, '..', '..', 'test', '.tmp');
const copies: string[] = [];
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

const projects = existsSync(CORPUS) ? readdirSync(CORPUS).filter((name) => name.startsWith('drizzle-')) : [];

interface Expected {
  readonly tables: ReadonlyArray<{ name: string; columns: ReadonlyArray<{ name: string; type: string; nullable: boolean }> }>;
  readonly enums: ReadonlyArray<{ name: string; values: string[] }>;
}

/** Serial types are integers with a sequence: the catalog shows the integer. */
const SERIAL_AS_STORED: Readonly<Record<string, string>> = { serial: 'integer', bigserial: 'bigint', smallserial: 'smallint' };

/** `format_type` spelling → the model's canonical spelling (`timestamp(3) without time zone` → `timestamp(3)`). */
function canonicalCatalogType(type: string, enums: ReadonlySet<string>): string {
  const moved = type.replace(/^(\w+)\((\d+)\)( with(?:out)? time zone)/, '$1$3($2)');
  return normalizeColumnType(moved, enums);
}

function asCatalog(model: SchemaModel): Expected {
  return {
    tables: model.tables
      .map((table) => ({
        name: table.name,
        columns: table.columns.map((column) => ({ name: column.name, type: SERIAL_AS_STORED[column.type] ?? column.type, nullable: column.nullable })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    enums: [...model.enums].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

describe.skipIf(projects.length === 0)('the Drizzle corpus', () => {
  it.each(projects)('%s: the model matches the catalog its migrations build', async (name) => {
    mkdirSync(scratch, { recursive: true });
    const copy = mkdtempSync(path.join(scratch, `corpus-${name}-`));
    copies.push(copy);
    const root = path.join(copy, name);
    cpSync(path.join(CORPUS, name), root, { recursive: true, filter: (source) => !source.includes('node_modules') });
    const expected = JSON.parse(readFileSync(path.join(root, 'expect.json'), 'utf8')) as Expected;
    const enums = new Set(expected.enums.map((entry) => entry.name));
    const model = await (await drizzlePlugin.openProject({ cwd: root })).readSchema();
    expect(asCatalog(model)).toEqual({
      tables: expected.tables
        .map((table) => ({ name: table.name, columns: table.columns.map((column) => ({ ...column, type: canonicalCatalogType(column.type, enums) })) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      enums: [...expected.enums].sort((a, b) => a.name.localeCompare(b.name)),
    });
  });
});
