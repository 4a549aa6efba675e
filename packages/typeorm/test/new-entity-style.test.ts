import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newEntityNames } from '../src/new-entity-style.js';
import type { EntityTableEntry } from '../src/read-entities.js';
import { registerNewEntities } from '../src/register-entities.js';

const entry = (className: string, filePath: string): EntityTableEntry => ({
  name: className.toLowerCase(),
  className,
  filePath,
  line: 1,
  explicitName: true,
  columns: [],
  relations: [],
  constraints: [],
  junction: null,
});

describe('newEntityNames', () => {
  it('follows NestJS naming when the entities use it, so a *.entity.ts glob finds the new file', () => {
    const existing = [entry('UserEntity', '/app/src/users/user.entity.ts'), entry('RoleEntity', '/app/src/roles/role.entity.ts')];
    expect(newEntityNames({ base: 'ApiKey', existing })).toEqual({ className: 'ApiKeyEntity', fileName: 'api-key.entity.ts' });
  });

  it('follows TypeORM\'s example naming otherwise, and when there is no entity yet', () => {
    expect(newEntityNames({ base: 'ApiKey', existing: [entry('User', '/app/src/entity/User.ts')] })).toEqual({ className: 'ApiKey', fileName: 'ApiKey.ts' });
    expect(newEntityNames({ base: 'ApiKey', existing: [] })).toEqual({ className: 'ApiKey', fileName: 'ApiKey.ts' });
  });
});

describe('registerNewEntities', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function dataSource(entities: string): string {
    const root = mkdtempSync(path.join(tmpdir(), 'typeorm-register-'));
    roots.push(root);
    const file = path.join(root, 'data-source.ts');
    writeFileSync(file, `import { DataSource } from 'typeorm';\nimport { User } from './user';\nexport default new DataSource({ type: 'postgres', entities: ${entities} });\n`);
    return file;
  }
  const created = (dir: string) => [{ path: path.join(dir, 'api-key.ts'), before: null, after: 'export class ApiKey {}\n' }];

  it('leaves a list built from a __dirname glob alone: the glob finds the new file', () => {
    const file = dataSource("[__dirname + '/../**/*.entity{.ts,.js}']");
    expect(registerNewEntities({ dataSourcePath: file, edits: created(path.dirname(file)) })).toEqual([]);
  });

  it('appends the new class to a list of classes, with its import', () => {
    const file = dataSource('[User]');
    const [edit] = registerNewEntities({ dataSourcePath: file, edits: created(path.dirname(file)) });
    expect(edit?.after).toContain('entities: [User, ApiKey]');
    expect(edit?.after).toContain("import { ApiKey } from './api-key';");
  });
});
