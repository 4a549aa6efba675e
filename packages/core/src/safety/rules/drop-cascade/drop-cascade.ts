import { tableKey, tableLabel } from '../../../table-ref.js';
import { columnLabel, defineSafetyRule, type DroppedColumn } from '../../safety-rule.js';
import type { ShadowCatalog } from '../../shadow-catalog.js';
import { alterTableCommands, tablesNamedIn, type Node } from '../../statement-ast.js';

export const dropCascade = defineSafetyRule({
  id: 'drop-cascade',
  severity: 'error',
  phase: 'measurement',
  squawk: [],
  fix: 'Name every table to drop in its own DROP TABLE and every column in its own ALTER TABLE ... DROP COLUMN, without CASCADE, after a deploy that stops using it and a backup of its data; drop a schema, type, domain, collation, function or extension only once nothing depends on it (DROP ... RESTRICT, the default, fails while something does).',
  async *check({ measurement, statement, kind, node, catalog }) {
    if (!measurement.ok) return;
    const named = new Set(tablesNamedIn(statement.ast).map(tableKey));
    const tables = measurement.dropped.filter((table) => !named.has(tableKey(table)));
    if (tables.length > 0) {
      const plural = tables.length > 1;
      yield `This statement dropped ${plural ? 'tables' : 'table'} ${tables.map(tableLabel).join(', ')} without naming ${plural ? 'them' : 'it'} (measured: ${plural ? 'they existed' : 'it existed'} before it ran and not after): every row in ${plural ? 'them' : 'it'} is gone.`;
    }
    const columns = await unnamedColumns(measurement.droppedColumns, { kind, node, catalog });
    if (columns.length > 0) {
      const plural = columns.length > 1;
      yield `This statement dropped ${plural ? 'columns' : 'column'} ${columns.map(columnLabel).join(', ')} without naming ${plural ? 'them' : 'it'} (measured: ${plural ? 'their tables remain, the columns do' : 'its table remains, the column does'} not): every value in ${plural ? 'them' : 'it'} is gone.`;
    }
  },
});

/**
 * The dropped columns no `ALTER TABLE ... DROP COLUMN` of the statement names. Dropping a
 * column from a table drops it from the partitions and children that inherited it: those count as named.
 */
async function unnamedColumns(dropped: readonly DroppedColumn[], { kind, node, catalog }: { kind: string; node: Node; catalog: ShadowCatalog }): Promise<DroppedColumn[]> {
  const named = alterTableCommands(kind, node).flatMap(({ table, subtype, column }) => (subtype === 'AT_DropColumn' && column !== undefined ? [{ table, column }] : []));
  const isNamed = async ({ table, column }: DroppedColumn) => {
    const sameName = named.filter((drop) => drop.column === column);
    if (sameName.length === 0) return false;
    const tables = new Set(sameName.map((drop) => tableKey(drop.table)));
    return tables.has(tableKey(table)) || (await catalog.ancestors(table)).some((ancestor) => tables.has(tableKey(ancestor)));
  };
  const unnamed: DroppedColumn[] = [];
  for (const column of dropped) if (!(await isNamed(column))) unnamed.push(column);
  return unnamed;
}
