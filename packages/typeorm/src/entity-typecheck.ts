import { typecheckSources } from '@orm-ai/core/typescript';
import type { EntityEdit } from './apply-plan.js';

/**
 * Type-checks edited entity files in memory (core's `typecheckSources`), always with
 * `experimentalDecorators`: TypeORM's decorators are legacy decorators, whatever the
 * project's tsconfig says. Returns `file:line: message` diagnostics of the edited files.
 */
export function typecheckEntities(options: { projectRoot: string; edits: readonly EntityEdit[] }): string[] {
  return typecheckSources({ ...options, requiredOptions: { experimentalDecorators: true } });
}
