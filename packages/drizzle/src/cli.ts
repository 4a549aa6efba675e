import { runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { drizzlePlugin } from './drizzle-plugin.js';

export const DRIZZLE_CLI: CliDefinition = {
  bin: 'drizzle-ai',
  description: 'ask for a schema change, get a Drizzle schema edit and a drizzle-kit migration proven on a shadow database.',
  plugin: drizzlePlugin,
  generateCommand: 'generate',
  configFlag: { name: 'config', value: 'FILE', description: 'the drizzle config (default: drizzle.config.ts in this folder)' },
};

/** Runs `drizzle-ai <command> ...` and returns the exit code. */
export function runDrizzleCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(DRIZZLE_CLI, argv, io);
}
