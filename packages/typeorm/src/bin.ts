import { startCli } from '@orm-ai/core/start-cli';

// Only Node's built-ins load before the run's way is known: a warm run goes to the project's
// daemon and never loads the engine here (see startCli).
await startCli({
  bin: 'typeorm-ai',
  generateCommand: 'migration:generate',
  binUrl: import.meta.url,
  load: async () => (await import('./cli.js')).TYPEORM_CLI,
});
