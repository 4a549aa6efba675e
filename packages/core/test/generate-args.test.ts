import { describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../src/cli/generate-args.js';
import { OrmAiError } from '../src/errors.js';

function usageError(argv: string[]): OrmAiError {
  try {
    parseGenerateArgs(argv);
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error(`expected a USAGE error for ${argv.join(' ')}`);
}

describe('--baseline', () => {
  it('stands alone: it records the schema as it is', () => {
    expect(parseGenerateArgs(['--baseline', '--yes']).baseline).toBe(true);
    expect(parseGenerateArgs(['add a tags column']).baseline).toBe(false);
  });

  it.each([
    [['--baseline', '--plan', 'plan.json']],
    [['--baseline', 'add a tags column to posts']],
  ])('with a change as well (%j) is a USAGE error saying to make the change in a second run', (argv) => {
    const error = usageError(argv);
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('--baseline takes no request and no --plan');
    expect(error.hint).toContain('second run');
  });
});
