import { describeCtrlC } from './support/interrupt-suite.js';

describeCtrlC('prisma-ai migrate', (shadowUrl) => ({
  bin: 'packages/prisma/dist/bin.js',
  example: 'prisma-app',
  args: ['migrate', '--plan', 'plans/add-post-tags.json', '--yes', '--json', '--shadow-url', shadowUrl],
}));
