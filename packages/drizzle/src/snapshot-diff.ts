import { OrmAiError, describeError, type ChangePlan } from '@orm-ai/core';
import type { DrizzleKitApi, DrizzleSnapshot } from './drizzle-kit-api.js';
import { renameColumnInSnapshot, renameTableInSnapshot, tableKeyOf, type SnapshotTable } from './snapshot-renames.js';

/** A migration's statements and the rename record drizzle-kit keeps in the snapshot's `_meta`. */
export interface SnapshotDiff {
  readonly statements: string[];
  readonly meta: { schemas: Record<string, string>; tables: Record<string, string>; columns: Record<string, string> };
}

/**
 * Diffs two drizzle-kit snapshots with drizzle-kit's own differ, taking renames from the
 * plan rather than from drizzle-kit's terminal prompt (which fails without a TTY and exits
 * the process when aborted). Renames are applied to the previous snapshot and emitted as
 * drizzle-kit's own RENAME statements; any remaining create/drop pair that drizzle-kit
 * would ask about is refused with `MIGRATION_AMBIGUOUS` before drizzle-kit is called.
 */
export async function diffSnapshots(options: { api: DrizzleKitApi; prev: DrizzleSnapshot; cur: DrizzleSnapshot; plan: ChangePlan }): Promise<SnapshotDiff> {
  const prev = structuredClone(options.prev);
  const renameStatements: string[] = [];
  const meta: SnapshotDiff['meta'] = { schemas: {}, tables: {}, columns: {} };
  const spelling = prev.dialect === 'sqlite' ? SQLITE_RENAMES : POSTGRES_RENAMES;
  for (const change of options.plan.changes) {
    if (change.kind === 'rename_table') {
      const table = renameTableInSnapshot(prev, change.from, change.to);
      renameStatements.push(spelling.table(table.schema, change.from, change.to));
      meta.tables[qualified(table.schema, change.from)] = qualified(table.schema, change.to);
    } else if (change.kind === 'rename_column') {
      const table = renameColumnInSnapshot(prev, change.table, change.from, change.to);
      renameStatements.push(spelling.column(table.schema, change.table, change.from, change.to));
      meta.columns[`${qualified(table.schema, change.table)}."${change.from}"`] = `${qualified(table.schema, change.table)}."${change.to}"`;
    }
  }
  assertNoPrompt(prev, options.cur);
  let statements: string[];
  try {
    statements = await options.api.generateMigration(prev, options.cur);
  } catch (error) {
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `drizzle-kit could not diff the schema: ${describeError(error)}`, { cause: error });
  }
  return { statements: [...renameStatements, ...statements], meta };
}

/**
 * The statements drizzle-kit would generate for the schema source as it is, before any
 * edit. Anything here would ride along unnoticed in the new migration, so callers refuse
 * to go on. An ambiguous pending change is reported as pending too.
 */
export async function pendingChanges(options: { api: DrizzleKitApi; prev: DrizzleSnapshot; current: DrizzleSnapshot }): Promise<string[]> {
  try {
    assertNoPrompt(options.prev, options.current);
  } catch (error) {
    return [describeError(error)];
  }
  return options.api.generateMigration(options.prev, options.current);
}

/** drizzle-kit's RENAME statements, as its convertors for each dialect write them. */
interface RenameSpelling {
  table(schema: string, from: string, to: string): string;
  column(schema: string, table: string, from: string, to: string): string;
}

const POSTGRES_RENAMES: RenameSpelling = {
  table: (schema, from, to) => `ALTER TABLE ${qualified(schema, from)} RENAME TO "${to}";`,
  column: (schema, table, from, to) => `ALTER TABLE ${qualified(schema, table)} RENAME COLUMN "${from}" TO "${to}";`,
};

/** drizzle-kit 0.31's `SQLiteRenameTableConvertor` and `SQLiteAlterTableRenameColumnConvertor`, quotes and all. */
const SQLITE_RENAMES: RenameSpelling = {
  table: (_schema, from, to) => `ALTER TABLE \`${from}\` RENAME TO \`${to}\`;`,
  column: (_schema, table, from, to) => `ALTER TABLE \`${table}\` RENAME COLUMN "${from}" TO "${to}";`,
};

/** drizzle-kit's spelling of a table in SQL and in `_meta`: public tables have an empty schema. */
function qualified(schema: string, name: string): string {
  return schema ? `"${schema}"."${name}"` : `"${name}"`;
}

function tablesOf(snapshot: DrizzleSnapshot): Record<string, SnapshotTable> {
  return (snapshot.tables ?? {}) as Record<string, SnapshotTable>;
}

/**
 * drizzle-kit prompts whenever one scope both loses and gains an entity (a table in a
 * schema, a column in a table, an enum): it cannot tell a rename from a drop and an add.
 */
function assertNoPrompt(prev: DrizzleSnapshot, cur: DrizzleSnapshot): void {
  const ambiguous = (scope: string, before: string[], after: string[]) => {
    const dropped = before.filter((name) => !after.includes(name));
    const added = after.filter((name) => !before.includes(name));
    if (dropped.length > 0 && added.length > 0) {
      throw new OrmAiError(
        'MIGRATION_AMBIGUOUS',
        `${scope} loses ${dropped.join(', ')} and gains ${added.join(', ')} in one migration: drizzle-kit cannot tell a rename from a drop and an add`,
        { hint: 'If it is a rename, plan it as rename_table / rename_column. If not, drop in one migration and add in the next.' },
      );
    }
  };
  const prevTables = tablesOf(prev);
  const curTables = tablesOf(cur);
  ambiguous('the schema', Object.keys(prevTables), Object.keys(curTables));
  for (const [key, table] of Object.entries(curTables)) {
    const before = prevTables[key];
    if (before) ambiguous(`table "${table.name}"`, Object.keys(before.columns), Object.keys(table.columns));
  }
  for (const entity of ['enums', 'sequences', 'views', 'schemas', 'roles', 'policies'] as const) {
    ambiguous(`the ${entity}`, Object.keys((prev[entity] ?? {}) as object), Object.keys((cur[entity] ?? {}) as object));
  }
}

export { tableKeyOf };
