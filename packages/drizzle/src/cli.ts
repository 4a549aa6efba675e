import { COMMON_FLAGS_USAGE, daemonUsage, mcpUsage, runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { drizzlePlugin } from './drizzle-plugin.js';

export const USAGE = `drizzle-ai: ask for a schema change, get a Drizzle schema edit and a drizzle-kit migration proven on a shadow database.

Usage:
  drizzle-ai generate "<request>" [flags]
  drizzle-ai generate --plan FILE [flags]
${mcpUsage('drizzle-ai', '[--config FILE]')}
${daemonUsage('drizzle-ai')}

Flags:
  --config FILE      the drizzle config (default: drizzle.config.ts in this directory)
${COMMON_FLAGS_USAGE}`;

export const DRIZZLE_CLI: CliDefinition = {
  bin: 'drizzle-ai',
  plugin: drizzlePlugin,
  generateCommand: 'generate',
  configFlag: { name: 'config' },
  usage: USAGE,
};

/** Runs `drizzle-ai <command> ...` and returns the exit code. */
export function runDrizzleCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(DRIZZLE_CLI, argv, io);
}
