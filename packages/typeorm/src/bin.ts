import { processIo, runCli } from '@orm-ai/core';
import { TYPEORM_CLI } from './cli.js';

process.exitCode = await runCli(TYPEORM_CLI, process.argv.slice(2), processIo());
