import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // Only `npm run migrate` (and Prisma's own commands) connect; prisma-ai never does.
    url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/blog',
  },
});
