import { applyChangeToModel, describeError, formatColumnType, OrmAiError, parseColumnType, type ChangeOf, type ChangePlan, type SchemaModel } from '@orm-ai/core';
import { toBuilderQuery, type BuilderQueries, type BuilderQuery, type ShadowOperationOptions } from './builder-migration.js';

export interface RunInPlaceChangesOptions extends ShadowOperationOptions {
  readonly plan: ChangePlan;
  /** The entities' schema model before the plan: the types a planned type change goes back to. */
  readonly model: SchemaModel;
}

/**
 * Runs the plan's renames and type changes on the shadow, in plan order and in one
 * transaction, before the schema builder diffs: the builder alone turns a rename, and any
 * change of type or length, into DROP + ADD, losing the values.
 *
 * Renames go through TypeORM's own query runner (`renameTable`, `renameColumn`), which also
 * renames what TypeORM named after the old name (the primary key, the id sequence, indexes,
 * unique and foreign-key constraints), so the builder afterwards sees its own names and the
 * down is TypeORM's inverse. Type changes go without `USING`: PostgreSQL's assignment cast
 * refuses a value the new type cannot hold instead of cutting it; enum types are left to
 * the builder. Returns the statements in builder order (`down` runs reversed).
 * Throws `SHADOW_REJECTED_MIGRATION` naming the change.
 */
export async function runInPlaceChanges(options: RunInPlaceChangesOptions): Promise<BuilderQueries> {
  const runner = options.dataSource.createQueryRunner();
  const up: BuilderQuery[] = [];
  const down: BuilderQuery[] = [];
  let working = structuredClone(options.model);
  try {
    await runner.startTransaction();
    for (const change of options.plan.changes) {
      runner.clearSqlMemory();
      try {
        if (change.kind === 'rename_table') await runner.renameTable(change.from, change.to);
        else if (change.kind === 'rename_column') await runner.renameColumn(change.table, change.from, change.to);
        else if (change.kind === 'alter_column' && change.type !== null) {
          const typeChange = inPlaceTypeChange(working, change);
          if (typeChange) {
            await runner.query(typeChange.up.query);
            up.push(typeChange.up);
            down.push(typeChange.down);
          }
        }
      } catch (error) {
        throw new OrmAiError('SHADOW_REJECTED_MIGRATION', `${change.kind} failed on the shadow: ${describeError(error)}`, {
          hint: 'The planned change does not fit the schema your migrations build; fix the plan.',
          cause: error,
        });
      }
      const memory = runner.getMemorySql();
      up.push(...memory.upQueries.map(toBuilderQuery));
      down.push(...memory.downQueries.map(toBuilderQuery));
      working = applyChangeToModel(working, change);
    }
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
  return { up, down };
}

/** The `ALTER COLUMN ... TYPE` both ways, or null when the stored type stays (or is an enum). */
function inPlaceTypeChange(model: SchemaModel, change: ChangeOf<'alter_column'>): { up: BuilderQuery; down: BuilderQuery } | null {
  const enums = new Set(model.enums.map((item) => item.name));
  const current = model.tables.find((table) => table.name === change.table)?.columns.find((column) => column.name === change.column)?.type;
  const before = storedType(current, enums);
  const after = storedType(change.type ?? undefined, enums);
  if (!before || !after || before === after) return null;
  const alter = (type: string): BuilderQuery => ({ query: `ALTER TABLE "${change.table}" ALTER COLUMN "${change.column}" TYPE ${type}` });
  return { up: alter(after), down: alter(before) };
}

/** A built-in type as a column stores it (`serial` is `integer` with a sequence); null for enums and unknown spellings. */
function storedType(spelling: string | undefined, enums: ReadonlySet<string>): string | null {
  if (spelling === undefined) return null;
  const parsed = parseColumnType(spelling, enums);
  if (!parsed.ok || parsed.type.isEnum) return null;
  const base = { smallserial: 'smallint', serial: 'integer', bigserial: 'bigint' }[parsed.type.base] ?? parsed.type.base;
  return formatColumnType({ ...parsed.type, base });
}
