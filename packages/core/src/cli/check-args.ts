import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError, OrmAiError } from '../errors.js';
import { unconfinedShadowFlag } from './generate-args.js';

/** Flags of every CLI's `check` command; the plugin adds its config flag. */
const CHECK_FLAGS = {
  setup: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean', default: false },
  format: { type: 'string', default: 'text' },
  'shadow-url': { type: 'string' },
  'unconfined-shadow': { type: 'boolean', default: false },
  rows: { type: 'string', multiple: true, default: [] },
  'stats-url': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface ParsedCheckArgs {
  readonly files: readonly string[];
  readonly setup: string | undefined;
  readonly since: string | undefined;
  readonly json: boolean;
  readonly format: 'text' | 'markdown';
  readonly shadowUrl: string | undefined;
  readonly unconfinedShadow: boolean;
  readonly rows: readonly string[];
  readonly statsUrl: string | undefined;
  readonly help: boolean;
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

/** Parses `check [FILES...] [flags]`; a bad flag or format is a `USAGE` error. */
export function parseCheckArgs(argv: readonly string[], extraFlags: NonNullable<ParseArgsConfig['options']> = {}): ParsedCheckArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...CHECK_FLAGS, ...extraFlags }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new OrmAiError('USAGE', describeError(error), { hint: 'Run check --help to see the flags.' });
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  if (format !== 'text' && format !== 'markdown') {
    throw new OrmAiError('USAGE', `--format "${format}" is not text or markdown`, { hint: 'Use --format markdown for a pull-request comment, or --json for scripts.' });
  }
  return {
    files: positionals,
    setup: values.setup as string | undefined,
    since: values.since as string | undefined,
    json: values.json === true,
    format,
    shadowUrl: values['shadow-url'] as string | undefined,
    unconfinedShadow: unconfinedShadowFlag(values),
    rows: (values.rows as string[] | undefined) ?? [],
    statsUrl: values['stats-url'] as string | undefined,
    help: values.help === true,
    extra: Object.fromEntries(Object.keys(extraFlags).map((key) => [key, (values as Record<string, unknown>)[key] as string | boolean | undefined])),
  };
}
