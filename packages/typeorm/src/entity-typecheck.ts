import type { SourceTypecheck } from '@orm-ai/core';
import { openSourceTypecheck, type OpenSourceTypecheckOptions } from '@orm-ai/core/typescript';

/**
 * What entities always need on top of the project's tsconfig: TypeORM's decorators are
 * legacy decorators, whatever the project says.
 */
export const ENTITY_COMPILER_OPTIONS = { experimentalDecorators: true } as const;

/** Core's `openSourceTypecheck` for entity files: with `ENTITY_COMPILER_OPTIONS`. */
export function openEntityTypecheck(options: Omit<OpenSourceTypecheckOptions, 'requiredOptions'>): SourceTypecheck {
  return openSourceTypecheck({ ...options, requiredOptions: ENTITY_COMPILER_OPTIONS });
}
