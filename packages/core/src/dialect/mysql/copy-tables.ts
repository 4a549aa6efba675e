import type mysql from 'mysql2/promise';
import { describeError, OrmAiError } from '../../errors.js';

/**
 * Copies every base table of one shadow database into another, structure and rows, as
 * mysqldump does: `SHOW CREATE TABLE` replayed with foreign key checks off (so the order of
 * tables does not matter, and a table referring to itself or a cycle of tables copies), then
 * the rows with `INSERT ... SELECT` by the admin account, which can read both databases.
 * `SHOW CREATE TABLE` keeps `AUTO_INCREMENT=n`, so new rows get the same ids on the copy.
 *
 * Views follow, made by the copy's own account from their text with the source database's
 * qualifier taken out (MySQL qualifies every name in a stored view); a view over another view
 * waits for it. Triggers and routines are not copied yet: a database holding any is refused
 * with a coded error rather than copied without them.
 */
export async function copyShadowTables(options: { admin: mysql.Connection; from: string; to: string; target: mysql.Connection }): Promise<void> {
  const { admin, from, to, target } = options;
  const [others] = await admin.query<mysql.RowDataPacket[]>(OTHER_OBJECTS_SQL, [from, from]);
  if (others.length > 0) {
    const names = others.map((row) => `${row.kind} ${row.name}`).join(', ');
    throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot copy shadow ${from}: it holds ${names}, and only tables are copied`, {
      hint: 'Views, triggers and routines are not copied to a MySQL shadow fork yet; prove migrations without them.',
    });
  }
  const [tables] = await admin.query<mysql.RowDataPacket[]>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", [from]);
  await target.query('SET SESSION foreign_key_checks = 0');
  await admin.query('SET SESSION foreign_key_checks = 0');
  try {
    for (const { name } of tables) {
      const [[created]] = await admin.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE ${qualified(from, name)}`);
      await target.query(String(created!['Create Table']));
    }
    for (const { name } of tables) {
      // Generated columns take no values (MariaDB's GENERATION_EXPRESSION is NULL for the others, MySQL's empty).
      const [columns] = await admin.query<mysql.RowDataPacket[]>(
        "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COALESCE(GENERATION_EXPRESSION, '') = '' ORDER BY ORDINAL_POSITION",
        [from, name],
      );
      const list = columns.map((column) => quote(String(column.name))).join(', ');
      await admin.query(`INSERT INTO ${qualified(to, name)} (${list}) SELECT ${list} FROM ${qualified(from, name)}`);
    }
    await copyViews(admin, from, target);
  } finally {
    await target.query('SET SESSION foreign_key_checks = 1');
    await admin.query('SET SESSION foreign_key_checks = 1');
  }
}

async function copyViews(admin: mysql.Connection, from: string, target: mysql.Connection): Promise<void> {
  const [views] = await admin.query<mysql.RowDataPacket[]>('SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [from]);
  let waiting = views.map((view) => ({ name: String(view.name), sql: `CREATE VIEW ${quote(String(view.name))} AS ${String(view.definition).replaceAll(`${quote(from)}.`, '')}` }));
  while (waiting.length > 0) {
    const failed: typeof waiting = [];
    let lastError: unknown;
    for (const view of waiting) await target.query(view.sql).catch((error: unknown) => void (failed.push(view), (lastError = error)));
    if (failed.length === waiting.length) throw new OrmAiError('SHADOW_UNAVAILABLE', `cannot copy the views ${failed.map((view) => view.name).join(', ')} of shadow ${from}: ${describeError(lastError)}`, { hint: 'A view the copy cannot make is left as it is: prove this migration on the original shadow.', cause: lastError });
    waiting = failed;
  }
}

const OTHER_OBJECTS_SQL = `
SELECT 'trigger' AS kind, TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`;

export function quote(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function qualified(database: string, table: string): string {
  return `${quote(database)}.${quote(table)}`;
}
