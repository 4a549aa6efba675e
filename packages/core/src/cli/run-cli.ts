import type { ParseArgsConfig } from 'node:util';
import { OrmAiError } from '../errors.js';
import type { OrmPlugin } from '../orm-plugin.js';
import { renderError } from '../report/text-report.js';
import { parseGenerateArgs } from './generate-args.js';
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
  if (command !== definition.generateCommand) {
    const hint = `Commands: ${definition.generateCommand}. Run ${definition.bin} --help.`;
    io.stderr(renderError(new OrmAiError('USAGE', `unknown command "${command}"`, { hint })));
    return 2;
  }
  const { name, short } = definition.configFlag;
  const configFlag: NonNullable<ParseArgsConfig['options']> = { [name]: short ? { type: 'string', short } : { type: 'string' } };
  let args;
  try {
    args = parseGenerateArgs(rest, configFlag);
  } catch (error) {
    if (!(error instanceof OrmAiError)) throw error;
    io.stderr(renderError(error));
    return 2;
  }
  if (args.help) {
    io.stdout(definition.usage);
    return 0;
  }
  return runGenerateCommand(
    {
      plugin: definition.plugin,
      cwd: io.cwd,
      configPath: args.extra[name] as string | undefined,
      request: args.request,
      planFile: args.plan,
      shadowUrl: args.shadowUrl,
      model: args.model,
      name: args.name,
      env: io.env,
      yes: args.yes,
      dryRun: args.dryRun,
      json: args.json,
    },
    io,
  );
}

/** The flags every generate command shares, for usage texts. */
export const COMMON_FLAGS_USAGE = `  --plan FILE        run a written change plan (docs/plan.md) instead of asking a model
  --name NAME        the migration's name (default: from the request)
  --yes, -y          write without asking
  --dry-run          show the change and write nothing
  --json             print one JSON object for scripts and agents
  --shadow-url URL   prove on a fresh database on this PostgreSQL server (default: embedded PGlite)
  --model M          the model (default: OPENAI_MODEL or gpt-4.1-mini)

Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible server), OPENAI_MODEL.`;

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
