export { prismaPlugin } from './prisma-plugin.js';
export { PRISMA_CLI, runPrismaCli } from './cli.js';
export { findPrismaProjectFiles, type PrismaProjectFiles } from './prisma-project-files.js';
export { deployMigrations } from './schema-engine/deploy-migrations.js';
