import { startCli } from '@orm-ai/core/start-cli';

// Only Node's built-ins load before the run's way is known: a warm run goes to the project's
// daemon and never loads the engine here (see startCli).
await startCli({
  bin: 'prisma-ai',
  generateCommand: 'migrate',
  binUrl: import.meta.url,
  load: async () => (await import('./cli.js')).PRISMA_CLI,
});
