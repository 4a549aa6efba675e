import { describeChange, describeError, OrmAiError } from '@orm-ai/core';
import type { ChangePlan, SchemaChange } from '@orm-ai/core';
import { addColumn, alterColumn, dropColumn, renameColumn } from './edit-columns.js';
import { refresh, type EditState } from './edit-context.js';
import { addEnumValue, createEnum } from './edit-enums.js';
import { addUnique, createIndex, dropIndex, dropUnique } from './edit-indexes.js';
import { addForeignKey, dropForeignKey } from './edit-relations.js';
import { createTable, dropTable, renameTable } from './edit-tables.js';
import { formatEditedBlocks } from './format-schema.js';
import { prismaMessage } from './prisma-wasm.js';
import { BUNDLED_SCHEMA_TOOLS, type PrismaSchemaTools } from './schema-tools.js';
import type { PrismaSchema, PrismaSourceFile } from './read-schema.js';

/** One edited schema file: its path and full contents before and after. */
export interface SourceEdit {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/**
 * Applies a validated change plan to the Prisma schema files with line-precise edits and
 * returns the files that changed (nothing is written). `schema` must have been read from
 * `files`. After each change the edited schema is re-read (so later changes see earlier
 * ones); at the end Prisma's formatter aligns the edited blocks only and `getDMMF`
 * validates the result. Throws OrmAiError('PLAN_APPLY_FAILED') naming the change that could
 * not be applied, or carrying Prisma's validation message.
 */
export async function applyPlanToPrismaSource(options: {
  schema: PrismaSchema;
  files: readonly PrismaSourceFile[];
  plan: ChangePlan;
  /** The validator `schema` was read with (default: the bundled one). */
  tools?: PrismaSchemaTools | undefined;
}): Promise<SourceEdit[]> {
  const { files, plan } = options;
  const tools = options.tools ?? BUNDLED_SCHEMA_TOOLS;
  const state: EditState = { plan, texts: new Map(files.map((file) => [file.path, file.content])), schema: options.schema, tools };
  for (const change of plan.changes) {
    applyChange(state, change);
    await refresh(state, describeChange(change));
  }
  const formatted = await formatEditedBlocks(files.map((file) => ({ path: file.path, before: file.content, after: state.texts.get(file.path)! })));
  await validate(tools, [...formatted]);
  return files
    .map((file) => ({ path: file.path, before: file.content, after: formatted.get(file.path)! }))
    .filter((edit) => edit.after !== edit.before);
}

async function validate(tools: PrismaSchemaTools, files: [string, string][]): Promise<void> {
  try {
    await tools.dmmf(files);
  } catch (error) {
    throw new OrmAiError('PLAN_APPLY_FAILED', `Prisma rejects the edited schema: ${prismaMessage(error)}`, {
      hint: 'The plan asks for something the Prisma schema cannot express here; apply it by hand.',
      cause: error,
    });
  }
}


function applyChange(state: EditState, change: SchemaChange): void {
  try {
    CHANGE_EDITORS[change.kind](state, change as never);
  } catch (error) {
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('PLAN_APPLY_FAILED', `${describeChange(change)}: ${describeError(error)}`, {
      hint: 'The schema has a shape prisma-ai cannot edit here; apply this change by hand.',
      cause: error,
    });
  }
}

type ChangeEditors = { [K in SchemaChange['kind']]: (state: EditState, change: Extract<SchemaChange, { kind: K }>) => void };

const CHANGE_EDITORS: ChangeEditors = {
  create_table: createTable,
  drop_table: dropTable,
  rename_table: renameTable,
  add_column: addColumn,
  drop_column: dropColumn,
  rename_column: renameColumn,
  alter_column: alterColumn,
  create_index: createIndex,
  drop_index: dropIndex,
  add_foreign_key: addForeignKey,
  drop_foreign_key: dropForeignKey,
  add_unique: addUnique,
  drop_unique: dropUnique,
  create_enum: createEnum,
  add_enum_value: addEnumValue,
};
