import type { ChangeOf, ColumnSpec, SchemaChange } from './change-plan.js';
import { isSerialType, parseColumnType } from './column-type.js';
import { didYouMean } from './closest-name.js';
import { identifierProblem } from './sql-identifier.js';
import type { SchemaModel, TableModel } from './schema-model.js';

/** What one change is checked against: the schema as the earlier changes leave it. */
export interface ChangeCheckContext {
  readonly model: SchemaModel;
  readonly change: SchemaChange;
  /** Tables that exist before the plan runs (they may hold rows). */
  readonly existingTables: ReadonlySet<string>;
  /** Null when the type spelling is valid, else why not. */
  readonly typeProblem: (spelling: string) => string | null;
}

type Checker<K extends SchemaChange['kind']> = (context: ChangeCheckContext & { change: ChangeOf<K> }) => string[];
type Checkers = { [K in SchemaChange['kind']]: Checker<K> };

/** Lists what is wrong with one change; empty when it can run. */
export function checkChange(context: ChangeCheckContext): string[] {
  const check = CHECKERS[context.change.kind] as Checker<SchemaChange['kind']>;
  return check(context);
}

function table(model: SchemaModel, name: string): TableModel | undefined {
  return model.tables.find((candidate) => candidate.name === name);
}

function requireTable(model: SchemaModel, name: string, problems: string[]): TableModel | undefined {
  const found = table(model, name);
  if (!found) {
    const tables = model.tables.map((t) => t.name);
    problems.push(`table "${name}" does not exist${didYouMean(name, tables)} (tables: ${tables.join(', ') || 'none'})`);
  }
  return found;
}

function requireColumns(target: TableModel, columns: readonly string[], problems: string[]): void {
  for (const column of columns) {
    if (!target.columns.some((candidate) => candidate.name === column)) {
      const columns = target.columns.map((c) => c.name);
      problems.push(`column "${target.name}.${column}" does not exist${didYouMean(column, columns)} (columns: ${columns.join(', ')})`);
    }
  }
}

function newName(kind: string, name: string, problems: string[]): void {
  const problem = identifierProblem(name);
  if (problem) problems.push(`${kind} name ${problem}`);
}

/** Index and constraint names share one namespace per PostgreSQL schema. */
function relationNameTaken(model: SchemaModel, name: string): boolean {
  return model.tables.some(
    (candidate) =>
      candidate.name === name ||
      candidate.indexes.some((index) => index.name === name) ||
      candidate.uniques.some((unique) => unique.name === name) ||
      candidate.columns.some((column) => column.uniqueName === name) ||
      candidate.foreignKeys.some((key) => key.name === name),
  );
}

function checkColumnSpec(context: ChangeCheckContext, spec: ColumnSpec, problems: string[]): void {
  newName('column', spec.name, problems);
  const typeProblem = context.typeProblem(spec.type);
  if (typeProblem) problems.push(`column "${spec.name}": ${typeProblem}`);
}

/** Serial columns fill themselves from their sequence, so NOT NULL needs no default. */
function isSerial(model: SchemaModel, spelling: string): boolean {
  const parsed = parseColumnType(spelling, new Set(model.enums.map((item) => item.name)));
  return parsed.ok && isSerialType(parsed.type);
}

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}

const CHECKERS: Checkers = {
  create_table({ model, change, ...rest }) {
    const problems: string[] = [];
    newName('table', change.table, problems);
    if (table(model, change.table)) problems.push(`table "${change.table}" already exists`);
    for (const spec of change.columns) checkColumnSpec({ model, change, ...rest }, spec, problems);
    for (const name of duplicates(change.columns.map((column) => column.name))) problems.push(`column "${name}" is declared twice`);
    const keyed = change.columns.filter((column) => column.primaryKey).map((column) => column.name);
    if (change.primaryKey && keyed.length > 0) problems.push('give the primary key either on columns or as primaryKey, not both');
    if (keyed.length > 1) problems.push(`several columns say primaryKey (${keyed.join(', ')}): use primaryKey: [...] for a composite key`);
    for (const name of change.primaryKey ?? []) {
      if (!change.columns.some((column) => column.name === name)) problems.push(`primary key column "${name}" is not among the table's columns`);
    }
    return problems;
  },
  drop_table({ model, change }) {
    const problems: string[] = [];
    requireTable(model, change.table, problems);
    const referencing = model.tables.filter(
      (candidate) => candidate.name !== change.table && candidate.foreignKeys.some((key) => key.referencedTable === change.table),
    );
    for (const other of referencing) problems.push(`table "${other.name}" still references "${change.table}": drop that foreign key first`);
    return problems;
  },
  rename_table({ model, change }) {
    const problems: string[] = [];
    requireTable(model, change.from, problems);
    newName('table', change.to, problems);
    if (table(model, change.to)) problems.push(`table "${change.to}" already exists`);
    return problems;
  },
  add_column(context) {
    const { model, change, existingTables } = context;
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    checkColumnSpec(context, change.column, problems);
    if (target?.columns.some((column) => column.name === change.column.name)) {
      problems.push(`column "${change.table}.${change.column.name}" already exists`);
    }
    if (existingTables.has(change.table) && !change.column.nullable && change.column.default === null && !isSerial(model, change.column.type)) {
      problems.push(
        `column "${change.table}.${change.column.name}" is NOT NULL without a default on an existing table: ADD COLUMN fails once the table has rows. Give it a default (a constant default does not rewrite the table), or add it nullable.`,
      );
    }
    if (existingTables.has(change.table) && change.column.primaryKey) {
      problems.push(`"${change.table}" already exists: adding a primary key column to it is not supported in one step`);
    }
    return problems;
  },
  drop_column({ model, change }) {
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    if (target) requireColumns(target, [change.column], problems);
    return problems;
  },
  rename_column({ model, change }) {
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    if (!target) return problems;
    requireColumns(target, [change.from], problems);
    newName('column', change.to, problems);
    if (target.columns.some((column) => column.name === change.to)) problems.push(`column "${change.table}.${change.to}" already exists`);
    return problems;
  },
  alter_column(context) {
    const { model, change } = context;
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    if (target) requireColumns(target, [change.column], problems);
    if (change.type === null && change.nullable === null && change.default === null) problems.push('changes nothing: set type, nullable or default');
    const typeProblem = change.type === null ? null : context.typeProblem(change.type);
    if (typeProblem) problems.push(typeProblem);
    return problems;
  },
  create_index({ model, change }) {
    const problems: string[] = [];
    newName('index', change.name, problems);
    if (relationNameTaken(model, change.name)) problems.push(`the name "${change.name}" is already used by a table, index or constraint`);
    const target = requireTable(model, change.table, problems);
    if (target) requireColumns(target, change.columns, problems);
    if (change.concurrently && change.unique === false && change.where === null && target?.indexes.some((index) => index.columns.join() === change.columns.join())) {
      problems.push(`"${change.table}" already has an index on (${change.columns.join(', ')})`);
    }
    return problems;
  },
  drop_index({ model, change }) {
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    if (target && !target.indexes.some((index) => index.name === change.name)) problems.push(`index "${change.name}" does not exist on "${change.table}"${didYouMean(change.name, target.indexes.map((index) => index.name))}`);
    return problems;
  },
  add_foreign_key({ model, change }) {
    const problems: string[] = [];
    if (change.name !== null) {
      newName('constraint', change.name, problems);
      if (relationNameTaken(model, change.name)) problems.push(`the name "${change.name}" is already used`);
    }
    const target = requireTable(model, change.table, problems);
    if (target) requireColumns(target, change.columns, problems);
    const referenced = requireTable(model, change.referencedTable, problems);
    if (referenced) requireColumns(referenced, change.referencedColumns, problems);
    if (change.columns.length !== change.referencedColumns.length) problems.push('columns and referencedColumns must have the same length');
    return problems;
  },
  drop_foreign_key({ model, change }) {
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    if (target && !target.foreignKeys.some((key) => key.name === change.name)) {
      problems.push(`foreign key "${change.name}" does not exist on "${change.table}"${didYouMean(change.name, target.foreignKeys.map((key) => key.name))} (has: ${target.foreignKeys.map((key) => key.name).join(', ') || 'none'})`);
    }
    return problems;
  },
  add_unique({ model, change }) {
    const problems: string[] = [];
    if (change.name !== null) {
      newName('constraint', change.name, problems);
      if (relationNameTaken(model, change.name)) problems.push(`the name "${change.name}" is already used`);
    }
    const target = requireTable(model, change.table, problems);
    if (target) requireColumns(target, change.columns, problems);
    return problems;
  },
  drop_unique({ model, change }) {
    const problems: string[] = [];
    const target = requireTable(model, change.table, problems);
    const declared = target && (target.uniques.some((unique) => unique.name === change.name) || target.columns.some((column) => column.uniqueName === change.name));
    if (target && !declared) {
      const names = [...target.uniques.map((unique) => unique.name), ...target.columns.flatMap((column) => (column.uniqueName ? [column.uniqueName] : []))];
      problems.push(`unique constraint "${change.name}" does not exist on "${change.table}"${didYouMean(change.name, names)}`);
    }
    return problems;
  },
  create_enum({ model, change }) {
    const problems: string[] = [];
    newName('enum', change.name, problems);
    if (model.enums.some((item) => item.name === change.name)) problems.push(`enum "${change.name}" already exists`);
    for (const value of duplicates(change.values)) problems.push(`enum value "${value}" is listed twice`);
    for (const value of change.values) if (value.length === 0 || value.length > 63) problems.push(`enum value "${value}" must be 1 to 63 characters`);
    return problems;
  },
  add_enum_value({ model, change }) {
    const target = model.enums.find((item) => item.name === change.enum);
    if (!target) {
      const enums = model.enums.map((item) => item.name);
      return [`enum "${change.enum}" does not exist${didYouMean(change.enum, enums)} (enums: ${enums.join(', ') || 'none'})`];
    }
    if (target.values.includes(change.value)) return [`enum "${change.enum}" already has the value "${change.value}"`];
    if (change.value.length === 0 || change.value.length > 63) return [`enum value "${change.value}" must be 1 to 63 characters`];
    return [];
  },
};
