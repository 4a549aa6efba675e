import { describeChange, describeError, OrmAiError } from '@orm-ai/core';
import type { ChangePlan, SchemaChange, SchemaModel } from '@orm-ai/core';
import { alterColumn, addColumn, dropColumn, renameColumn } from './edit-columns.js';
import { addForeignKey, addUnique, createIndex, dropForeignKey, dropIndex, dropUnique } from './edit-constraints.js';
import { refresh, type EditState } from './edit-context.js';
import { addEnumValue, createEnum } from './edit-enums.js';
import { removeNewlyUnusedImports, usedImportNames } from './edit-imports.js';
import { createTable, dropTable, renameTable } from './edit-tables.js';
import type { DrizzleSchema } from './read-schema.js';

/** One edited schema file: its absolute path and full contents before and after. */
export interface SourceEdit {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Applies a validated change plan to the Drizzle schema sources with minimal text edits and
 * returns the files that changed (nothing is written to disk). `fallback` is drizzle-kit's
 * view of the schema, for tables with constructs the static reader cannot interpret. The edits run in memory on
 * `schema.project`, which is restored afterwards, so `schema` stays valid for another call.
 * Throws OrmAiError('PLAN_APPLY_FAILED') naming the change that could not be applied.
 */
export function applyPlanToDrizzleSource(options: { schema: DrizzleSchema; plan: ChangePlan; fallback?: SchemaModel }): SourceEdit[] {
  const { schema, plan } = options;
  const files = schema.index.files.map((file) => file.path);
  const sourceFiles = files.map((path) => schema.project.getSourceFileOrThrow(path));
  const before = new Map(sourceFiles.map((sourceFile) => [sourceFile.getFilePath(), sourceFile.getFullText()]));
  const usedBefore = new Map(sourceFiles.map((sourceFile) => [sourceFile.getFilePath(), usedImportNames(sourceFile)]));
  const state: EditState = {
    project: schema.project,
    files,
    casing: schema.index.casing,
    plan,
    model: schema.model,
    index: schema.index,
    fallback: options.fallback,
  };
  try {
    for (const change of plan.changes) {
      applyChange(state, change);
      refresh(state, describeChange(change), change);
    }
    for (const sourceFile of sourceFiles) removeNewlyUnusedImports(sourceFile, usedBefore.get(sourceFile.getFilePath())!);
    return sourceFiles
      .map((sourceFile) => ({ path: sourceFile.getFilePath(), before: before.get(sourceFile.getFilePath())!, after: sourceFile.getFullText() }))
      .filter((edit) => edit.after !== edit.before);
  } finally {
    for (const sourceFile of sourceFiles) {
      const original = before.get(sourceFile.getFilePath())!;
      if (sourceFile.getFullText() !== original) sourceFile.replaceWithText(original);
    }
  }
}


function applyChange(state: EditState, change: SchemaChange): void {
  refuseInexpressible(state, change);
  try {
    dispatch(state, change);
  } catch (error) {
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('PLAN_APPLY_FAILED', `${describeChange(change)}: ${describeError(error)}`, {
      hint: 'The schema source has a shape drizzle-ai cannot edit here; apply this change by hand.',
      cause: error,
    });
  }
}

/**
 * Refuses a change the project's database has no form for, before anything is edited: SQLite
 * has no enum types and one index method. Column types it lacks are refused where the
 * column is written (`planColumnType`).
 */
function refuseInexpressible(state: EditState, change: SchemaChange): void {
  const core = state.index.core;
  const refuse = (why: string, hint: string) => new OrmAiError('PLAN_APPLY_FAILED', `${describeChange(change)}: ${why}`, { hint });
  if ((change.kind === 'create_enum' || change.kind === 'add_enum_value') && core.enumFunction === null) {
    throw refuse(`${core.module} has no enum types`, "On SQLite an enum is a text column with its values in TypeScript: text('status', { enum: ['a', 'b'] }). Plan a text column instead.");
  }
  if (change.kind === 'create_index' && core.btreeIndexesOnly && (change.method !== 'btree' || change.concurrently)) {
    throw refuse(`${core.module} indexes are plain b-trees, built in one step`, 'Plan the index with method "btree" and concurrently false.');
  }
}

function dispatch(state: EditState, change: SchemaChange): void {
  switch (change.kind) {
    case 'create_table':
      return createTable(state, change);
    case 'drop_table':
      return dropTable(state, change);
    case 'rename_table':
      return renameTable(state, change);
    case 'add_column':
      return addColumn(state, change);
    case 'drop_column':
      return dropColumn(state, change);
    case 'rename_column':
      return renameColumn(state, change);
    case 'alter_column':
      return alterColumn(state, change);
    case 'create_index':
      return createIndex(state, change);
    case 'drop_index':
      return dropIndex(state, change);
    case 'add_foreign_key':
      return addForeignKey(state, change);
    case 'drop_foreign_key':
      return dropForeignKey(state, change);
    case 'add_unique':
      return addUnique(state, change);
    case 'drop_unique':
      return dropUnique(state, change);
    case 'create_enum':
      return createEnum(state, change);
    case 'add_enum_value':
      return addEnumValue(state, change);
  }
}
