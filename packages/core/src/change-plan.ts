import { z } from 'zod';
import { indexMethodSchema, referentialActionSchema } from './schema-model.js';

/**
 * The change plan, version 1: one ORM-neutral description of a schema change. The LLM's
 * structured output IS this document, and `--plan FILE` accepts the same document, so a
 * person or a coding agent can drive the whole pipeline without a model. `docs/plan.md`
 * documents it; `plan.schema.json` is generated from it.
 *
 * Optional fields are `nullable` with a `null` default: a person may leave them out, and the
 * JSON Schema sent to the model lists every field as required (strict structured output).
 */
const reason = z.string().describe('Why this change is needed, in one sentence a reviewer can check.');
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

export const columnSpecSchema = z.strictObject({
  name: z.string().describe('Column name in the database (snake_case unless the schema uses another style).'),
  type: z.string().describe('PostgreSQL type: integer, bigint, serial, text, varchar(255), boolean, timestamptz, numeric(10,2), uuid, jsonb, text[], or an enum name.'),
  nullable: z.boolean(),
  default: optional(z.string()).describe('SQL default expression exactly as PostgreSQL stores it: \'draft\', 0, true, now(), gen_random_uuid(), \'{}\'::text[]; null for none.'),
  primaryKey: z.boolean().default(false),
  unique: z.boolean().default(false),
});

const createTable = z.strictObject({
  kind: z.literal('create_table'),
  table: z.string(),
  columns: z.array(columnSpecSchema).min(1),
  primaryKey: optional(z.array(z.string()).min(2)).describe('Composite primary key columns; null when a column has primaryKey: true.'),
  reason,
});
const dropTable = z.strictObject({ kind: z.literal('drop_table'), table: z.string(), reason });
const renameTable = z.strictObject({ kind: z.literal('rename_table'), from: z.string(), to: z.string(), reason });
const addColumn = z.strictObject({ kind: z.literal('add_column'), table: z.string(), column: columnSpecSchema, reason });
const dropColumn = z.strictObject({ kind: z.literal('drop_column'), table: z.string(), column: z.string(), reason });
const renameColumn = z.strictObject({
  kind: z.literal('rename_column'),
  table: z.string(),
  from: z.string(),
  to: z.string(),
  reason,
});
const alterColumn = z.strictObject({
  kind: z.literal('alter_column'),
  table: z.string(),
  column: z.string(),
  type: optional(z.string()).describe('New type, or null to keep the type.'),
  nullable: optional(z.boolean()).describe('New nullability, or null to keep it.'),
  default: optional(z.strictObject({ sql: z.string().nullable() })).describe('{ sql } sets the default ({ sql: null } drops it); null keeps it.'),
  reason,
});
const createIndex = z.strictObject({
  kind: z.literal('create_index'),
  table: z.string(),
  name: z.string(),
  columns: z.array(z.string()).min(1),
  unique: z.boolean().default(false),
  method: indexMethodSchema.default('btree'),
  where: optional(z.string()).describe('Partial index predicate as SQL, or null.'),
  concurrently: z.boolean().default(false).describe('Build without blocking writes; use for indexes on existing tables when the ORM allows it.'),
  reason,
});
const dropIndex = z.strictObject({ kind: z.literal('drop_index'), table: z.string(), name: z.string(), reason });
const addForeignKey = z.strictObject({
  kind: z.literal('add_foreign_key'),
  table: z.string(),
  name: optional(z.string()).describe('Constraint name, or null for the ORM\'s default name.'),
  columns: z.array(z.string()).min(1),
  referencedTable: z.string(),
  referencedColumns: z.array(z.string()).min(1),
  onDelete: referentialActionSchema.default('no action'),
  onUpdate: referentialActionSchema.default('no action'),
  reason,
});
const dropForeignKey = z.strictObject({ kind: z.literal('drop_foreign_key'), table: z.string(), name: z.string(), reason });
const addUnique = z.strictObject({
  kind: z.literal('add_unique'),
  table: z.string(),
  name: optional(z.string()),
  columns: z.array(z.string()).min(1),
  reason,
});
const dropUnique = z.strictObject({ kind: z.literal('drop_unique'), table: z.string(), name: z.string(), reason });
const createEnum = z.strictObject({ kind: z.literal('create_enum'), name: z.string(), values: z.array(z.string()).min(1), reason });
const addEnumValue = z.strictObject({ kind: z.literal('add_enum_value'), enum: z.string(), value: z.string(), reason });

export const schemaChangeSchema = z.discriminatedUnion('kind', [
  createTable,
  dropTable,
  renameTable,
  addColumn,
  dropColumn,
  renameColumn,
  alterColumn,
  createIndex,
  dropIndex,
  addForeignKey,
  dropForeignKey,
  addUnique,
  dropUnique,
  createEnum,
  addEnumValue,
]);

/** SQL the ORM's generator cannot produce (a backfill), placed before or after its statements. */
export const migrationStepSchema = z.strictObject({
  position: z.enum(['before', 'after']).describe('Run before or after the statements generated from the schema changes.'),
  sql: z.string().describe('One or more SQL statements.'),
  reason,
  locks: z.string().describe('What this step locks and for how long, in plain words.'),
  down: optional(z.string()).describe(
    'SQL that undoes this step when the migration is rolled back (it runs in reverse order around the ORM\'s own down), or null when the ORM\'s down already undoes it (a backfill of a column the migration adds) or nothing can (say which in reason). The rollback is proved on a shadow database either way.',
  ),
});

export const CHANGE_PLAN_VERSION = 1;

export const changePlanSchema = z.strictObject({
  version: z.literal(CHANGE_PLAN_VERSION),
  request: z.string().describe('The request this plan answers, in the user\'s words.'),
  summary: z.string().describe('One paragraph a reviewer reads first: what changes and what it locks.'),
  changes: z.array(schemaChangeSchema).min(1),
  migrationSteps: z.array(migrationStepSchema).default([]),
});

export type ColumnSpec = z.infer<typeof columnSpecSchema>;
export type SchemaChange = z.infer<typeof schemaChangeSchema>;
export type SchemaChangeKind = SchemaChange['kind'];
export type MigrationStep = z.infer<typeof migrationStepSchema>;
export type ChangePlan = z.infer<typeof changePlanSchema>;
/** A plan as a person may write it: optional fields may be left out. */
export type ChangePlanInput = z.input<typeof changePlanSchema>;

/** Narrows a change to one kind: `ChangeOf<'rename_column'>`. */
export type ChangeOf<K extends SchemaChangeKind> = Extract<SchemaChange, { kind: K }>;

/** Kinds that remove a table, column, index or constraint and so need the request's consent. */
export const DESTRUCTIVE_CHANGE_KINDS: ReadonlySet<SchemaChangeKind> = new Set([
  'drop_table',
  'drop_column',
  'drop_index',
  'drop_foreign_key',
  'drop_unique',
]);

type RenameChange = ChangeOf<'rename_table'> | ChangeOf<'rename_column'>;

/**
 * The plan's renames turned around, in the order that undoes them: what a down migration
 * runs so a renamed table or column gets its old name back with its data, where the ORM's
 * differ alone would drop and add.
 *
 * @example
 * // plan: rename_column users.name → display_name
 * renamesUndone(plan) // [{ kind: 'rename_column', table: 'users', from: 'display_name', to: 'name', ... }]
 */
export function renamesUndone(plan: ChangePlan): RenameChange[] {
  const undone: RenameChange[] = [];
  for (const change of plan.changes) {
    if (change.kind === 'rename_table') undone.unshift({ ...change, from: change.to, to: change.from });
    if (change.kind === 'rename_column') undone.unshift({ ...change, from: change.to, to: change.from });
  }
  return undone;
}

/** Names a change for messages and reports: `add_column posts.tags`, `rename_column users.a → b`. */
export function describeChange(change: SchemaChange): string {
  switch (change.kind) {
    case 'create_table':
    case 'drop_table':
      return `${change.kind} ${change.table}`;
    case 'rename_table':
      return `rename_table ${change.from} → ${change.to}`;
    case 'add_column':
      return `add_column ${change.table}.${change.column.name}`;
    case 'drop_column':
    case 'alter_column':
      return `${change.kind} ${change.table}.${change.column}`;
    case 'rename_column':
      return `rename_column ${change.table}.${change.from} → ${change.to}`;
    case 'create_enum':
      return `create_enum ${change.name}`;
    case 'add_enum_value':
      return `add_enum_value ${change.enum}.${change.value}`;
    case 'add_foreign_key':
    case 'add_unique':
      return `${change.kind} ${change.table}(${change.columns.join(', ')})`;
    default:
      return `${change.kind} ${change.table}.${change.name}`;
  }
}
