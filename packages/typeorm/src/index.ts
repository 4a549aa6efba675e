export { typeormPlugin } from './typeorm-plugin.js';
export { TYPEORM_CLI, runTypeormCli } from './cli.js';
export { readEntities } from './read-entities.js';
export { applyPlanToEntities } from './apply-plan.js';
export { loadDataSourceOptions } from './schema-builder/load-data-source.js';
