import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OrmAiError } from '../errors.js';
import { closestName } from '../closest-name.js';

/**
 * One declaration per command, from which both its parsing (Node's own `util.parseArgs`,
 * strict) and its `--help` come, so the two cannot disagree. Built-ins only: the bin reads
 * these before it loads the engine.
 */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Repeatable: its values are collected in order. */
  readonly multiple?: boolean;
  /** The value's placeholder in help: `FILE`, `URL`, `TABLE=N`. */
  readonly value?: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, for the bin's command list. */
  readonly summary: string;
  /** What follows `<bin> <name>` on each usage line. */
  readonly forms: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Paragraphs after the flags (environment variables, what the positionals are). */
  readonly notes?: string;
}

/** The exit codes of every command, as help states them. */
export const EXIT_CODES = 'Exit codes: 0 done, 1 refused or failed, 2 usage error.';

const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Parses `argv` (what follows the command's name) against `spec`. An unknown flag, a flag
 * missing its value or a value given to a switch is a `USAGE` error naming it, with the
 * closest known flag when there is one.
 */
export function parseCommand(bin: string, spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const flags = { ...spec.flags, help: HELP_FLAG };
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, flag] of Object.entries(flags)) {
    options[name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as ParsedCommand['values'], positionals, help: values.help === true };
  } catch (error) {
    throw usageErrorOf(bin, spec, flags, argv, error);
  }
}

function usageErrorOf(bin: string, spec: CommandSpec, flags: Readonly<Record<string, FlagSpec>>, argv: readonly string[], error: unknown): OrmAiError {
  const hint = `Run ${bin} ${spec.name} --help to see its flags.`;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = argv.find((arg) => arg.startsWith('-') && !known(flags, arg)) ?? String(error);
    const name = given.replace(/^-+/, '').split('=')[0]!;
    const closest = closestName(name, Object.keys(flags), { maxDistance: 2 });
    const meant = closest ? ` Did you mean --${closest}?` : '';
    return new OrmAiError('USAGE', `unknown flag ${given.split('=')[0]} for ${bin} ${spec.name}`, { hint: `${meant.trim()} ${hint}`.trim() });
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // Node's message names the flag as `'--dry-run'` or `'-d, --dataSource <value>'`.
    const message = String((error as Error).message);
    const flag = Object.entries(flags).find(([name]) => new RegExp(`--${name}(?![\\w-])`).test(message));
    if (flag && flag[1].type === 'string') return new OrmAiError('USAGE', `--${flag[0]} needs a value (${flag[1].value ?? 'VALUE'})`, { hint });
    if (flag) return new OrmAiError('USAGE', `--${flag[0]} takes no value`, { hint });
  }
  return new OrmAiError('USAGE', String((error as Error).message ?? error), { hint });
}

function known(flags: Readonly<Record<string, FlagSpec>>, arg: string): boolean {
  if (arg === '-' || arg === '--') return true;
  if (arg.startsWith('--')) return arg.slice(2).split('=')[0]! in flags;
  // A cluster of short switches (`-yh`) or a short flag with its value attached (`-dsrc/x.ts`).
  const shorts = new Set(Object.values(flags).map((flag) => flag.short));
  return shorts.has(arg[1]);
}

/** `<bin> <command> --help`. */
export function commandHelp(bin: string, spec: CommandSpec): string {
  const flags = Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, flag]) => {
    const left = `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`;
    return [left, flag.description + (flag.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...flags.map(([left]) => left.length)) + 2;
  return [
    `${bin} ${spec.name}: ${spec.summary}`,
    '',
    'Usage:',
    ...spec.forms.map((form) => `  ${bin} ${spec.name}${form ? ` ${form}` : ''}`),
    '',
    'Flags:',
    ...flags.map(([left, description]) => `  ${left.padEnd(width)}${description}`),
    ...(spec.notes ? ['', spec.notes] : []),
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `<bin> --help`, and what a bare `<bin>` prints: every command on a line. */
export function programHelp(bin: string, description: string, specs: readonly CommandSpec[]): string {
  const lines = specs.map((spec) => [`${bin} ${spec.name}${spec.forms[0] ? ` ${spec.forms[0]}` : ''}`, spec.summary] as const);
  lines.push([`${bin} --version`, 'print the versions of this tool, its engine and Node.js']);
  const width = Math.max(...lines.map(([left]) => left.length)) + 2;
  return [
    `${bin}: ${description}`,
    '',
    'Usage:',
    ...lines.map(([left, summary]) => `  ${left.padEnd(width)}${summary}`),
    '',
    `Run ${bin} <command> --help for a command's flags.`,
    EXIT_CODES,
  ].join('\n');
}
