import { typecheckSourcesInWorker } from '@orm-ai/core/typescript';
import type { EntityEdit } from './apply-plan.js';

/**
 * What entities always need on top of the project's tsconfig: TypeORM's decorators are
 * legacy decorators, whatever the project says.
 */
export const ENTITY_COMPILER_OPTIONS = { experimentalDecorators: true } as const;

/**
 * Type-checks edited entity files in memory, on a worker thread (core's
 * `typecheckSourcesInWorker`), with `ENTITY_COMPILER_OPTIONS`. Returns `file:line:column - error TSnnnn: message`
 * diagnostics of the edited files.
 */
export function typecheckEntities(options: { projectRoot: string; edits: readonly EntityEdit[] }): Promise<string[]> {
  return typecheckSourcesInWorker({ ...options, requiredOptions: ENTITY_COMPILER_OPTIONS });
}
