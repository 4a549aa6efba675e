export { drizzlePlugin } from './drizzle-plugin.js';
export { DRIZZLE_CLI, runDrizzleCli } from './cli.js';
export { loadDrizzleConfig, type DrizzleConfig } from './drizzle-config.js';
export { readDrizzleSchema } from './read-schema.js';
export { applyPlanToDrizzleSource } from './apply-plan.js';
