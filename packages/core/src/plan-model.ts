import type { ChangeOf, ChangePlan, ColumnSpec, SchemaChange } from './change-plan.js';
import { normalizeColumnType } from './column-type.js';
import { columnModel, tableModel, type ColumnModel, type SchemaModel, type TableModel } from './schema-model.js';

/**
 * Applies a plan to the neutral model, giving the schema the plan means to produce. Used to
 * validate later changes against earlier ones and to tell the report what the plan touches.
 * Assumes the plan was validated: unknown names are ignored rather than reported here.
 */
export function applyPlanToModel(model: SchemaModel, plan: Pick<ChangePlan, 'changes'>): SchemaModel {
  return plan.changes.reduce(applyChangeToModel, structuredClone(model));
}

/** Applies one change, mutating and returning `model` (callers pass a clone). */
export function applyChangeToModel(model: SchemaModel, change: SchemaChange): SchemaModel {
  const apply = CHANGE_APPLIERS[change.kind] as (model: SchemaModel, change: SchemaChange) => void;
  apply(model, change);
  return model;
}

/** The constraint name the plan means when it leaves a foreign key unnamed (PostgreSQL's own default). */
export function defaultForeignKeyName(change: ChangeOf<'add_foreign_key'>): string {
  return `${change.table}_${change.columns.join('_')}_fkey`;
}

export function defaultUniqueName(change: ChangeOf<'add_unique'>): string {
  return `${change.table}_${change.columns.join('_')}_key`;
}

export function columnFromSpec(spec: ColumnSpec, enumNames: ReadonlySet<string>): ColumnModel {
  return columnModel({
    name: spec.name,
    type: normalizeColumnType(spec.type, enumNames),
    // A primary key column is NOT NULL whatever the plan says, as in PostgreSQL.
    nullable: spec.primaryKey ? false : spec.nullable,
    default: spec.default,
    primaryKey: spec.primaryKey,
    unique: spec.unique,
  });
}

type Appliers = { [K in SchemaChange['kind']]: (model: SchemaModel, change: ChangeOf<K>) => void };

function withTable(model: SchemaModel, name: string, edit: (table: TableModel) => void): void {
  const table = model.tables.find((candidate) => candidate.name === name);
  if (table) edit(table);
}

function enumNamesOf(model: SchemaModel): Set<string> {
  return new Set(model.enums.map((item) => item.name));
}

function renameInList(list: string[], from: string, to: string): string[] {
  return list.map((name) => (name === from ? to : name));
}

const CHANGE_APPLIERS: Appliers = {
  create_table(model, change) {
    const enums = enumNamesOf(model);
    model.tables.push(
      tableModel({
        name: change.table,
        columns: change.columns.map((spec) => columnFromSpec(spec, enums)),
        primaryKey: change.primaryKey ? { name: null, columns: change.primaryKey } : null,
      }),
    );
  },
  drop_table(model, change) {
    model.tables = model.tables.filter((table) => table.name !== change.table);
  },
  rename_table(model, change) {
    withTable(model, change.from, (table) => {
      table.name = change.to;
    });
    for (const table of model.tables) {
      for (const foreignKey of table.foreignKeys) {
        if (foreignKey.referencedTable === change.from) foreignKey.referencedTable = change.to;
      }
    }
  },
  add_column(model, change) {
    withTable(model, change.table, (table) => table.columns.push(columnFromSpec(change.column, enumNamesOf(model))));
  },
  drop_column(model, change) {
    withTable(model, change.table, (table) => {
      table.columns = table.columns.filter((column) => column.name !== change.column);
      // PostgreSQL drops indexes and constraints that use the column along with it.
      table.indexes = table.indexes.filter((index) => !index.columns.includes(change.column));
      table.uniques = table.uniques.filter((unique) => !unique.columns.includes(change.column));
      table.foreignKeys = table.foreignKeys.filter((key) => !key.columns.includes(change.column));
    });
  },
  rename_column(model, change) {
    withTable(model, change.table, (table) => {
      for (const column of table.columns) if (column.name === change.from) column.name = change.to;
      for (const index of table.indexes) index.columns = renameInList(index.columns, change.from, change.to);
      for (const unique of table.uniques) unique.columns = renameInList(unique.columns, change.from, change.to);
      for (const key of table.foreignKeys) key.columns = renameInList(key.columns, change.from, change.to);
      if (table.primaryKey) table.primaryKey.columns = renameInList(table.primaryKey.columns, change.from, change.to);
    });
    for (const table of model.tables) {
      for (const key of table.foreignKeys) {
        if (key.referencedTable === change.table) key.referencedColumns = renameInList(key.referencedColumns, change.from, change.to);
      }
    }
  },
  alter_column(model, change) {
    const enums = enumNamesOf(model);
    withTable(model, change.table, (table) => {
      const column = table.columns.find((candidate) => candidate.name === change.column);
      if (!column) return;
      if (change.type !== null) column.type = normalizeColumnType(change.type, enums);
      if (change.nullable !== null) column.nullable = change.nullable;
      if (change.default !== null) column.default = change.default.sql;
    });
  },
  create_index(model, change) {
    withTable(model, change.table, (table) =>
      table.indexes.push({
        name: change.name,
        columns: change.columns,
        unique: change.unique,
        method: change.method,
        where: change.where,
      }),
    );
  },
  drop_index(model, change) {
    withTable(model, change.table, (table) => {
      table.indexes = table.indexes.filter((index) => index.name !== change.name);
    });
  },
  add_foreign_key(model, change) {
    withTable(model, change.table, (table) =>
      table.foreignKeys.push({
        name: change.name ?? defaultForeignKeyName(change),
        columns: change.columns,
        referencedTable: change.referencedTable,
        referencedColumns: change.referencedColumns,
        onDelete: change.onDelete,
        onUpdate: change.onUpdate,
      }),
    );
  },
  drop_foreign_key(model, change) {
    withTable(model, change.table, (table) => {
      table.foreignKeys = table.foreignKeys.filter((key) => key.name !== change.name);
    });
  },
  add_unique(model, change) {
    withTable(model, change.table, (table) =>
      table.uniques.push({ name: change.name ?? defaultUniqueName(change), columns: change.columns }),
    );
  },
  drop_unique(model, change) {
    withTable(model, change.table, (table) => {
      table.uniques = table.uniques.filter((unique) => unique.name !== change.name);
      for (const column of table.columns.filter((candidate) => candidate.uniqueName === change.name)) Object.assign(column, { unique: false, uniqueName: null });
    });
  },
  create_enum(model, change) {
    model.enums.push({ name: change.name, values: change.values });
  },
  add_enum_value(model, change) {
    const target = model.enums.find((item) => item.name === change.enum);
    if (target) target.values.push(change.value);
  },
};
