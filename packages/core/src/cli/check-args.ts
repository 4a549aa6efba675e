import { OrmAiError } from '../errors.js';
import { pgVersionFlag } from '../dialect/postgres/postgres-target.js';
import { parseCommand, type CommandSpec, type FlagSpec } from './command-spec.js';
import { SHADOW_FLAGS, unconfinedShadowFlag } from './generate-args.js';

/** The check command's declaration, with the plugin's config flag first. */
export function checkCommandSpec(configFlag: Readonly<Record<string, FlagSpec>>): CommandSpec {
  return {
    name: 'check',
    summary: "judge migrations' safety on a shadow database, for CI (exit 1 on any error finding)",
    forms: ['[FILES...] [flags]'],
    flags: {
      ...configFlag,
      setup: { type: 'string', value: 'FILE', description: 'SQL applied before each file, never judged' },
      since: { type: 'string', value: 'ID', description: 'judge only this migration and the newer ones' },
      format: { type: 'string', value: 'F', description: 'text (default) or markdown (a pull-request comment)' },
      json: { type: 'boolean', description: 'print the analysis as JSON' },
      ...SHADOW_FLAGS,
    },
    notes: "FILES: SQL files to judge, each on the same prepared shadow, its changes rolled back (default: the project's migrations).",
  };
}

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
  /** `--pg-version`, checked. */
  readonly pgVersion: number | undefined;
  readonly help: boolean;
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

/** Parses `check [FILES...] [flags]`; a bad flag or format is a `USAGE` error. */
export function parseCheckArgs(argv: readonly string[], spec: CommandSpec = checkCommandSpec({}), bin = 'orm-ai'): ParsedCheckArgs {
  const { values, positionals, help } = parseCommand(bin, spec, argv);
  const format = (values.format as string | undefined) ?? 'text';
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
    pgVersion: pgVersionFlag(values['pg-version'] as string | undefined),
    help,
    extra: Object.fromEntries(Object.keys(spec.flags).map((key) => [key, values[key] as string | boolean | undefined])),
  };
}
