import { runCli, type CliDefinition, type CliIo } from '@orm-ai/core';
import { typeormPlugin } from './typeorm-plugin.js';

export const TYPEORM_CLI: CliDefinition = {
  bin: 'typeorm-ai',
  description: "ask for a schema change, get entity edits and a migration from TypeORM's own schema builder, proven on a shadow database.",
  plugin: typeormPlugin,
  generateCommand: 'migration:generate',
  configFlag: { name: 'dataSource', short: 'd', value: 'FILE', description: 'the file exporting your DataSource (default: src/data-source.ts)' },
};

/** Runs `typeorm-ai <command> ...` and returns the exit code. */
export function runTypeormCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runCli(TYPEORM_CLI, argv, io);
}
