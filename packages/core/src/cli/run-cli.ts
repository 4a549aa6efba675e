import pc from 'picocolors';
import { OrmAiError } from '../errors.js';
import { runInterruptCleanups } from '../interrupts.js';
import { startMcpServer } from '../mcp/mcp-server.js';
import type { OrmPlugin } from '../orm-plugin.js';
import { renderError } from '../report/text-report.js';
import { checkCommandSpec, parseCheckArgs } from './check-args.js';
import { commandHelp, parseCommand, programHelp, type CommandSpec, type FlagSpec } from './command-spec.js';
import { DAEMON_COMMAND } from './daemon-command.js';
import { generateCommandSpec, parseGenerateArgs } from './generate-args.js';
import { runCheckCommand } from './run-check-command.js';
import { runGenerateCommand, type CommandIo } from './run-generate-command.js';
import { stageProgress } from './stage-progress.js';

/** What one ORM's CLI declares; `runCli` does the rest. */
export interface CliDefinition {
  /** The bin's name: `drizzle-ai`. */
  readonly bin: string;
  /** One line for the bin's help: what it gives the user. */
  readonly description: string;
  readonly plugin: OrmPlugin;
  /** The generate command's name, as the ORM's own CLI names it: `generate`, `migrate`, `migration:generate`. */
  readonly generateCommand: string;
  /** The flag naming the ORM's config or schema (`config`, `schema`, `dataSource`), as its help shows it. */
  readonly configFlag: { readonly name: string; readonly short?: string; readonly value: string; readonly description: string };
}

export type CliIo = CommandIo & { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> };

/** Every command of a bin, declared once: parsing and help both come from these. */
export function commandSpecs(definition: Pick<CliDefinition, 'generateCommand' | 'configFlag'>): { generate: CommandSpec; check: CommandSpec; mcp: CommandSpec; daemon: CommandSpec } {
  const { name, short, value, description } = definition.configFlag;
  const configFlag: Record<string, FlagSpec> = { [name]: { type: 'string', value, description, ...(short ? { short } : {}) } };
  return {
    generate: generateCommandSpec(definition.generateCommand, configFlag),
    check: checkCommandSpec(configFlag),
    mcp: {
      name: 'mcp',
      summary: 'serve the pipeline to a coding agent over stdio (MCP); writes nothing',
      forms: ['[flags]'],
      flags: configFlag,
    },
    daemon: DAEMON_COMMAND,
  };
}

/**
 * Runs `<bin> <command> ...` and returns the exit code: 0 done, 1 refused or failed, 2
 * usage error. Never calls `process.exit`. The bin answers `--version` and `daemon` itself
 * (startCli), before the engine loads.
 */
export async function runCli(definition: CliDefinition, argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const specs = commandSpecs(definition);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(programHelp(definition.bin, definition.description, Object.values(specs)));
    return 0;
  }
  const spec = Object.values(specs).find((candidate) => candidate.name === command);
  if (!spec || spec === specs.daemon) {
    const names = Object.values(specs).map((candidate) => candidate.name);
    const hint = `Commands: ${names.join(', ')}. Run ${definition.bin} --help.`;
    io.stderr(renderError(new OrmAiError('USAGE', spec ? `${definition.bin} daemon is answered by the bin, not in-process` : `unknown command "${command}"`, { hint })));
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(definition.bin, spec));
    return 0;
  }
  if (spec === specs.check) return runCheck(definition, spec, rest, io);
  if (spec === specs.mcp) return runMcp(definition, spec, rest, io);
  const args = usageErrorToStderr(() => parseGenerateArgs(rest, spec, definition.bin), io);
  if (!args) return 2;
  warnWhenUnconfined(args, io);
  return runGenerateCommand(
    {
      plugin: definition.plugin,
      cwd: io.cwd,
      configPath: args.extra[definition.configFlag.name] as string | undefined,
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
      safe: args.safe,
      allowUnsafe: args.allowUnsafe,
      allowDataLoss: args.allowDataLoss,
      allowIrreversible: args.allowIrreversible,
      rows: args.rows,
      statsUrl: args.statsUrl,
      pgVersion: args.pgVersion,
      verbose: args.verbose,
    },
    io,
  );
}

function runCheck(definition: CliDefinition, spec: CommandSpec, argv: readonly string[], io: CliIo): Promise<number> | number {
  const args = usageErrorToStderr(() => parseCheckArgs(argv, spec, definition.bin), io);
  if (!args) return 2;
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
      pgVersion: args.pgVersion,
      json: args.json,
      format: args.format,
      env: io.env,
    },
    io,
  );
}

/** `mcp`: serves the pipeline to a coding agent over stdio until the client hangs up. */
async function runMcp(definition: CliDefinition, spec: CommandSpec, argv: readonly string[], io: CliIo): Promise<number> {
  const args = usageErrorToStderr(() => {
    const parsed = parseCommand(definition.bin, spec, argv);
    if (parsed.positionals.length > 0) throw new OrmAiError('USAGE', `${definition.bin} mcp takes no arguments, got "${parsed.positionals[0]}"`, { hint: `Run ${definition.bin} mcp --help.` });
    return parsed.values;
  }, io);
  if (!args) return 2;
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

/** The running process as a CLI's IO: its arguments' cwd, environment and terminal. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    isInteractive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    ...(process.stderr.isTTY ? { progress: stageProgress(process.stderr, { colours: pc.isColorSupported }) } : {}),
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  };
}
