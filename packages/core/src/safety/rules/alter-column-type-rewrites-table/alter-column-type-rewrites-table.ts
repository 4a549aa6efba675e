import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import type { CatalogColumnType } from '../../shadow-catalog.js';
import { alterTableCommands, nodeOf, writtenType, type Node, type WrittenType } from '../../statement-ast.js';

export const alterColumnTypeRewritesTable = defineSafetyRule({
  id: 'alter-column-type-rewrites-table',
  severity: 'error',
  phase: 'catalog',
  measuredAs: 'rewrite',
  scansTable: true,
  squawk: ['changing-column-type', 'prefer-text-field'],
  fix: 'Add a new column of the new type, write to both, backfill in batches, then switch reads and drop the old column (expand and contract).',
  async *check({ kind, node, isNewTable, catalog }) {
    for (const { table, subtype, column, command } of alterTableCommands(kind, node)) {
      if (subtype !== 'AT_AlterColumnType' || !column || isNewTable(table)) continue;
      const definition = nodeOf<Node>(command.def, 'ColumnDef');
      const next = writtenType(definition?.typeName);
      if (!next) continue;
      const before = await catalog.column(table, column);
      const hasUsing = definition?.raw_default !== undefined;
      if (!before || hasUsing || !isBinaryCoercible(before, next)) {
        const from = before ? describeCatalogType(before) : 'its type';
        yield `Changing ${tableLabel(table)}.${column} from ${from} to ${describeWrittenType(next)}${hasUsing ? ' with USING' : ''} rewrites the table and its indexes under ACCESS EXCLUSIVE: no reads or writes until it finishes.`;
      }
    }
  },
});

/**
 * The type changes PostgreSQL makes without a rewrite (binary-coercible, or a wider limit
 * on the same type), as strong_migrations lists them. Anything else is a suspected rewrite
 * until the shadow measures otherwise.
 */
export function isBinaryCoercible(before: CatalogColumnType, next: WrittenType): boolean {
  if (next.isArray) return false;
  const [first, second] = next.modifiers;
  const from = before.udtName;
  const to = next.name;
  if (from === 'varchar' && to === 'text') return true;
  if (from === 'text' && to === 'varchar') return first === undefined;
  if (from === 'cidr' && to === 'inet') return true;
  if (from !== to) return false;
  switch (from) {
    case 'varchar':
    case 'varbit':
      if (first === undefined) return true;
      return before.characterMaximumLength !== null && first >= before.characterMaximumLength;
    case 'numeric':
      if (first === undefined) return true;
      return before.numericPrecision !== null && first >= before.numericPrecision && (second ?? 0) === before.numericScale;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
    case 'interval':
      return (first ?? 6) >= (before.datetimePrecision ?? 6);
    default:
      // `char` without a length is char(1): never assume it keeps the old length.
      return next.modifiers.length === 0 && from !== 'bpchar';
  }
}

function describeCatalogType(column: CatalogColumnType): string {
  if (column.characterMaximumLength !== null) return `${column.udtName}(${column.characterMaximumLength})`;
  if (column.udtName === 'numeric' && column.numericPrecision !== null) return `numeric(${column.numericPrecision},${column.numericScale ?? 0})`;
  return column.udtName;
}

function describeWrittenType(type: WrittenType): string {
  return `${type.name}${type.modifiers.length ? `(${type.modifiers.join(',')})` : ''}${type.isArray ? '[]' : ''}`;
}
