// Runs src/migrations against DATABASE_URL with TypeORM's own migration runner; with
// `revert`, undoes the newest one through its down(), as `typeorm migration:revert` does.
// The data source is TypeScript; @orm-ai/typeorm loads it with decorator metadata, no build step.
import { fileURLToPath } from 'node:url';
import { loadDataSourceOptions } from '@orm-ai/typeorm';

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is not set. Example: DATABASE_URL=postgres://postgres@127.0.0.1:5432/blog npm run migrate');
  process.exit(1);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const loaded = await loadDataSourceOptions({ dataSourcePath: `${root}src/data-source.ts`, cwd: root });
const dataSource = new loaded.DataSourceClass(loaded.options);
await dataSource.initialize();
try {
  if (process.argv[2] === 'revert') {
    await dataSource.undoLastMigration({ transaction: 'all' });
    console.log('Reverted the newest migration.');
  } else {
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    console.log(applied.length === 0 ? 'No pending migrations.' : `Applied ${applied.length} migration(s): ${applied.map((migration) => migration.name).join(', ')}`);
  }
} finally {
  await dataSource.destroy();
}
