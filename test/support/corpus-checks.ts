import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { normalizeColumnType, type SchemaModel } from '@orm-ai/core';
import type { CorpusExpectation, CorpusProject } from './corpus-project.js';

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
 * when ours is right. Its CLI exits 0 even on errors, so the words are what count.
 */
export async function drizzleKitLeftover(project: CorpusProject, root: string): Promise<string | null> {
  const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules', 'drizzle-kit', 'bin.cjs'), 'generate'], {
    cwd: root,
    env: { ...process.env, ...project.env, CI: '1' },
    timeout: 300_000,
  });
  const output = `${stdout}\n${stderr}`;
  return output.includes('No schema changes') ? null : output.trim();
}
