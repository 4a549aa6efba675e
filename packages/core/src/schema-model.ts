import { z } from 'zod';
import { DIALECT_NAMES } from './dialect/dialect.js';

/**
 * The ORM-neutral schema model: what every plugin reads its ORM's source into, what the
 * prompt shows and what plans are validated against. Declared once here; every other
 * schema type in the project is derived from these zod schemas.
 *
 * Column types are canonical PostgreSQL type strings (see `column-type.ts`), defaults are
 * SQL expressions exactly as PostgreSQL would store them in a column default
 * (`'draft'`, `0`, `now()`, `gen_random_uuid()`).
 */
export const referentialActionSchema = z.enum(['no action', 'restrict', 'cascade', 'set null', 'set default']);

/** The index methods a plan may create. */
export const indexMethodSchema = z.enum(['btree', 'hash', 'gin', 'gist', 'spgist', 'brin']);

/**
 * An index's access method as the ORM declares it: one a plan may create, or one an extension
 * brings (pgvector's `hnsw`, `ivfflat`), which the model keeps so prompts see the whole schema.
 */
export const indexAccessMethodSchema = z.string().min(1);

export const columnModelSchema = z.strictObject({
  name: z.string(),
  /** Canonical type, e.g. `integer`, `varchar(255)`, `timestamptz`, `text[]`, or an enum's name. */
  type: z.string(),
  nullable: z.boolean(),
  /** SQL default expression, or null when the column has none. */
  default: z.string().nullable(),
  /** True for a single-column primary key declared on the column itself. */
  primaryKey: z.boolean(),
  /** True for a single-column unique constraint declared on the column itself. */
  unique: z.boolean(),
  /**
   * The name the database gives that constraint (Prisma: its unique index): the declared one
   * or the ORM's default (`users_email_unique`, `users_email_key`, `UQ_…`), so a plan can
   * drop it by name. Null when not unique, or for a column the plan adds (the ORM names it).
   */
  uniqueName: z.string().nullable(),
  /** `always` / `by default` for identity columns; null otherwise. */
  identity: z.enum(['always', 'by default']).nullable(),
  /** Source comment attached to the column: data for the prompt, never instructions. */
  comment: z.string().nullable(),
});

/** How one index key differs from PostgreSQL's defaults (the type's default operator class, ASC, NULLS LAST). */
export const indexKeyOptionsSchema = z.strictObject({
  /** Operator class, e.g. `gin_trgm_ops`, `text_pattern_ops`, `vector_cosine_ops`; null for the type's default. */
  opclass: z.string().nullable(),
  order: z.enum(['asc', 'desc']),
  /** Null for the order's default: NULLS LAST for ASC, NULLS FIRST for DESC. */
  nulls: z.enum(['first', 'last']).nullable(),
});

export const indexModelSchema = z.strictObject({
  name: z.string(),
  /** Column names, in index order. */
  columns: z.array(z.string()).min(1),
  unique: z.boolean(),
  method: indexAccessMethodSchema,
  /** Partial index predicate as SQL, or null. */
  where: z.string().nullable(),
  /**
   * Per key, in `columns` order, when any key has an operator class, DESC or an explicit NULLS
   * order; absent when every key uses the defaults.
   */
  keyOptions: z.array(indexKeyOptionsSchema).optional(),
});

export const foreignKeyModelSchema = z.strictObject({
  name: z.string(),
  columns: z.array(z.string()).min(1),
  referencedTable: z.string(),
  referencedColumns: z.array(z.string()).min(1),
  onDelete: referentialActionSchema,
  onUpdate: referentialActionSchema,
});

export const uniqueConstraintModelSchema = z.strictObject({
  name: z.string(),
  columns: z.array(z.string()).min(1),
});

export const checkConstraintModelSchema = z.strictObject({
  name: z.string(),
  /** The boolean SQL expression, as the ORM declares it. */
  expression: z.string(),
});

/** A row-level security policy (`CREATE POLICY`), as the ORM declares it. */
export const policyModelSchema = z.strictObject({
  name: z.string(),
  /** PERMISSIVE policies are OR-ed together, RESTRICTIVE ones AND-ed with them. */
  as: z.enum(['permissive', 'restrictive']),
  command: z.enum(['all', 'select', 'insert', 'update', 'delete']),
  /** Role names; `public` when the policy applies to everyone. */
  roles: z.array(z.string()),
  using: z.string().nullable(),
  withCheck: z.string().nullable(),
});

export const tableModelSchema = z.strictObject({
  name: z.string(),
  columns: z.array(columnModelSchema),
  /** Composite (or table-level) primary key; single-column keys are flagged on the column. */
  primaryKey: z.strictObject({ name: z.string().nullable(), columns: z.array(z.string()).min(1) }).nullable(),
  indexes: z.array(indexModelSchema),
  foreignKeys: z.array(foreignKeyModelSchema),
  uniques: z.array(uniqueConstraintModelSchema),
  checks: z.array(checkConstraintModelSchema),
  /** True when row-level security is enabled on the table (policies may exist without it). */
  rowLevelSecurity: z.boolean(),
  policies: z.array(policyModelSchema),
  comment: z.string().nullable(),
});

export const enumModelSchema = z.strictObject({
  name: z.string(),
  values: z.array(z.string()).min(1),
});

export const schemaModelSchema = z.strictObject({
  dialect: z.enum(DIALECT_NAMES),
  tables: z.array(tableModelSchema),
  enums: z.array(enumModelSchema),
});

export type ReferentialAction = z.infer<typeof referentialActionSchema>;
export type IndexMethod = z.infer<typeof indexMethodSchema>;
export type IndexKeyOptions = z.infer<typeof indexKeyOptionsSchema>;
export type CheckConstraintModel = z.infer<typeof checkConstraintModelSchema>;
export type PolicyModel = z.infer<typeof policyModelSchema>;
export type ColumnModel = z.infer<typeof columnModelSchema>;
export type IndexModel = z.infer<typeof indexModelSchema>;
export type ForeignKeyModel = z.infer<typeof foreignKeyModelSchema>;
export type UniqueConstraintModel = z.infer<typeof uniqueConstraintModelSchema>;
export type TableModel = z.infer<typeof tableModelSchema>;
export type EnumModel = z.infer<typeof enumModelSchema>;
export type SchemaModel = z.infer<typeof schemaModelSchema>;

/** Finds a table by name; names are compared exactly, as PostgreSQL compares quoted identifiers. */
export function findTable(model: SchemaModel, name: string): TableModel | undefined {
  return model.tables.find((table) => table.name === name);
}

export function findColumn(table: TableModel, name: string): ColumnModel | undefined {
  return table.columns.find((column) => column.name === name);
}

export function findEnum(model: SchemaModel, name: string): EnumModel | undefined {
  return model.enums.find((candidate) => candidate.name === name);
}

/** A column with every optional attribute at its neutral value; plugins spread their facts over it. */
export function columnModel(fields: Pick<ColumnModel, 'name' | 'type'> & Partial<ColumnModel>): ColumnModel {
  return {
    nullable: true,
    default: null,
    primaryKey: false,
    unique: false,
    uniqueName: null,
    identity: null,
    comment: null,
    ...fields,
  };
}

/** An empty table, for plugins building the model one declaration at a time. */
export function tableModel(fields: Pick<TableModel, 'name'> & Partial<TableModel>): TableModel {
  return {
    columns: [],
    primaryKey: null,
    indexes: [],
    foreignKeys: [],
    uniques: [],
    checks: [],
    rowLevelSecurity: false,
    policies: [],
    comment: null,
    ...fields,
  };
}
