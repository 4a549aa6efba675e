import { processIo, runCli } from '@orm-ai/core';
import { PRISMA_CLI } from './cli.js';

process.exitCode = await runCli(PRISMA_CLI, process.argv.slice(2), processIo());
