import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSupportedPrisma, chooseSchemaEngine } from '../src/schema-engine/choose-engine.js';
import { bundledSchemaEngineDir, bundledSchemaEngineVersion } from '../src/schema-engine/load-engine.js';
import { openPrismaSchemaEngine } from '../src/schema-engine/prisma-schema-engine.js';
import { findProjectPrisma } from '../src/schema-engine/project-prisma.js';
import { readPrismaSchema } from '../src/read-schema.js';
import { blankUrls, BUNDLED_SCHEMA_TOOLS, projectSchemaTools } from '../src/schema-tools.js';

// Projects laid out as npm installs them (package.json files only: nothing is installed
// at test time), to check which engine and validator a project's Prisma version gets.
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function writePackage(root: string, name: string, version: string): string {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
  return dir;
}

function projectWithPrisma(options: { prisma: string; engines: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'orm-ai-prisma-version-'));
  roots.push(root);
  writePackage(root, 'prisma', options.prisma);
  writePackage(root, '@prisma/engines', options.prisma);
  writePackage(root, '@prisma/engines-version', options.engines);
  return root;
}

const PRISMA_6_ENGINES = '7.1.1-3.c2990dca591cba766e3b7ef5d9e8a84796e47ab7';
const PRISMA_6_SCHEMA = [
  'generator client {\n  provider = "prisma-client-js"\n}\n',
  'datasource db {\n  provider  = "postgresql"\n  url       = env("ORM_AI_TEST_UNSET_URL")\n  directUrl = env("ORM_AI_TEST_UNSET_DIRECT_URL")\n}\n',
  'model User {\n  id    Int    @id\n  email String @unique\n}\n',
].join('\n');

describe("the project's own Prisma version", () => {
  it('reads prisma and its engines version as Node resolves them from the project', () => {
    const root = projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES });
    expect(findProjectPrisma(root)).toEqual({ prismaVersion: '6.19.3', engineVersion: PRISMA_6_ENGINES, enginesDir: join(root, 'node_modules/@prisma/engines') });
  });

  it('refuses a Prisma whose engine is not installed, naming the package@version to add', () => {
    const root = projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES });
    expect(() => chooseSchemaEngine(root)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ORM_VERSION', hint: expect.stringContaining(`@prisma/schema-engine-wasm@${PRISMA_6_ENGINES}`) }));
  });

  it('refuses an installed @prisma/schema-engine-wasm of another version than the engines', () => {
    const root = projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES });
    writePackage(root, '@prisma/schema-engine-wasm', '6.14.0-25.717184b7b35ea05dfa71a3236b7af656013e1e49');
    expect(() => chooseSchemaEngine(root)).toThrow(expect.objectContaining({ message: expect.stringContaining('6.14.0-25.717184b7b35ea05dfa71a3236b7af656013e1e49 is installed') }));
  });

  it('uses the bundled engine when it is the project\'s version, or the project has no prisma', () => {
    const same = projectWithPrisma({ prisma: '7.10.0', engines: bundledSchemaEngineVersion() });
    expect(chooseSchemaEngine(same)).toMatchObject({ packageDir: bundledSchemaEngineDir(), prismaVersion: '7.10.0' });
    const none = mkdtempSync(join(tmpdir(), 'orm-ai-no-prisma-'));
    roots.push(none);
    expect(chooseSchemaEngine(none)).toMatchObject({ packageDir: bundledSchemaEngineDir(), prismaVersion: null });
  });

  it("loads and runs the engine package installed in the project at the engines' version", async () => {
    const engines = '7.99.0-1.0000000000000000000000000000000000000000';
    const root = projectWithPrisma({ prisma: '7.99.0', engines });
    // A copy of the bundled engine under the project's version: the engine that runs must be the project's copy.
    const dir = join(root, 'node_modules/@prisma/schema-engine-wasm');
    cpSync(bundledSchemaEngineDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@prisma/schema-engine-wasm', version: engines, type: 'module' }));
    expect(chooseSchemaEngine(root)).toEqual({ packageDir: dir, engineVersion: engines, prismaVersion: '7.99.0' });
    const schema = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id Int @id\n}\n' }];
    const engine = await openPrismaSchemaEngine({ schema, projectRoot: root });
    try {
      expect(await engine.diffFromEmpty(schema)).toMatch(/CREATE TABLE ("public"\.)?"User"/);
    } finally {
      await engine.dispose();
    }
  }, 60_000);
});

describe("the project's own Prisma validator", () => {
  it('reads a Prisma 6 schema (datasource url and directUrl from env) for a Prisma 6 project', async () => {
    const root = projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES });
    const tools = projectSchemaTools(root);
    expect(tools.source).toContain(`@prisma/prisma-schema-wasm@${PRISMA_6_ENGINES}`);
    const { model } = await readPrismaSchema({ files: [{ path: 'schema.prisma', content: PRISMA_6_SCHEMA }], tools });
    expect(model.tables[0]).toMatchObject({ name: 'User' });
    await expect(readPrismaSchema({ files: [{ path: 'schema.prisma', content: PRISMA_6_SCHEMA }], tools: BUNDLED_SCHEMA_TOOLS })).rejects.toMatchObject({ code: 'SCHEMA_READ_FAILED' });
  });

  it("names the project's own validator package when the bundled one refuses a Prisma 6 schema", async () => {
    const root = projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES });
    // A preview feature Prisma 6 knew and Prisma 7 does not.
    const schema = PRISMA_6_SCHEMA.replace('provider = "prisma-client-js"', 'provider        = "prisma-client-js"\n  previewFeatures = ["metrics"]');
    await expect(readPrismaSchema({ files: [{ path: 'schema.prisma', content: schema }], tools: projectSchemaTools(root) })).rejects.toMatchObject({
      code: 'SCHEMA_READ_FAILED',
      hint: expect.stringContaining(`@prisma/prisma-schema-wasm@${PRISMA_6_ENGINES} as a devDependency`),
    });
  });

  it('blanks only the datasource URL lines, keeping every offset', () => {
    const [, blanked] = blankUrls(['schema.prisma', PRISMA_6_SCHEMA]);
    expect(blanked).toHaveLength(PRISMA_6_SCHEMA.length);
    expect(blanked).not.toContain('env(');
    expect(blanked.split('\n').map((line) => line.trim())).toEqual(PRISMA_6_SCHEMA.split('\n').map((line) => (/^\s*(url|directUrl)\s*=/.test(line) ? '' : line.trim())));
  });

  it('uses the bundled validator as is for a project on the bundled version', () => {
    const root = projectWithPrisma({ prisma: '7.10.0', engines: bundledSchemaEngineVersion() });
    expect(projectSchemaTools(root)).toBe(BUNDLED_SCHEMA_TOOLS);
  });
});

describe('supported Prisma versions', () => {
  it('refuses Prisma 5 (no WebAssembly engine is published for it), naming version and range', () => {
    const root = projectWithPrisma({ prisma: '5.22.0', engines: '5.22.0-44.605197351a3c8bdd595af2d2a9bc3025bca48ea2' });
    expect(() => assertSupportedPrisma(root)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ORM_VERSION', message: expect.stringContaining('prisma 5.22.0 is outside the supported versions (6.6 to 7.x)') }));
  });

  it('accepts Prisma 6.6 to 7.x, and a project without prisma installed', () => {
    expect(() => assertSupportedPrisma(projectWithPrisma({ prisma: '6.19.3', engines: PRISMA_6_ENGINES }))).not.toThrow();
    expect(() => assertSupportedPrisma(projectWithPrisma({ prisma: '7.8.0', engines: '7.8.0-6.3c6e192761c0362d496ed980de936e2f3cebcd3a' }))).not.toThrow();
    const none = mkdtempSync(join(tmpdir(), 'orm-ai-no-prisma-'));
    roots.push(none);
    expect(() => assertSupportedPrisma(none)).not.toThrow();
  });
});
