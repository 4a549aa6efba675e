import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrmPlugin, SchemaModel } from '@orm-ai/core';
import { drizzlePlugin } from '@orm-ai/drizzle';
import { prismaPlugin } from '@orm-ai/prisma';
import { typeormPlugin } from '@orm-ai/typeorm';
import { CORPUS_GAPS, type CorpusCheck, type CorpusGap } from './corpus-gaps.js';
import { drizzleKitLeftover, modelDifferences, prismaLeftover, typeormLeftover } from './support/corpus-checks.js';
import { corpusProjects, freshCorpusCopy, installCorpusProject, runCorpusCli, type CorpusOrm, type CorpusProject } from './support/corpus-project.js';

/**
 * Every project in ../shared/corpus at the ORM versions it pins, run as its users would run
 * our CLI: the model read from its source matches the catalog its migrations build, plans 1-4
 * write migrations after which the project's own ORM tool has nothing left to generate, and
 * plan 5 (a drop) is refused. What the corpus cannot pass yet is listed in corpus-gaps.ts with
 * the reason and the exact failure it causes, which the check then expects: a gap that closes,
 * or fails another way, fails the suite until the list is updated.
 */

interface OrmUnderTest {
  readonly plugin: OrmPlugin;
  /** The generate command and its config flag, as the project's README would tell a user. */
  readonly command: (root: string) => string[];
  readonly configPath: (root: string) => string | undefined;
  /** Packages to add to the install, as the CLI's hint would ask for them. */
  readonly addToInstall?: (modules: string) => Record<string, string>;
  /** What the project's own tool still wants after our migration; null when nothing. */
  readonly leftover: (project: CorpusProject, root: string) => Promise<string | null>;
}

/** TypeORM has no config file of its own: the data source, wherever the project keeps it. */
function dataSourcePath(root: string): string {
  const found = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).find((file) => /(^|\/)data-source\.ts$/.test(file));
  if (!found) throw new Error(`no data-source.ts under ${root}/src`);
  return relative(root, join(root, 'src', found));
}

/** The drizzle config when it is not at the root: a monorepo's database package (run from its folder). */
function drizzleConfigPath(root: string): string | undefined {
  if (existsSync(join(root, 'drizzle.config.ts'))) return undefined;
  const found = readdirSync(root, { recursive: true, encoding: 'utf8' }).find((file) => !file.startsWith('node_modules') && /(^|\/)drizzle\.config\.ts$/.test(file));
  if (!found) throw new Error(`no drizzle.config.ts under ${root}`);
  return found;
}

const ORMS: Record<CorpusOrm, OrmUnderTest> = {
  drizzle: {
    plugin: drizzlePlugin,
    command: (root) => ['generate', ...(drizzleConfigPath(root) ? ['--config', drizzleConfigPath(root)!] : [])],
    configPath: drizzleConfigPath,
    leftover: (project, root) => drizzleKitLeftover(project, root, drizzleConfigPath(root)),
  },
  prisma: {
    plugin: prismaPlugin,
    command: () => ['migrate'],
    configPath: () => undefined,
    // npm runs no install scripts, so no native engine: Prisma's WASM engine at the project's engine version,
    // and its validator at the same version (the bundled Prisma 7.10 one refuses preview features only
    // Prisma 6 knows, such as "metrics"); the two packages the CLI's hints name.
    addToInstall: (modules) => {
      const engines = (JSON.parse(readFileSync(join(modules, '@prisma/engines-version/package.json'), 'utf8')) as { version: string }).version;
      return { '@prisma/schema-engine-wasm': engines, '@prisma/prisma-schema-wasm': engines };
    },
    leftover: prismaLeftover,
  },
  typeorm: {
    plugin: typeormPlugin,
    command: (root) => ['migration:generate', '-d', dataSourcePath(root)],
    configPath: dataSourcePath,
    leftover: (project, root) => typeormLeftover(project, root, dataSourcePath(root)),
  },
};

/** A check as a test; where the corpus has a known gap, the title says why and the body gets it. */
function check(project: CorpusProject, name: CorpusCheck, title: string, body: (gap: CorpusGap | undefined) => Promise<void>, timeout: number): void {
  const gap = CORPUS_GAPS[project.name]?.[name];
  it(gap ? `${title}: known gap, ${gap.reason}` : title, () => body(gap), timeout);
}

describe.each(corpusProjects())('corpus project $name', (project) => {
  const orm = ORMS[project.orm];
  let modules = '';
  const disposals: Array<() => void> = [];
  beforeAll(async () => {
    modules = await installCorpusProject(project, { then: orm.addToInstall });
  }, 900_000);
  afterAll(() => {
    for (const dispose of disposals.splice(0)) dispose();
  });
  const copy = () => {
    const made = freshCorpusCopy(project, modules);
    disposals.push(made.dispose);
    return made.root;
  };

  check(
    project,
    'model',
    'the model read from the source matches the catalog its migrations build',
    async (gap) => {
      const root = copy();
      const saved = { ...process.env };
      Object.assign(process.env, project.env);
      let model: SchemaModel;
      try {
        const opened = await orm.plugin.openProject({ cwd: root, configPath: orm.configPath(root) });
        model = await opened.readSchema();
      } finally {
        for (const key of Object.keys(project.env)) if (!(key in saved)) delete process.env[key];
      }
      expect(modelDifferences(model, project.expect)).toEqual(gap?.modelDifferences ?? []);
    },
    300_000,
  );

  for (const plan of project.plans.slice(0, 4)) {
    const name = plan.replace(/^plans\/(\d+)-.*$/, 'plan-$1') as CorpusCheck;
    check(
      project,
      name,
      `${plan} writes a migration after which the project's own tool has nothing to generate`,
      async (gap) => {
        const root = copy();
        const { code, stdout, stderr } = await runCorpusCli({ project, root, args: [...orm.command(root), '--plan', plan, '--yes', '--json'] });
        const report = JSON.parse(stdout || '{}') as { ok?: boolean; error?: { code: string; message: string }; files?: string[]; written?: boolean };
        if (gap?.refusedWith) {
          expect(report.error?.code, stderr.slice(-2000)).toBe(gap.refusedWith);
          expect(code).toBe(1);
          return;
        }
        expect(report.error ?? null, stderr.slice(-2000)).toBeNull();
        expect(code).toBe(0);
        expect(report.ok).toBe(true);
        expect(report.written).toBe(true);
        expect(report.files?.length).toBeGreaterThan(0);
        for (const file of report.files ?? []) expect(existsSync(resolve(root, file)), file).toBe(true);
        expect(await orm.leftover(project, root)).toBeNull();
      },
      900_000,
    );
  }

  const drop = project.plans[4];
  if (drop) {
    check(
      project,
      'plan-5',
      `${drop} (a drop) is refused with DATA_LOSS_NOT_ALLOWED`,
      async (gap) => {
        const root = copy();
        const { code, stdout } = await runCorpusCli({ project, root, args: [...orm.command(root), '--plan', drop, '--dry-run', '--json'] });
        expect(code).toBe(1);
        expect((JSON.parse(stdout) as { error: { code: string } }).error.code).toBe(gap?.refusedWith ?? 'DATA_LOSS_NOT_ALLOWED');
      },
      600_000,
    );
  }
});
