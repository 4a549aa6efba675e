import { withoutOuterTypeCast, type ChangePlan, type ColumnSpec, type SchemaChange } from '@orm-ai/core';

/**
 * TypeORM reads a column's default back from PostgreSQL with its casts stripped
 * (`'{}'::text[]` → `'{}'`) and compares it with the entity's; a default declared with the
 * cast never compares equal, so every later `migration:generate` would alter it again. The
 * plan's defaults are handed to the entity editor without their outer cast.
 */
export async function withTypeormDefaults(plan: ChangePlan): Promise<ChangePlan> {
  const changes = await Promise.all(plan.changes.map(withDefaultsOf));
  return { ...plan, changes };
}

async function withDefaultsOf(change: SchemaChange): Promise<SchemaChange> {
  switch (change.kind) {
    case 'add_column':
      return { ...change, column: await specWithDefault(change.column) };
    case 'create_table':
      return { ...change, columns: await Promise.all(change.columns.map(specWithDefault)) };
    case 'alter_column':
      return change.default?.sql ? { ...change, default: { sql: await withoutOuterTypeCast(change.default.sql) } } : change;
    default:
      return change;
  }
}

async function specWithDefault(spec: ColumnSpec): Promise<ColumnSpec> {
  return spec.default === null ? spec : { ...spec, default: await withoutOuterTypeCast(spec.default) };
}
