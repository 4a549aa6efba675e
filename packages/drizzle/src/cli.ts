import { OrmAiError, parseGenerateArgs, renderError, runGenerateCommand, type CommandIo } from '@orm-ai/core';
import { drizzlePlugin } from './drizzle-plugin.js';

export const USAGE = `drizzle-ai: ask for a schema change, get a Drizzle schema edit and a drizzle-kit migration proven on a shadow database.

Usage:
  drizzle-ai generate "<request>" [flags]
  drizzle-ai generate --plan FILE [flags]

Flags:
  --plan FILE        run a written change plan (docs/plan.md) instead of asking a model
  --config FILE      the drizzle config (default: drizzle.config.ts in this directory)
  --name NAME        the migration's name (default: from the request)
  --yes, -y          write without asking
  --dry-run          show the change and write nothing
  --json             print one JSON object for scripts and agents
  --shadow-url URL   prove on a fresh database on this PostgreSQL server (default: embedded PGlite)
  --model M          the model (default: OPENAI_MODEL or gpt-4.1-mini)

Environment: OPENAI_API_KEY, OPENAI_BASE_URL (any OpenAI-compatible server), OPENAI_MODEL.`;

const DRIZZLE_FLAGS = { config: { type: 'string' } } as const;

/**
 * Runs \`drizzle-ai <command> ...\` and returns the exit code: 0 done, 1 failed or
 * rejected, 2 usage error.
 */
export async function runDrizzleCli(argv: readonly string[], io: CommandIo & { cwd: string; env: Readonly<Record<string, string | undefined>> }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'generate') {
    io.stderr(renderError(new OrmAiError('USAGE', `unknown command "${command}"`, { hint: 'Commands: generate. Run drizzle-ai --help.' })));
    return 2;
  }
  let args;
  try {
    args = parseGenerateArgs(rest, DRIZZLE_FLAGS);
  } catch (error) {
    if (error instanceof OrmAiError) {
      io.stderr(renderError(error));
      return 2;
    }
    throw error;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  return runGenerateCommand(
    {
      plugin: drizzlePlugin,
      cwd: io.cwd,
      configPath: args.extra.config as string | undefined,
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
