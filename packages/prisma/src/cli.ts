import { COMMON_FLAGS_USAGE, daemonUsage, mcpUsage, runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { prismaPlugin } from './prisma-plugin.js';

export const USAGE = `prisma-ai: ask for a schema change, get a schema.prisma edit and a migration from Prisma's own schema engine (WebAssembly: nothing to download), proven on a shadow database.

Usage:
  prisma-ai migrate "<request>" [flags]
  prisma-ai migrate --plan FILE [flags]
${mcpUsage('prisma-ai', '[--schema PATH]')}
${daemonUsage('prisma-ai')}

Flags:
  --schema PATH      the schema file or folder (default: prisma.config.ts's schema, else prisma/schema.prisma)
${COMMON_FLAGS_USAGE}`;

export const PRISMA_CLI: CliDefinition = {
  bin: 'prisma-ai',
  plugin: prismaPlugin,
  generateCommand: 'migrate',
  configFlag: { name: 'schema' },
  usage: USAGE,
};

/** Runs `prisma-ai <command> ...` and returns the exit code. */
export function runPrismaCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(PRISMA_CLI, argv, io);
}
