import { OrmAiError } from '../errors.js';
import { pgVersionFlag } from '../dialect/postgres/postgres-target.js';
import { parseCommand, type CommandSpec, type FlagSpec } from './command-spec.js';

/** Flags the generate and check commands share. */
export const SHADOW_FLAGS = {
  'shadow-url': { type: 'string', value: 'URL', description: 'prove on a fresh database on this PostgreSQL server (default: embedded PGlite)' },
  'unconfined-shadow': { type: 'boolean', description: "run the shadow's SQL as the --shadow-url user, not a throwaway role (warns)" },
  rows: { type: 'string', multiple: true, value: 'TABLE=N', description: 'production row count of a table, for duration estimates' },
  'stats-url': { type: 'string', value: 'URL', description: 'read row counts from pg_class.reltuples over a read-only connection' },
  'pg-version': {
    type: 'string',
    value: 'N',
    description: "the PostgreSQL major version to judge for, 10-18 (default: the --shadow-url server's, else the project's postgres image, else the embedded shadow's)",
  },
} as const satisfies Record<string, FlagSpec>;

/** Flags every CLI's generate command shares; a plugin adds its own (`--config`, `--schema`). */
export const COMMON_GENERATE_FLAGS = {
  plan: { type: 'string', value: 'FILE', description: 'run a written change plan (docs/plan.md) instead of asking a model' },
  baseline: { type: 'boolean', description: 'write the first migration of the current schema (no migrations yet), then record it as applied' },
  name: { type: 'string', value: 'NAME', description: "the migration's name (default: from the plan's changes, as add_posts_tags)" },
  yes: { type: 'boolean', short: 'y', description: 'write without asking' },
  'dry-run': { type: 'boolean', description: 'show the change and write nothing' },
  json: { type: 'boolean', description: 'print one JSON object for scripts and agents' },
  verbose: { type: 'boolean', description: 'end with the time each stage took' },
  model: { type: 'string', value: 'M', description: 'the model (default: OPENAI_MODEL or gpt-4.1-mini)' },
  safe: { type: 'boolean', description: 'rewrite what the safety analysis flags into safe forms (CONCURRENTLY, NOT VALID then VALIDATE, batched backfills), split into migrations that follow' },
  'allow-unsafe': { type: 'boolean', description: 'write even when the safety analysis reports errors' },
  'allow-data-loss': { type: 'boolean', description: 'allow drops and narrowing changes the request asks for, and measured data loss' },
  'allow-irreversible': { type: 'boolean', description: 'write even when down does not restore the schema and the data' },
  ...SHADOW_FLAGS,
  // Read by the bin before the engine loads (startCli); declared here so an in-process run takes it too.
  'no-daemon': { type: 'boolean', description: "run in this process instead of the project's daemon" },
} as const satisfies Record<string, FlagSpec>;

const GENERATE_NOTES = `Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible server), OPENAI_MODEL, OPENAI_TIMEOUT_MS,
OPENAI_MAX_RETRIES, ORM_AI_PRICES (a JSON price table or its path), ORM_AI_CACHE_DIR (prepared shadows; default
node_modules/.cache/orm-ai), ORM_AI_DAEMON (off, or on even in CI), ORM_AI_DAEMON_IDLE_SECONDS (default 900).`;

/** The generate command's declaration, under the ORM's own name for it, with the plugin's config flag first. */
export function generateCommandSpec(name: string, configFlag: Readonly<Record<string, FlagSpec>>): CommandSpec {
  return {
    name,
    summary: 'ask for a schema change; get the schema edit and the migration, proven on a shadow database',
    forms: ['"<request>" [flags]', '--plan FILE [flags]', '--baseline [flags]'],
    flags: { ...configFlag, ...COMMON_GENERATE_FLAGS },
    notes: GENERATE_NOTES,
  };
}

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
  /** `--safe`: write the safe forms of what the safety analysis flags. */
  readonly safe: boolean;
  readonly allowUnsafe: boolean;
  readonly allowDataLoss: boolean;
  readonly allowIrreversible: boolean;
  readonly rows: readonly string[];
  readonly statsUrl: string | undefined;
  /** `--pg-version`, checked. */
  readonly pgVersion: number | undefined;
  readonly verbose: boolean;
  readonly help: boolean;
  /** The plugin's own flags, by name. */
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

/**
 * Parses `[request] [flags]` of `spec` (default: as `generate`, without a config flag);
 * unknown flags are a `USAGE` error naming the flag.
 */
export function parseGenerateArgs(argv: readonly string[], spec: CommandSpec = generateCommandSpec('generate', {}), bin = 'orm-ai'): ParsedGenerateArgs {
  const { values, positionals, help } = parseCommand(bin, spec, argv);
  if (positionals.length > 1) {
    throw new OrmAiError('USAGE', `expected one request, got ${positionals.length} words outside quotes`, {
      hint: `Quote the request: ${bin} ${spec.name} "add a tags column to posts".`,
    });
  }
  const extra = Object.fromEntries(Object.keys(spec.flags).filter((key) => !(key in COMMON_GENERATE_FLAGS)).map((key) => [key, values[key] as string | boolean | undefined]));
  const parsed: ParsedGenerateArgs = {
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
    safe: values.safe === true,
    allowUnsafe: values['allow-unsafe'] === true,
    allowDataLoss: values['allow-data-loss'] === true,
    allowIrreversible: values['allow-irreversible'] === true,
    rows: (values.rows as string[] | undefined) ?? [],
    statsUrl: values['stats-url'] as string | undefined,
    pgVersion: pgVersionFlag(values['pg-version'] as string | undefined),
    verbose: values.verbose === true,
    help,
    extra,
  };
  // Before anything is read: a run with nothing to do is a usage error, not a failed run.
  if (!help && !parsed.baseline && parsed.plan === undefined && !parsed.request?.trim()) {
    throw new OrmAiError('USAGE', 'no request given', {
      hint: `Say what to change, e.g. ${bin} ${spec.name} "add a tags text[] column to posts", or pass --plan FILE.`,
    });
  }
  return parsed;
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
