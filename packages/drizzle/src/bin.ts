import { processIo, runCli } from '@orm-ai/core';
import { DRIZZLE_CLI } from './cli.js';

process.exitCode = await runCli(DRIZZLE_CLI, process.argv.slice(2), processIo());
