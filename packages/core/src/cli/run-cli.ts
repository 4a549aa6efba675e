import { parseArgs, type ParseArgsConfig } from 'node:util';
import pc from 'picocolors';
import { describeError, OrmAiError } from '../errors.js';
import { runInterruptCleanups } from '../interrupts.js';
import { startMcpServer } from '../mcp/mcp-server.js';
import type { OrmPlugin } from '../orm-plugin.js';
import { renderError } from '../report/text-report.js';
import { parseCheckArgs } from './check-args.js';
import { parseGenerateArgs } from './generate-args.js';
import { runCheckCommand } from './run-check-command.js';
import { runGenerateCommand, type CommandIo } from './run-generate-command.js';

/** What one ORM's CLI declares; `runCli` does the rest. */
export interface CliDefinition {
  /** The bin's name: `drizzle-ai`. */
  readonly bin: string;
  readonly plugin: OrmPlugin;
  /** The generate command's name, as the ORM's own CLI names it: `generate`, `migrate`, `migration:generate`. */
  readonly generateCommand: string;
  /** The flag naming the ORM's config or schema (`config`, `schema`, `dataSource`), with its short form if any. */
  readonly configFlag: { readonly name: string; readonly short?: string };
  readonly usage: string;
}

export type CliIo = CommandIo & { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> };

/**
 * Runs `<bin> <command> ...` and returns the exit code: 0 done, 1 failed or rejected,
 * 2 usage error. Never calls `process.exit`.
 */
export async function runCli(definition: CliDefinition, argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(definition.usage);
    return command === undefined ? 2 : 0;
  }
  const { name, short } = definition.configFlag;
  const configFlag: NonNullable<ParseArgsConfig['options']> = { [name]: short ? { type: 'string', short } : { type: 'string' } };
  if (command === 'check') return runCheck(definition, configFlag, rest, io);
  if (command === 'mcp') return runMcp(definition, configFlag, rest, io);
  if (command !== definition.generateCommand) {
    const hint = `Commands: ${definition.generateCommand}, check, mcp. Run ${definition.bin} --help.`;
    io.stderr(renderError(new OrmAiError('USAGE', `unknown command "${command}"`, { hint })));
    return 2;
  }
  const args = usageErrorToStderr(() => parseGenerateArgs(rest, configFlag), io);
  if (!args) return 2;
  if (args.help) {
    io.stdout(definition.usage);
    return 0;
  }
  warnWhenUnconfined(args, io);
  return runGenerateCommand(
    {
      plugin: definition.plugin,
      cwd: io.cwd,
      configPath: args.extra[name] as string | undefined,
      request: args.request,
      planFile: args.plan,
      baseline: args.baseline,
      shadowUrl: args.shadowUrl,
      unconfinedShadow: args.unconfinedShadow,
      model: args.model,
      name: args.name,
      env: io.env,
      yes: args.yes,
      dryRun: args.dryRun,
      json: args.json,
      allowUnsafe: args.allowUnsafe,
      allowDataLoss: args.allowDataLoss,
      allowIrreversible: args.allowIrreversible,
      rows: args.rows,
      statsUrl: args.statsUrl,
    },
    io,
  );
}

function runCheck(definition: CliDefinition, configFlag: NonNullable<ParseArgsConfig['options']>, argv: readonly string[], io: CliIo): Promise<number> | number {
  const args = usageErrorToStderr(() => parseCheckArgs(argv, configFlag), io);
  if (!args) return 2;
  if (args.help) {
    io.stdout(definition.usage);
    return 0;
  }
  warnWhenUnconfined(args, io);
  return runCheckCommand(
    {
      plugin: definition.plugin,
      cwd: io.cwd,
      configPath: args.extra[definition.configFlag.name] as string | undefined,
      files: args.files,
      setupFile: args.setup,
      since: args.since,
      shadowUrl: args.shadowUrl,
      unconfinedShadow: args.unconfinedShadow,
      rows: args.rows,
      statsUrl: args.statsUrl,
      json: args.json,
      format: args.format,
      env: io.env,
    },
    io,
  );
}

/** `mcp`: serves the pipeline to a coding agent over stdio until the client hangs up. */
async function runMcp(definition: CliDefinition, configFlag: NonNullable<ParseArgsConfig['options']>, argv: readonly string[], io: CliIo): Promise<number> {
  const args = usageErrorToStderr(() => {
    try {
      const options = { ...configFlag, help: { type: 'boolean', short: 'h', default: false } } as const;
      return parseArgs({ args: [...argv], options, strict: true }).values as Record<string, string | boolean | undefined>;
    } catch (error) {
      throw new OrmAiError('USAGE', describeError(error), { hint: `Run ${definition.bin} --help to see the flags.` });
    }
  }, io);
  if (!args) return 2;
  if (args.help) {
    io.stdout(definition.usage);
    return 0;
  }
  const server = await startMcpServer({
    plugin: definition.plugin,
    name: definition.bin,
    cwd: io.cwd,
    configPath: args[definition.configFlag.name] as string | undefined,
    env: io.env,
  });
  await server.closed;
  // The client hung up: what a tool call still running holds on a server goes too.
  await runInterruptCleanups();
  return 0;
}

/** `--unconfined-shadow` gives up the wall around the plan's SQL: say so every time, on stderr (stdout may be JSON). */
function warnWhenUnconfined(args: { shadowUrl: string | undefined; unconfinedShadow: boolean }, io: CliIo): void {
  if (!args.unconfinedShadow || !args.shadowUrl) return;
  io.stderr(
    pc.yellow(
      "warning: --unconfined-shadow: the existing migrations, the ORM's SQL and the plan's SQL run as the --shadow-url user, with all its rights on the whole server, " +
        'not as a throwaway role confined to the shadow database.',
    ),
  );
}

/** Parses arguments; a `USAGE` error is printed and comes back as undefined (exit 2). */
function usageErrorToStderr<T>(parse: () => T, io: CliIo): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof OrmAiError)) throw error;
    io.stderr(renderError(error));
    return undefined;
  }
}

/** The `mcp` command's usage line; `configUsage` is the ORM's config flag, as in `[--config FILE]`. */
export function mcpUsage(bin: string, configUsage: string): string {
  return `  ${bin} mcp ${configUsage}   serve the pipeline to a coding agent (MCP over stdio; writes nothing)`;
}

/**
 * The `daemon` command's usage lines. A generate run goes to a background process per
 * project that keeps the engine, the prepared shadow and the type checker warm (startCli).
 */
export function daemonUsage(bin: string): string {
  return `  ${bin} daemon status|stop   the warm process generate runs use in this folder (exits after 15 idle minutes)`;
}

/** The flags every generate command shares, for usage texts. */
export const COMMON_FLAGS_USAGE = `  --plan FILE        run a written change plan (docs/plan.md) instead of asking a model
  --baseline         write the first migration of the current schema (no migrations yet), then record it as applied
  --name NAME        the migration's name (default: from the plan's changes, as add_posts_tags)
  --yes, -y          write without asking
  --dry-run          show the change and write nothing
  --json             print one JSON object for scripts and agents
  --shadow-url URL   prove on a fresh database on this PostgreSQL server (default: embedded PGlite)
  --unconfined-shadow  run the shadow's SQL as the --shadow-url user, not a throwaway role (warns)
  --model M          the model (default: OPENAI_MODEL or gpt-4.1-mini)
  --allow-unsafe     write even when the safety analysis reports errors
  --allow-data-loss  allow drops and narrowing changes the request asks for, and measured data loss
  --allow-irreversible  write even when down does not restore the schema and the data
  --rows TABLE=N     production row count of a table, for duration estimates (repeatable)
  --stats-url URL    read row counts from pg_class.reltuples over a read-only connection
  --no-daemon        run in this process instead of the project's daemon

Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible server), OPENAI_MODEL, OPENAI_TIMEOUT_MS, OPENAI_MAX_RETRIES, ORM_AI_PRICES (a JSON price table or its path),
ORM_AI_CACHE_DIR (prepared shadows; default node_modules/.cache/orm-ai), ORM_AI_DAEMON (off, or on even in CI), ORM_AI_DAEMON_IDLE_SECONDS (default 900).`;

/** The `check` command's usage, the same on every CLI. */
export function checkUsage(bin: string): string {
  return `  ${bin} check [FILES...] [flags]

Check flags (exit 1 when any finding is an error):
  FILES              SQL files to judge, each on a fresh shadow (default: the project's migrations)
  --setup FILE       SQL applied before each file, never judged
  --since ID         judge only this migration and the newer ones
  --format F         text (default) or markdown (a pull-request comment)
  --json             print the analysis as JSON
  --shadow-url URL   measure on a fresh database on this PostgreSQL server (default: embedded PGlite)
  --unconfined-shadow  run the shadow's SQL as the --shadow-url user, not a throwaway role (warns)
  --rows TABLE=N     production row count of a table, for duration estimates (repeatable)
  --stats-url URL    read row counts from pg_class.reltuples over a read-only connection`;
}

/** The running process as a CLI's IO: its arguments' cwd, environment and terminal. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    isInteractive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  };
}
