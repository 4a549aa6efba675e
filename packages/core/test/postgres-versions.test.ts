import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseCheckArgs } from '../src/cli/check-args.js';
import { parseGenerateArgs } from '../src/cli/generate-args.js';
import { OrmAiError } from '../src/errors.js';
import { declaredPostgresVersion, imageVersions } from '../src/dialect/postgres/declared-postgres-version.js';
import { pgVersionFlag, resolvePostgresVersions } from '../src/dialect/postgres/postgres-target.js';
import { majorOfVersionNum, measurementDiffers, POSTGRES_FACTS, PostgresTarget, TARGET_VERSIONS, type PostgresFactId } from '../src/dialect/postgres/postgres-versions.js';
import type { ShadowDatabase } from '../src/shadow/shadow-database.js';

describe('the table of version-dependent behaviours', () => {
  it('gives every fact a version within the targets and a source on postgresql.org', () => {
    for (const [id, fact] of Object.entries(POSTGRES_FACTS)) {
      expect(fact.since, id).toBeGreaterThan(TARGET_VERSIONS.oldest);
      expect(fact.since, id).toBeLessThanOrEqual(TARGET_VERSIONS.newest);
      expect(fact.source, id).toMatch(/^https:\/\/www\.postgresql\.org\/docs\//);
    }
  });

  it.each([
    ['constant-default-without-rewrite', 11],
    ['enum-add-value-in-transaction', 12],
    ['reindex-concurrently', 12],
    ['set-not-null-skips-scan-with-check', 12],
    ['detach-partition-concurrently', 14],
    ['virtual-generated-columns', 18],
  ] as const)('%s holds from PostgreSQL %i on, not before', (fact: PostgresFactId, since) => {
    expect(new PostgresTarget(since - 1).supports(fact)).toBe(false);
    expect(new PostgresTarget(since).supports(fact)).toBe(true);
    expect(new PostgresTarget(TARGET_VERSIONS.newest).supports(fact)).toBe(true);
  });

  it("says when the shadow's measurement does not hold for the target, and only then", () => {
    const shadow = new PostgresTarget(18);
    expect(measurementDiffers('constant-default-without-rewrite', { shadow, target: new PostgresTarget(13) })).toBeNull();
    expect(measurementDiffers('constant-default-without-rewrite', { shadow, target: new PostgresTarget(10) })).toBe(
      "PostgreSQL 18 adds a column with a non-volatile default without rewriting the table, keeping the value in the catalog (since 11); PostgreSQL 10 does not, so the shadow's measurement on PostgreSQL 18 does not hold for PostgreSQL 10.",
    );
  });

  it('reads the major version of server_version_num', () => {
    expect(majorOfVersionNum(180006)).toBe(18);
    expect(majorOfVersionNum(150020)).toBe(15);
    expect(majorOfVersionNum(90624)).toBe(9);
  });
});

describe('--pg-version', () => {
  it.each(['10', '13', '18', ' 16 '])('takes %j', (value) => {
    expect(pgVersionFlag(value)).toBe(Number(value.trim()));
  });

  it.each(['9', '19', '16.2', 'sixteen', ''])('refuses %j as a usage error with a fix', (value) => {
    const error = (() => {
      try {
        pgVersionFlag(value);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(OrmAiError);
    expect((error as OrmAiError).code).toBe('USAGE');
    expect((error as OrmAiError).message).toBe(`--pg-version "${value}" is not a PostgreSQL major version from 10 to 18`);
    expect((error as OrmAiError).hint).toContain('--pg-version 16');
  });

  it('is absent when not given', () => {
    expect(pgVersionFlag(undefined)).toBeUndefined();
  });

  it('is a flag of check and of the generate command, parsed and checked with the others', () => {
    expect(parseCheckArgs(['a.sql', '--pg-version', '12']).pgVersion).toBe(12);
    expect(parseCheckArgs(['a.sql']).pgVersion).toBeUndefined();
    expect(parseGenerateArgs(['add a tags column', '--pg-version=16']).pgVersion).toBe(16);
    expect(() => parseGenerateArgs(['add a tags column', '--pg-version', '8'])).toThrow('--pg-version "8" is not a PostgreSQL major version from 10 to 18');
  });
});

describe('what a project declares', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'orm-ai-pgversion-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it.each([
    ['    image: postgres:16', [16]],
    ['    image: "postgres:15.4-alpine"', [15]],
    ["    image: 'docker.io/library/postgres:14'", [14]],
    ['  - image: postgis/postgis:16-3.4 # with PostGIS', [16]],
    ['    image: pgvector/pgvector:pg17', [17]],
    ['    image: bitnami/postgresql:13', [13]],
    ['    image: postgres', []],
    ['    image: postgres:latest', []],
    ['    image: postgres:${PG_VERSION:-16}', []],
    ['    image: pgvector/pgvector:0.8.0-pg17', []],
    ['    image: redis:7', []],
    ['    # image: postgres:12', []],
  ])('reads %j as %j', (line, majors) => {
    expect(imageVersions(`services:\n  db:\n${line}\n`)).toEqual(majors);
  });

  it('takes the oldest version of the compose files at the root and the workflow services, naming the files', async () => {
    const root = project({
      'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n',
      'compose.override.yaml': 'services:\n  db:\n    image: postgres:16.2\n',
      '.github/workflows/ci.yml': 'jobs:\n  test:\n    services:\n      postgres:\n        image: postgres:14\n',
      'other/docker-compose.yml': 'services:\n  db:\n    image: postgres:10\n',
    });
    expect(await declaredPostgresVersion(root)).toEqual({ major: 14, files: ['.github/workflows/ci.yml'] });
  });

  it('declares nothing without such a file', async () => {
    expect(await declaredPostgresVersion(project({ 'README.md': 'image: postgres:16' }))).toBeNull();
  });
});

describe('the default target: flag, then the --shadow-url server, then the project, then the embedded shadow', () => {
  const root = mkdtempSync(join(tmpdir(), 'orm-ai-pgversion-'));
  writeFileSync(join(root, 'docker-compose.yml'), 'services:\n  db:\n    image: postgres:13\n');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const shadowOf = (version: string, num: number): ShadowDatabase => {
    const shadow = { query: async () => [{ version, num: String(num) }], isolated: (_options: unknown, work: (view: ShadowDatabase) => unknown) => work(shadow as unknown as ShadowDatabase) };
    return shadow as unknown as ShadowDatabase;
  };

  it('takes the flag over everything', async () => {
    const versions = await resolvePostgresVersions({ flag: 11, shadow: shadowOf('15.4 (Debian 15.4-1)', 150004), server: true, projectRoot: root });
    expect({ measuredOn: versions.measuredOn, target: versions.target.major, from: versions.targetFrom }).toEqual({ measuredOn: '15.4', target: 11, from: 'flag' });
  });

  it("takes the server's version over the project's", async () => {
    const versions = await resolvePostgresVersions({ shadow: shadowOf('15.4', 150004), server: true, projectRoot: root });
    expect({ target: versions.target.major, from: versions.targetFrom }).toEqual({ target: 15, from: 'shadow-server' });
  });

  it("takes the project's over the embedded shadow's, naming the file", async () => {
    const versions = await resolvePostgresVersions({ shadow: shadowOf('18.6', 180006), server: false, projectRoot: root });
    expect({ target: versions.target.major, from: versions.targetFrom, declaredIn: versions.declaredIn }).toEqual({ target: 13, from: 'project', declaredIn: ['docker-compose.yml'] });
    expect(versions.shadow.major).toBe(18);
  });

  it("falls back to the embedded shadow's own version", async () => {
    const versions = await resolvePostgresVersions({ shadow: shadowOf('18.6', 180006), server: false, projectRoot: null });
    expect({ measuredOn: versions.measuredOn, target: versions.target.major, from: versions.targetFrom }).toEqual({ measuredOn: '18.6', target: 18, from: 'embedded-shadow' });
  });

  it('refuses a declared version it has no facts for, with a fix', async () => {
    const old = mkdtempSync(join(tmpdir(), 'orm-ai-pgversion-'));
    writeFileSync(join(old, 'compose.yaml'), 'services:\n  db:\n    image: postgres:9.6\n');
    const failure = resolvePostgresVersions({ shadow: shadowOf('18.6', 180006), server: false, projectRoot: old });
    await expect(failure).rejects.toMatchObject({ code: 'PG_VERSION_UNSUPPORTED', message: 'compose.yaml declares PostgreSQL 9; the safety analysis knows PostgreSQL 10 to 18' });
    await expect(failure).rejects.toHaveProperty('hint', expect.stringContaining('--pg-version N'));
    rmSync(old, { recursive: true, force: true });
  });
});
