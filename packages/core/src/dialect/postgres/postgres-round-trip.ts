import { changesAfterMigration, changesAfterRollback, readTableContents } from '../../rollback/table-contents.js';
import { ShadowCatalog } from '../../safety/shadow-catalog.js';
import { nodeOf, tablesNamedIn } from '../../safety/statement-ast.js';
import { takeCatalogSnapshot } from '../../shadow/catalog-snapshot.js';
import { seedTables } from '../../shadow/seed-rows.js';
import { tableLabel, type TableRef } from '../../table-ref.js';
import type { RoundTripDatabase } from '../dialect.js';
import { parseSql } from './parser.js';

/** PostgreSQL's half of the round trip: its seeder, catalog snapshot and rows, tables followed by oid through renames. */
export const postgresRoundTrip: RoundTripDatabase = {
  async tablesToWatch(shadow, { up, down }) {
    const touched = await tablesTouched([...up, ...down]);
    // A cascade takes columns and tables from tables no statement names (the columns of a
    // dropped type, an inheritance child): every table is seeded and read, so what it took is measured.
    return (await dropsWithCascade(up)) ? [...touched, ...(await new ShadowCatalog(shadow).userTables())] : touched;
  },
  seed: (shadow, tables) => seedTables({ shadow, tables }),
  snapshot: (shadow) => takeCatalogSnapshot(shadow),
  readRows: (shadow, tables) => readTableContents(shadow, { tables }),
  async changesAfterUp(shadow, before) {
    return changesAfterMigration(shadow, before, await readTableContents(shadow, { oids: before.map((table) => table.oid) }));
  },
  async changesAfterDown(shadow, before) {
    return changesAfterRollback(shadow, before, await readTableContents(shadow, { tables: before.map((table) => table.table) }));
  },
};

/** Tables the statements name, up and down both (a down may touch a table up only renamed). */
async function tablesTouched(statements: readonly string[]): Promise<TableRef[]> {
  const found = new Map<string, TableRef>();
  for (const statement of statements) {
    const parsed = await parseSql(statement);
    if (!parsed.ok) continue;
    for (const table of parsed.statements.flatMap((candidate) => tablesNamedIn(candidate.ast))) found.set(tableLabel(table), table);
  }
  return [...found.values()];
}

/** Whether the statements drop anything with CASCADE (`DROP TYPE ... CASCADE`, `ALTER TABLE ... DROP COLUMN ... CASCADE`). */
async function dropsWithCascade(statements: readonly string[]): Promise<boolean> {
  const cascades = (node: { behavior?: string } | undefined) => node?.behavior === 'DROP_CASCADE';
  for (const statement of statements) {
    const parsed = await parseSql(statement);
    if (!parsed.ok) continue;
    for (const { ast } of parsed.statements) {
      if (cascades(nodeOf(ast, 'DropStmt'))) return true;
      if ((nodeOf<{ cmds?: unknown[] }>(ast, 'AlterTableStmt')?.cmds ?? []).some((command) => cascades(nodeOf(command, 'AlterTableCmd')))) return true;
    }
  }
  return false;
}
