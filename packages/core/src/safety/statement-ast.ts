/**
 * Small readers over libpg_query's parse trees, for the safety rules. The trees are plain
 * JSON (`{ AlterTableStmt: { relation, cmds } }`); these helpers name the few shapes the
 * rules need so the rules read as PostgreSQL, not as tree walking.
 */

import { tableKey, type TableRef } from '../table-ref.js';

export type Node = Record<string, unknown>;

/** A RangeVar (`relation`, `pktable`) as a table. */
export function tableOf(rangeVar: unknown): TableRef | null {
  const node = rangeVar as { relname?: string; schemaname?: string } | undefined;
  if (!node?.relname) return null;
  return { schema: node.schemaname ?? 'public', name: node.relname };
}

/** The `sval`s of a list of `{ String: { sval } }` nodes: a qualified name or a column list. */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (item as { String?: { sval?: string } }).String?.sval).filter((value): value is string => value !== undefined);
}

/** The unwrapped node of a `{ Kind: {...} }` wrapper when it is of that kind. */
export function nodeOf<T = Node>(wrapper: unknown, kind: string): T | undefined {
  return (wrapper as Record<string, T> | undefined)?.[kind];
}

/** Every table a statement names (RangeVars anywhere in it, and the tables of DROP TABLE). */
export function tablesNamedIn(ast: Node): TableRef[] {
  const found = new Map<string, TableRef>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const table = 'relname' in value ? tableOf(value) : null;
    if (table) found.set(tableKey(table), table);
    Object.values(value).forEach(visit);
  };
  visit(ast);
  const drop = nodeOf<{ removeType?: string; objects?: unknown[] }>(ast, 'DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') {
    for (const object of drop.objects ?? []) {
      const parts = names(nodeOf<{ items?: unknown[] }>(object, 'List')?.items);
      const table = parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: 'public', name: parts[0]! };
      if (table.name) found.set(tableKey(table), table);
    }
  }
  return [...found.values()];
}

/** Function names called anywhere in an expression (`now`, `gen_random_uuid`). */
export function functionsCalledIn(expression: unknown): string[] {
  const called = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const call = nodeOf<{ funcname?: unknown }>(value, 'FuncCall');
    if (call) called.add(names(call.funcname).at(-1)!);
    Object.values(value).forEach(visit);
  };
  visit(expression);
  return [...called].filter(Boolean);
}

/** A column type as written: its name as PostgreSQL stores it (`varchar`, `int4`) and its modifiers. */
export interface WrittenType {
  readonly name: string;
  readonly modifiers: number[];
  readonly isArray: boolean;
}

export function writtenType(typeName: unknown): WrittenType | null {
  const node = typeName as { names?: unknown; typmods?: unknown[]; arrayBounds?: unknown[] } | undefined;
  const name = names(node?.names).at(-1);
  if (!name) return null;
  // A modifier of 0 is an A_Const whose `ival` is empty: protobuf leaves zeros out.
  const modifiers = (node?.typmods ?? []).map((modifier) => nodeOf<{ ival?: { ival?: number } }>(modifier, 'A_Const')?.ival?.ival ?? 0);
  return { name, modifiers, isArray: (node?.arrayBounds?.length ?? 0) > 0 };
}

/** The constraints of a column definition, by `contype` (`CONSTR_NOTNULL`, `CONSTR_DEFAULT`, ...). */
export function columnConstraints(columnDef: Node): Array<{ contype: string } & Node> {
  return ((columnDef.constraints as unknown[] | undefined) ?? [])
    .map((wrapper) => nodeOf<{ contype: string } & Node>(wrapper, 'Constraint'))
    .filter((constraint): constraint is { contype: string } & Node => constraint !== undefined);
}

/** One command of an ALTER TABLE, with its table and the column it names (if any). */
export interface AlterTableCommand {
  readonly table: TableRef;
  /** `AT_AddColumn`, `AT_AlterColumnType`, `AT_AddConstraint`, ... */
  readonly subtype: string;
  readonly column: string | undefined;
  readonly command: Node;
}

/** The commands of an ALTER TABLE statement; none for any other statement. */
export function alterTableCommands(kind: string, node: Node): AlterTableCommand[] {
  if (kind !== 'AlterTableStmt') return [];
  const table = tableOf(node.relation);
  if (!table) return [];
  return ((node.cmds as unknown[]) ?? []).flatMap((wrapper) => {
    const command = nodeOf<Node>(wrapper, 'AlterTableCmd');
    return command ? [{ table, subtype: String(command.subtype), column: command.name as string | undefined, command }] : [];
  });
}

/** A column an ALTER TABLE adds, with its definition (`ColumnDef`). */
export interface AddedColumn {
  readonly table: TableRef;
  readonly name: string;
  readonly definition: Node;
}

export function addedColumns(kind: string, node: Node): AddedColumn[] {
  return alterTableCommands(kind, node).flatMap(({ table, subtype, command }) => {
    const definition = subtype === 'AT_AddColumn' ? nodeOf<Node>(command.def, 'ColumnDef') : undefined;
    return definition ? [{ table, name: String(definition.colname), definition }] : [];
  });
}

/** Every column type the statement writes: in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE. */
export function typesWritten(kind: string, node: Node): Array<{ readonly column: string; readonly type: WrittenType }> {
  const definitions: Array<{ column: string; typeName: unknown }> = [];
  if (kind === 'CreateStmt') {
    for (const element of (node.tableElts as unknown[]) ?? []) {
      const column = nodeOf<Node>(element, 'ColumnDef');
      if (column) definitions.push({ column: String(column.colname), typeName: column.typeName });
    }
  }
  for (const { subtype, column, command } of alterTableCommands(kind, node)) {
    const definition = nodeOf<Node>(command.def, 'ColumnDef');
    if (subtype === 'AT_AddColumn' && definition) definitions.push({ column: String(definition.colname), typeName: definition.typeName });
    if (subtype === 'AT_AlterColumnType' && column) definitions.push({ column, typeName: definition?.typeName });
  }
  return definitions.flatMap(({ column, typeName }) => {
    const type = writtenType(typeName);
    return type ? [{ column, type }] : [];
  });
}

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** `serial` and its kin: not types but a sequence default, so adding one fills every existing row. */
export function isSerial(type: WrittenType | null): type is WrittenType {
  return type !== null && SERIAL_TYPES.has(type.name);
}
