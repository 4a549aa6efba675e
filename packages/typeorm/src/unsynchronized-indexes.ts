import { OrmAiError, type ChangePlan } from '@orm-ai/core';
import { Project } from 'ts-morph';
import { ensureNamedImports } from './edit-imports.js';
import { indentationAt, lineStart, type TextChange } from '@orm-ai/core/typescript';
import { applyStyled } from './edit-text.js';
import type { EntitySchema } from './read-entities.js';

interface SourceEdit {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

/**
 * TypeORM's `@Index` cannot say `USING gin`. TypeORM's documented way out: declare the index
 * with `synchronize: false`, so the schema builder neither creates nor drops it, and create
 * it in the migration (done by `generateTypeormMigration`). Adds those decorators to the
 * edited entities and returns the edits with them.
 */
export function withUnsynchronizedIndexes(options: { schema: EntitySchema; plan: ChangePlan; edits: readonly SourceEdit[] }): SourceEdit[] {
  const indexes = options.plan.changes.filter((change) => change.kind === 'create_index' && change.method !== 'btree');
  if (indexes.length === 0) return [...options.edits];
  const edits = new Map(options.edits.map((edit) => [edit.path, edit]));
  const project = new Project({ useInMemoryFileSystem: true });
  for (const change of indexes) {
    if (change.kind !== 'create_index') continue;
    const table = options.schema.index.tables.find((candidate) => candidate.name === change.table && candidate.junction === null);
    if (!table) throw new OrmAiError('PLAN_APPLY_FAILED', `create_index ${change.name}: no entity declares table "${change.table}"`);
    const current = edits.get(table.filePath);
    const before = current?.before ?? options.schema.project.getSourceFileOrThrow(table.filePath).getFullText();
    const source = project.createSourceFile(table.filePath, current?.after ?? before, { overwrite: true });
    const declaration = source.getClassOrThrow(table.className);
    const start = lineStart(source.getFullText(), declaration.getStart());
    const indent = indentationAt(source.getFullText(), declaration.getStart());
    const decorator: TextChange = { start, end: start, text: `${indent}@Index('${change.name}', { synchronize: false })\n` };
    applyStyled(source, [...ensureNamedImports(source, 'typeorm', ['Index']), decorator]);
    edits.set(table.filePath, { path: table.filePath, before, after: source.getFullText() });
  }
  return [...edits.values()];
}
