import { describe, expect, it } from 'vitest';
import { configuredDatabase, typeormPlugin } from '../src/typeorm-plugin.js';
import { FIXTURE_DATA_SOURCE, FIXTURE_DIR } from './fixtures/builder/workspace.js';

describe("the database a data source's type names", () => {
  it.each([
    ['postgres', 'postgresql'],
    ['mysql', 'mysql'],
    ['mariadb', 'mysql'],
    ['better-sqlite3', 'sqlite'],
    ['sqlite', 'sqlite'],
    ['mssql', null],
    ['cockroachdb', null],
    ['mongodb', null],
  ])('type: "%s" is %s', (type, dialect) => {
    expect(configuredDatabase(type, '/app/src/data-source.ts')).toEqual({ dialect, setting: `type: "${type}"`, file: '/app/src/data-source.ts' });
  });

  it('is read from the project, by loading its data source as TypeORM does', async () => {
    const project = await typeormPlugin.openProject({ cwd: FIXTURE_DIR, configPath: FIXTURE_DATA_SOURCE });
    expect(await project.readDatabase()).toEqual({ dialect: 'postgresql', setting: 'type: "postgres"', file: FIXTURE_DATA_SOURCE });
  });
});
