import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError, OrmAiError } from '../errors.js';

/** Flags every CLI's generate command shares; a plugin adds its own (`--config`, `--schema`). */
export const COMMON_GENERATE_FLAGS = {
  plan: { type: 'string' },
  baseline: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'shadow-url': { type: 'string' },
  'unconfined-shadow': { type: 'boolean', default: false },
  model: { type: 'string' },
  name: { type: 'string' },
  'allow-unsafe': { type: 'boolean', default: false },
  'allow-data-loss': { type: 'boolean', default: false },
  'allow-irreversible': { type: 'boolean', default: false },
  rows: { type: 'string', multiple: true, default: [] },
  'stats-url': { type: 'string' },
  // Read by the bin before the engine loads (startCli); accepted here so an in-process run takes it too.
  'no-daemon': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface ParsedGenerateArgs {
  readonly request: string | undefined;
  readonly plan: string | undefined;
  /** `--baseline`: write the first migration of the current schema; no request or plan. */
  readonly baseline: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly shadowUrl: string | undefined;
  readonly unconfinedShadow: boolean;
  readonly model: string | undefined;
  readonly name: string | undefined;
  readonly allowUnsafe: boolean;
  readonly allowDataLoss: boolean;
  readonly allowIrreversible: boolean;
  readonly rows: readonly string[];
  readonly statsUrl: string | undefined;
  readonly help: boolean;
  /** The plugin's own flags, by name. */
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

/** Parses `[request] [flags]`; unknown flags are a `USAGE` error naming the flag. */
export function parseGenerateArgs(argv: readonly string[], extraFlags: NonNullable<ParseArgsConfig['options']> = {}): ParsedGenerateArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...COMMON_GENERATE_FLAGS, ...extraFlags }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new OrmAiError('USAGE', describeError(error), { hint: 'Run with --help to see the flags.' });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new OrmAiError('USAGE', `expected one request, got ${positionals.length} words outside quotes`, {
      hint: 'Quote the request: generate "add a tags column to posts".',
    });
  }
  const extra = Object.fromEntries(Object.keys(extraFlags).map((key) => [key, (values as Record<string, unknown>)[key] as string | boolean | undefined]));
  return {
    request: positionals[0],
    plan: values.plan as string | undefined,
    baseline: baselineFlag(values, positionals),
    yes: values.yes === true,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    shadowUrl: values['shadow-url'] as string | undefined,
    unconfinedShadow: unconfinedShadowFlag(values),
    model: values.model as string | undefined,
    name: values.name as string | undefined,
    allowUnsafe: values['allow-unsafe'] === true,
    allowDataLoss: values['allow-data-loss'] === true,
    allowIrreversible: values['allow-irreversible'] === true,
    rows: (values.rows as string[] | undefined) ?? [],
    statsUrl: values['stats-url'] as string | undefined,
    help: values.help === true,
    extra,
  };
}

/** `--unconfined-shadow`, which means nothing without a server to run on. */
export function unconfinedShadowFlag(values: Record<string, unknown>): boolean {
  if (values['unconfined-shadow'] !== true) return false;
  if (values['shadow-url'] === undefined) {
    throw new OrmAiError('USAGE', '--unconfined-shadow needs --shadow-url', { hint: 'The embedded PGlite shadow is always confined; the flag only changes how a server shadow runs.' });
  }
  return true;
}

/** `--baseline` records the schema as it is: a request or a plan would be a second change. */
function baselineFlag(values: Record<string, unknown>, positionals: readonly string[]): boolean {
  if (values.baseline !== true) return false;
  if (values.plan !== undefined || positionals.length > 0) {
    throw new OrmAiError('USAGE', '--baseline takes no request and no --plan', {
      hint: 'Write the baseline first (generate --baseline), then make the change in a second run.',
    });
  }
  return true;
}
