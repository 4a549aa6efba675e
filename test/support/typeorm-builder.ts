import { join } from 'node:path';
import { runExistingMigrations, schemaBuilderQueries } from '../../packages/typeorm/src/schema-builder/builder-migration.js';
import { loadDataSourceOptions } from '../../packages/typeorm/src/schema-builder/load-data-source.js';
import { openShadowDataSource } from '../../packages/typeorm/src/schema-builder/shadow-data-source.js';

/**
 * What TypeORM's own schema builder, from the project's typeorm, still wants after every
 * migration ran on an embedded shadow: nothing, when our migration is right. The data source
 * is loaded in this process, so whatever it reads from the environment must be set.
 */
export async function pendingBuilderQueries(root: string, dataSource = 'src/data-source.ts'): Promise<string[]> {
  const loaded = await loadDataSourceOptions({ dataSourcePath: join(root, dataSource), cwd: root });
  const shadow = await openShadowDataSource({ options: loaded.options, DataSourceClass: loaded.DataSourceClass });
  try {
    await runExistingMigrations({ dataSource: shadow.dataSource });
    return (await schemaBuilderQueries({ dataSource: shadow.dataSource })).up.map((query) => query.query);
  } finally {
    await shadow.dispose();
  }
}
