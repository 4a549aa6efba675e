import { OrmAiError } from '@orm-ai/core';

/** The OrmAiError `work` throws, to look at its code, message and hint; anything else fails the test. */
export function catchOrmAiError(work: () => void): OrmAiError {
  try {
    work();
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected an OrmAiError');
}
