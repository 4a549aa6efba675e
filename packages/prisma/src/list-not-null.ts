import { parseColumnType, type ChangePlan, type SchemaModel } from '@orm-ai/core';

/**
 * `SET NOT NULL` for the list columns the plan adds with `nullable: false`. Prisma's schema
 * cannot say it (a list field has no `?` to leave off) and its engine creates every list
 * column nullable; but the engine also ignores a list column's nullability when it diffs,
 * so the constraint added by hand, Prisma's documented remedy for what the schema cannot
 * express, never shows up as drift in a later `prisma migrate dev`. Database names, as the
 * plan speaks in. The column is new, so its down is the engine's (the column or table goes).
 *
 * @example
 * listNotNullStatements(plan, model) // ['ALTER TABLE "posts" ALTER COLUMN "tags" SET NOT NULL;']
 */
export function listNotNullStatements(plan: ChangePlan, model: SchemaModel): string[] {
  const enums = new Set([...model.enums.map((item) => item.name), ...plan.changes.flatMap((change) => (change.kind === 'create_enum' ? [change.name] : []))]);
  const isList = (type: string) => {
    const parsed = parseColumnType(type, enums);
    return parsed.ok && parsed.type.arrayDimensions > 0;
  };
  const statements: string[] = [];
  for (const change of plan.changes) {
    if (change.kind !== 'add_column' && change.kind !== 'create_table') continue;
    const columns = change.kind === 'add_column' ? [change.column] : change.columns;
    for (const column of columns) {
      if (!column.nullable && !column.primaryKey && isList(column.type)) statements.push(`ALTER TABLE "${change.table}" ALTER COLUMN "${column.name}" SET NOT NULL;`);
    }
  }
  return statements;
}
