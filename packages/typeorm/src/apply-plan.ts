import path from 'node:path';
import { type ChangePlan, describeChange, describeError, OrmAiError, type SchemaChange } from '@orm-ai/core';
import { addColumn, alterColumn, dropColumn, renameColumn } from './edit-columns.js';
import type { EditState } from './edit-context.js';
import { refuseUneditableTables } from './editable-tables.js';
import { addEnumValue, createEnum } from './edit-enums.js';
import { addForeignKey, dropForeignKey } from './edit-relations.js';
import { addUnique, createIndex, createTable, dropConstraint, dropTable, renameTable } from './edit-tables.js';
import { readEntitiesFromProject, type EntitySchema } from './read-entities.js';

/** One edited or created entity file; `before` is null for a new file. */
export interface EntityEdit {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

/**
 * Applies a validated change plan to the entity classes with minimal text edits and returns
 * the changed and created files (nothing is written to disk; untouched text stays
 * byte-identical). New entity and enum files go to `entitiesDir`: the data source must
 * include them (the plugin registers classes when it lists them explicitly). The project in
 * `schema` is restored afterwards. Throws OrmAiError('PLAN_APPLY_FAILED') naming the change.
 */
export function applyPlanToEntities(options: { schema: EntitySchema; plan: ChangePlan; entitiesDir: string }): EntityEdit[] {
  const { schema, plan } = options;
  refuseUneditableTables(plan, schema.index);
  const project = schema.project;
  const before = new Map(project.getSourceFiles().map((sourceFile) => [sourceFile.getFilePath(), sourceFile.getFullText()]));
  const state: EditState = {
    project,
    files: [...schema.index.files],
    entitiesDir: path.resolve(options.entitiesDir),
    model: schema.model,
    index: schema.index,
    createdEnums: new Map(),
  };
  const created = new Set<string>();
  try {
    for (const change of plan.changes) {
      try {
        const newFile = applyChange(state, change);
        if (newFile !== undefined) created.add(newFile);
        const read = readEntitiesFromProject({ project, files: state.files, namingStrategy: schema.index.namingStrategy });
        state.model = read.model;
        state.index = read.index;
      } catch (error) {
        if (error instanceof OrmAiError && error.code === 'PLAN_APPLY_FAILED') {
          throw new OrmAiError('PLAN_APPLY_FAILED', `${describeChange(change)}: ${error.message}`, { hint: error.hint, cause: error });
        }
        throw new OrmAiError('PLAN_APPLY_FAILED', `${describeChange(change)}: the edited entities no longer read: ${describeError(error)}`, {
          hint: 'The plan may leave references to a removed table or column (drop dependent foreign keys and indexes first).',
          cause: error,
        });
      }
    }
    const edits: EntityEdit[] = [];
    for (const sourceFile of project.getSourceFiles()) {
      const filePath = sourceFile.getFilePath();
      const after = sourceFile.getFullText();
      const original = created.has(filePath) ? null : (before.get(filePath) ?? null);
      if (original !== after) edits.push({ path: filePath, before: original, after });
    }
    return edits;
  } finally {
    for (const sourceFile of project.getSourceFiles()) {
      const original = before.get(sourceFile.getFilePath());
      if (original === undefined) project.removeSourceFile(sourceFile);
      else if (sourceFile.getFullText() !== original) sourceFile.replaceWithText(original);
    }
  }
}

function applyChange(state: EditState, change: SchemaChange): string | void {
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
    case 'drop_unique':
      return dropConstraint(state, change);
    case 'add_foreign_key':
      return addForeignKey(state, change);
    case 'drop_foreign_key':
      return dropForeignKey(state, change);
    case 'add_unique':
      return addUnique(state, change);
    case 'create_enum':
      return createEnum(state, change);
    case 'add_enum_value':
      return addEnumValue(state, change);
  }
}

