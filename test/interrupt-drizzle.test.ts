import { describeCtrlC, describeSecondCtrlC } from './support/interrupt-suite.js';
import type { CliRun } from './support/interrupted-runs.js';

const drizzleGenerate = (shadowUrl: string): CliRun => ({
  bin: 'packages/drizzle/dist/bin.js',
  example: 'drizzle-app',
  args: ['generate', '--plan', 'plans/add-post-tags.json', '--yes', '--json', '--shadow-url', shadowUrl],
});

describeCtrlC('drizzle-ai generate', drizzleGenerate);
describeSecondCtrlC('drizzle-ai generate', drizzleGenerate);
