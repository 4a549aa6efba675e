import { COMMON_FLAGS_USAGE, daemonUsage, mcpUsage, runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { typeormPlugin } from './typeorm-plugin.js';

export const USAGE = `typeorm-ai: ask for a schema change, get entity edits and a migration from TypeORM's own schema builder, proven on a shadow database.

Usage:
  typeorm-ai migration:generate "<request>" -d src/data-source.ts [flags]
  typeorm-ai migration:generate --plan FILE -d src/data-source.ts [flags]
${mcpUsage('typeorm-ai', '-d src/data-source.ts')}
${daemonUsage('typeorm-ai')}

Flags:
  -d, --dataSource FILE  the file exporting your DataSource (default: src/data-source.ts)
${COMMON_FLAGS_USAGE}`;

export const TYPEORM_CLI: CliDefinition = {
  bin: 'typeorm-ai',
  plugin: typeormPlugin,
  generateCommand: 'migration:generate',
  configFlag: { name: 'dataSource', short: 'd' },
  usage: USAGE,
};

/** Runs `typeorm-ai <command> ...` and returns the exit code. */
export function runTypeormCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(TYPEORM_CLI, argv, io);
}
