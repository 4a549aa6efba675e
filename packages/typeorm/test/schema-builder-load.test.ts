import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowServerFrom } from '@orm-ai/core';
import { runExistingMigrations, schemaBuilderQueries } from '../src/schema-builder/builder-migration.js';
import { globFiles } from '../src/schema-builder/glob-files.js';
import { loadDataSourceOptions } from '../src/schema-builder/load-data-source.js';
import { installTypeScriptLoader } from '../src/schema-builder/load-typescript.js';
import { renderMigrationFile } from '../src/schema-builder/migration-file.js';
import { openShadowDataSource } from '../src/schema-builder/shadow-data-source.js';
import { copyFixture, FIXTURE_DATA_SOURCE, FIXTURE_DIR } from './fixtures/builder/workspace.js';

const require = createRequire(import.meta.url);

describe('renderMigrationFile', () => {
  const up = [
    { query: 'ALTER TABLE "users" ADD "bio" character varying' },
    { query: "COMMENT ON COLUMN \"users\".\"bio\" IS 'a `tick`, ${x} and C:\\path'" },
    { query: 'INSERT INTO "typeorm_metadata"("type", "name") VALUES ($1, $2)', parameters: ['VIEW', 'v'] },
  ];
  const down = [{ query: 'ALTER TABLE "users" DROP COLUMN "bio"' }, { query: 'SELECT 1' }];

  it('writes the file TypeORM 1.1 migration:generate writes', () => {
    const file = renderMigrationFile({ name: 'add-user bio', timestamp: 1712345678901, up, down });
    expect(file.fileName).toBe('1712345678901-add-user bio.ts');
    expect(file.className).toBe('AddUserBio1712345678901');
    expect(file.content).toBe(`import { MigrationInterface, QueryRunner } from "typeorm";

export class AddUserBio1712345678901 implements MigrationInterface {
    name = 'AddUserBio1712345678901'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`ALTER TABLE "users" ADD "bio" character varying\`);
        await queryRunner.query(\`COMMENT ON COLUMN "users"."bio" IS 'a \\\`tick\\\`, \\\${x} and C:\\\\path'\`);
        await queryRunner.query(\`INSERT INTO "typeorm_metadata"("type", "name") VALUES ($1, $2)\`, ["VIEW","v"]);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(\`SELECT 1\`);
        await queryRunner.query(\`ALTER TABLE "users" DROP COLUMN "bio"\`);
    }

}
`);
  });

  it('matches TypeORM’s own template function for the same queries', () => {
    const { MigrationGenerateCommand } = require('typeorm/commands/MigrationGenerateCommand.js') as {
      MigrationGenerateCommand: {
        getTemplate(name: string, timestamp: number, up: string[], down: string[]): string;
        escapeTemplateLiteral(query: string): string;
        queryParams(parameters: unknown[] | undefined): string;
      };
    };
    const line = (query: { query: string; parameters?: unknown[] }) =>
      `        await queryRunner.query(\`${MigrationGenerateCommand.escapeTemplateLiteral(query.query)}\`${MigrationGenerateCommand.queryParams(query.parameters)});`;
    const expected = MigrationGenerateCommand.getTemplate('add-user bio', 1712345678901, up.map(line), down.map(line).reverse());
    expect(renderMigrationFile({ name: 'add-user bio', timestamp: 1712345678901, up, down }).content).toBe(expected);
  });
});

describe('loadDataSourceOptions', () => {
  it('loads TypeScript entities with decorator metadata and migrations from a glob', async () => {
    const loaded = await loadDataSourceOptions({ dataSourcePath: FIXTURE_DATA_SOURCE });
    const [User, Post] = loaded.entities as Function[];
    expect(User?.name).toBe('User');
    expect(Post?.name).toBe('Post');
    // `@Column() name: string` carries its type only as emitted metadata.
    expect(Reflect.getMetadata('design:type', User?.prototype, 'name')).toBe(String);
    expect(Reflect.getMetadata('design:type', Post?.prototype, 'views')).toBe(Number);
    expect(loaded.migrations.map((migration) => migration.name)).toEqual(['Init1700000000000', 'AuditLog1700000000001']);
    expect(loaded.options.migrationsTableName).toBe('schema_migrations');
    expect(loaded.migrationsDir).toBe(path.join(FIXTURE_DIR, 'migrations'));
    expect(loaded.dataSourcePath).toBe(FIXTURE_DATA_SOURCE);
  });

  it('says which file is missing', async () => {
    await expect(loadDataSourceOptions({ dataSourcePath: 'nowhere/data-source.ts' })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
      message: expect.stringContaining(path.resolve('nowhere/data-source.ts')),
    });
  });

  it('says when the file exports no DataSource, or fails to load', async () => {
    const copy = copyFixture();
    try {
      copy.edit('data-source.ts', 'export const AppDataSource =', 'const AppDataSource =');
      await expect(loadDataSourceOptions({ dataSourcePath: copy.dataSourcePath })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: `${copy.dataSourcePath} exports no DataSource instance`,
      });
      copy.edit('post.entity.ts', "@Entity('posts')", "@Entity('posts')\n@((() => { throw new Error('boom'); }) as any)");
      copy.edit('data-source.ts', 'const AppDataSource =', 'export default');
      await expect(loadDataSourceOptions({ dataSourcePath: copy.dataSourcePath })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/^cannot load .*data-source\.ts: boom$/),
      });
    } finally {
      copy.remove();
    }
  });
});

describe('installTypeScriptLoader', () => {
  it('is removable: .ts handling and the module cache go back to how they were', () => {
    const before = require.extensions['.ts'];
    const loader = installTypeScriptLoader({ projectRoot: FIXTURE_DIR });
    const first = loader.require('./user.entity.ts') as { User: Function };
    expect(require.extensions['.ts']).not.toBe(before);
    expect(() => installTypeScriptLoader({ projectRoot: FIXTURE_DIR })).toThrow(/already installed/);
    loader.uninstall();
    expect(require.extensions['.ts']).toBe(before);
    const again = installTypeScriptLoader({ projectRoot: FIXTURE_DIR });
    try {
      expect((again.require('./user.entity.ts') as { User: Function }).User).not.toBe(first.User);
    } finally {
      again.uninstall();
    }
  });
});

describe('globFiles', () => {
  it('expands **, * and braces like TypeORM’s globs', () => {
    const files = globFiles({ pattern: 'migrations/*.{ts,js}', cwd: FIXTURE_DIR });
    expect(files.map((file) => path.basename(file))).toEqual(['1700000000000-Init.ts', '1700000000001-AuditLog.ts']);
    expect(globFiles({ pattern: `${FIXTURE_DIR}/**/*.entity.ts`, cwd: '/' }).map((file) => path.basename(file))).toEqual([
      'post.entity.ts',
      'user.entity.ts',
    ]);
  });
});

describe('the shadow never contacts the configured database', () => {
  let sentinel: net.Server;
  let port = 0;
  let contacts = 0;

  beforeAll(async () => {
    sentinel = net.createServer((socket) => {
      contacts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => sentinel.listen(0, '127.0.0.1', resolve));
    port = (sentinel.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => sentinel.close(() => resolve())));

  const shadows = [undefined, ...(process.env.SHADOW_TEST_URL ? [process.env.SHADOW_TEST_URL] : [])];

  it.each(shadows)('with the url, host or replication of the data source pointing at a sentinel (shadow %s)', async (shadowUrl) => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `postgres://owner:secret@127.0.0.1:${port}/production`;
    try {
      const loaded = await loadDataSourceOptions({ dataSourcePath: FIXTURE_DATA_SOURCE });
      expect((loaded.options as { url?: string }).url).toContain(`:${port}/production`);
      const sentinelHost = { host: '127.0.0.1', port, database: 'production', username: 'owner', password: 'secret' };
      const variants = [
        loaded.options,
        { ...loaded.options, url: undefined, ...sentinelHost, extra: { host: '127.0.0.1', port } },
        { ...loaded.options, replication: { master: sentinelHost, slaves: [sentinelHost] } },
      ];
      for (const options of variants) {
        const shadow = await openShadowDataSource({ options: options as typeof loaded.options, shadowServer: shadowServerFrom({ shadowUrl }), DataSourceClass: loaded.DataSourceClass });
        try {
          await runExistingMigrations({ dataSource: shadow.dataSource });
          expect((await schemaBuilderQueries({ dataSource: shadow.dataSource })).up).toEqual([]);
        } finally {
          await shadow.dispose();
        }
      }
      expect(contacts).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });

  it('rejects a data source that is not PostgreSQL', async () => {
    const loaded = await loadDataSourceOptions({ dataSourcePath: FIXTURE_DATA_SOURCE });
    await expect(openShadowDataSource({ options: { ...loaded.options, type: 'mysql' } as never })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(contacts).toBe(0);
  });
});
