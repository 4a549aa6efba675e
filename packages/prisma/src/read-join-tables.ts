import { columnModel, type TableModel, tableModel } from '@orm-ai/core';
import type { DmmfDatamodel, DmmfModel } from './prisma-wasm.js';

/** Serial types are the integer they store: a join column holds the key, it does not generate it. */
const SERIAL_STORAGE: Readonly<Record<string, string>> = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' };

/**
 * The join tables of the schema's implicit many-to-many relations (two list fields, no
 * `fields:`/`references:`), which no model declares but Prisma's engine creates: `_<relation
 * name>` with `A` referencing the model whose name sorts first and `B` the other (the same
 * model twice for a self-relation), each of its id's type and NOT NULL, the primary key
 * `_<name>_AB_pkey` (Prisma 6 and later; Prisma 5 made it a unique index), the index
 * `_<name>_B_index` and foreign keys cascading on delete and update. `tables` are the
 * models' tables already read, for the referenced ids' columns and types.
 *
 * @example
 * // model Post { id Int @id; tags Tag[] }  model Tag { id String @id; posts Post[] }
 * implicitJoinTables(datamodel, tables) // [_PostToTag: A integer -> Post.id, B text -> Tag.id]
 */
export function implicitJoinTables(datamodel: DmmfDatamodel, tables: readonly TableModel[]): TableModel[] {
  const joins = new Map<string, [DmmfModel, DmmfModel]>();
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      const implicit = field.kind === 'object' && field.isList && (field.relationFromFields ?? []).length === 0 && field.relationName;
      if (!implicit || joins.has(field.relationName!)) continue;
      const other = datamodel.models.find((candidate) => candidate.name === field.type);
      const back = other?.fields.find((candidate) => candidate !== field && candidate.kind === 'object' && candidate.relationName === field.relationName);
      // A one-to-many back-relation is a list too; its other side holds the foreign key and is no list.
      if (other === undefined || back === undefined || !back.isList) continue;
      joins.set(field.relationName!, model.name <= other.name ? [model, other] : [other, model]);
    }
  }
  return [...joins].flatMap(([relationName, [modelA, modelB]]) => {
    const [a, b] = [referencedKey(modelA, tables), referencedKey(modelB, tables)];
    return a === undefined || b === undefined ? [] : [joinTable(relationName, a, b)];
  });
}

interface ReferencedKey {
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

/** The single-column id an implicit many-to-many relation references (Prisma requires one). */
function referencedKey(model: DmmfModel, tables: readonly TableModel[]): ReferencedKey | undefined {
  const table = tables.find((candidate) => candidate.name === (model.dbName ?? model.name));
  const id = table?.columns.find((column) => column.primaryKey);
  if (table === undefined || id === undefined) return undefined;
  return { table: table.name, column: id.name, type: SERIAL_STORAGE[id.type] ?? id.type };
}

function joinTable(relationName: string, a: ReferencedKey, b: ReferencedKey): TableModel {
  const name = `_${relationName}`;
  const foreignKey = (column: 'A' | 'B', key: ReferencedKey) => ({
    name: `${name}_${column}_fkey`,
    columns: [column],
    referencedTable: key.table,
    referencedColumns: [key.column],
    onDelete: 'cascade' as const,
    onUpdate: 'cascade' as const,
  });
  return tableModel({
    name,
    columns: [columnModel({ name: 'A', type: a.type, nullable: false }), columnModel({ name: 'B', type: b.type, nullable: false })],
    primaryKey: { name: `${name}_AB_pkey`, columns: ['A', 'B'] },
    indexes: [{ name: `${name}_B_index`, columns: ['B'], unique: false, method: 'btree', where: null }],
    foreignKeys: [foreignKey('A', a), foreignKey('B', b)],
    comment: `Prisma's join table of the implicit many-to-many relation ${relationName} between ${a.table} and ${b.table}; no model declares it.`,
  });
}
