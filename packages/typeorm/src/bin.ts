import { exitCleanlyOnSignals, processIo, runCli } from '@orm-ai/core';
import { TYPEORM_CLI } from './cli.js';

// Ctrl-C and SIGTERM drop this run's shadow databases and roles and remove its temporary files first.
exitCleanlyOnSignals();
process.exitCode = await runCli(TYPEORM_CLI, process.argv.slice(2), processIo());
