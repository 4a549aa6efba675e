import { runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { prismaPlugin } from './prisma-plugin.js';

export const PRISMA_CLI: CliDefinition = {
  bin: 'prisma-ai',
  description: "ask for a schema change, get a schema.prisma edit and a migration from Prisma's own schema engine (WebAssembly: nothing to download), proven on a shadow database.",
  plugin: prismaPlugin,
  generateCommand: 'migrate',
  configFlag: { name: 'schema', value: 'PATH', description: "the schema file or folder (default: prisma.config.ts's schema, else prisma/schema.prisma)" },
};

/** Runs `prisma-ai <command> ...` and returns the exit code. */
export function runPrismaCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(PRISMA_CLI, argv, io);
}
