import { existsSync } from 'node:fs';
import { loadSqlParser, OrmAiError, renamesUndone, type ChangePlan, type ConfiguredDatabase, type FileChange, type GeneratedMigration, type OrmPlugin, type OrmProject, type SchemaModel } from '@orm-ai/core';
import { applyPlanToPrismaSource } from './apply-plan.js';
import { listNotNullStatements } from './list-not-null.js';
import { assertLockedToPostgres, migrationFiles, migrationScripts, readPrismaMigrations, type PrismaMigrationsFolder } from './prisma-migrations.js';
import { findPrismaProjectFiles, type PrismaProjectFiles } from './prisma-project-files.js';
import { renameStatements } from './rename-statements.js';
import { readPrismaDatabase, readPrismaSchema, type PrismaSchema } from './read-schema.js';
import { openPrismaSchemaEngine, type PrismaMigrationSource, type PrismaSchemaEngine, type PrismaSchemaFile } from './schema-engine/prisma-schema-engine.js';
import { PRISMA_SAFETY_FIXES } from './safety-fixes.js';
import { assertSupportedPrisma } from './schema-engine/choose-engine.js';
import { projectSchemaTools, type PrismaSchemaTools } from './schema-tools.js';

/**
 * Prisma behind core's plugin interface: finds the schema as the Prisma CLI does, reads it
 * through the DMMF, edits `schema.prisma` keeping the user's formatting, and lets Prisma's
 * schema engine (WebAssembly: nothing to download) write the migration.
 */
export const prismaPlugin: OrmPlugin = {
  displayName: 'Prisma',
  capabilities: {
    // The schema engine sends each migration.sql as one script: an implicit transaction when it
    // holds several statements, none for one (a lone CREATE INDEX CONCURRENTLY runs, as Prisma's docs advise).
    migrationTransaction: 'script',
    migrationOutsideTransaction: true,
    promptNotes: [
      'Table and column names are the database names (@@map / @map); the tool picks the model and field names.',
      'Partial indexes (where) need the partialIndexes preview feature in the generator block; without it leave where null.',
      'Prisma list fields (text[]) have no NOT NULL form; a new list column planned with nullable false gets SET NOT NULL added to the migration.',
      'A relation needs a foreign key: add_foreign_key creates the relation fields on both models.',
    ],
    safetyFixes: PRISMA_SAFETY_FIXES,
  },
  async openProject(options) {
    const files = await findPrismaProjectFiles({ cwd: options.cwd, schemaPath: options.configPath });
    assertSupportedPrisma(files.root);
    return new PrismaProject(files);
  },
};

class PrismaProject implements OrmProject {
  #schema: Promise<PrismaSchema> | undefined;
  readonly #tools: PrismaSchemaTools;
  #folder: Promise<PrismaMigrationsFolder> | undefined;

  constructor(private readonly files: PrismaProjectFiles) {
    this.#tools = projectSchemaTools(files.root);
  }

  get root(): string {
    return this.files.root;
  }

  get migrationsFolder() {
    return { path: this.files.migrationsDir, exists: existsSync(this.files.migrationsDir) };
  }

  readDatabase(): Promise<ConfiguredDatabase> {
    return readPrismaDatabase({ files: this.files.schemaFiles, tools: this.#tools });
  }

  async readSchema(): Promise<SchemaModel> {
    return (await this.#source()).model;
  }

  async readMigrations() {
    return migrationScripts(await this.#migrationsFolder());
  }

  async applyPlan(plan: ChangePlan): Promise<FileChange[]> {
    const edits = await applyPlanToPrismaSource({ schema: await this.#source(), files: [...this.files.schemaFiles], plan, tools: this.#tools });
    return edits.map((edit) => ({ ...edit, role: 'source' as const }));
  }

  async generateMigration(input: Parameters<OrmProject['generateMigration']>[0]): Promise<GeneratedMigration> {
    const folder = await this.#migrationsFolder();
    assertLockedToPostgres(folder);
    const edited = this.files.schemaFiles.map((file) => ({ path: file.path, content: input.edits.find((edit) => edit.path === file.path)?.after ?? file.content }));
    const engine = await openPrismaSchemaEngine({ schema: edited, shadowServer: input.shadowServer, projectRoot: this.files.root, sql: folder.migrations.map((migration) => migration.sql) });
    try {
      if (!input.baseline) await assertInSync(engine, folder, this.files.schemaFiles);
      // Prisma's engine turns a rename into DROP + ADD. Hand-editing the migration is Prisma's
      // own remedy: the renames run first, and the engine diffs from the renamed state.
      const renames = renameStatements(input.plan.changes);
      const renamed = renames.length > 0 ? [...folder.migrations, { directoryName: '99999999999999_orm_ai_renames', sql: renames.join('\n') }] : [...folder.migrations];
      const created = await engine.createMigration({ migrations: renamed, schema: edited, name: input.name });
      const listNotNull = listNotNullStatements(input.plan, (await this.#source()).model);
      const parts = [
        ...(renames.length > 0 ? [`-- Rename (planned: keeps the data)\n${renames.join('\n')}`] : []),
        ...(created.sql ? [created.sql] : []),
        ...(listNotNull.length > 0 ? [`-- NOT NULL list columns (planned: Prisma's schema cannot declare them)\n${listNotNull.join('\n')}`] : []),
      ];
      if (parts.length === 0) {
        throw new OrmAiError('MIGRATION_GENERATE_FAILED', "Prisma's schema engine found no change to migrate for this plan", { hint: 'The plan changes nothing Prisma stores in the database.' });
      }
      const loss = await engine.evaluateDataLoss({ migrations: renamed, schema: edited });
      const warnings = [...created.warnings, ...[...loss.warnings, ...loss.unexecutable].map((warning) => warning.message)];
      const directoryName = created.directoryName;
      // filesFor cannot await: it counts the statements of the migrations --safe splits off.
      await loadSqlParser();
      return {
        id: directoryName,
        statements: parts,
        downStatements: await downStatements({ engine, edited, renamed, plan: input.plan }),
        findings: [...new Set(warnings)].map((message) => ({
          rule: 'prisma/data-loss',
          severity: 'warning' as const,
          message,
          fix: 'If the data must stay, plan a rename or a copy instead of a drop; else say so in the request.',
        })),
        filesFor: (migration) => migrationFiles({ folder, directoryName, migration }),
      };
    } finally {
      await engine.dispose();
    }
  }

  #source(): Promise<PrismaSchema> {
    this.#schema ??= readPrismaSchema({ files: [...this.files.schemaFiles], tools: this.#tools });
    return this.#schema;
  }

  #migrationsFolder(): Promise<PrismaMigrationsFolder> {
    this.#folder ??= readPrismaMigrations(this.files.migrationsDir);
    return this.#folder;
  }
}

/** Prisma's empty diff: a script that changes nothing. */
const EMPTY_MIGRATION = '-- This is an empty migration.';

/**
 * The down, mirroring the up: Prisma's documented recipe (`migrate diff --from-schema <edited>
 * --to-migrations <dir>`, made before the new migration exists) back to the renamed state,
 * so the engine sees no renamed column to drop and add; then the renames undone, last
 * because the up ran them first.
 */
async function downStatements(options: { engine: PrismaSchemaEngine; edited: readonly PrismaSchemaFile[]; renamed: readonly PrismaMigrationSource[]; plan: ChangePlan }): Promise<string[]> {
  const script = await options.engine.diffToMigrations({ from: options.edited, migrations: options.renamed });
  const renamesBack = renameStatements(renamesUndone(options.plan));
  return [
    ...(script.trim() === '' || script.trim() === EMPTY_MIGRATION ? [] : [script]),
    ...(renamesBack.length > 0 ? [`-- Undo the planned renames\n${renamesBack.join('\n')}`] : []),
  ];
}

/** The schema must match the migrations, or the new migration would carry unreviewed changes. */
async function assertInSync(engine: PrismaSchemaEngine, folder: PrismaMigrationsFolder, schema: PrismaProjectFiles['schemaFiles']): Promise<void> {
  const pending = await engine.createMigration({ migrations: [...folder.migrations], schema: [...schema], name: 'pending' });
  if (pending.sql) {
    // Drops mean the migrations made something schema.prisma does not declare (an index
    // written by hand in a migration, say): the fix is in the schema, not a new migration.
    const drops = [...pending.sql.matchAll(/^(DROP \w+ .*|ALTER TABLE .* DROP (COLUMN|CONSTRAINT) .*)$/gm)].map((match) => match[0]);
    const hint =
      drops.length > 0
        ? `Declare in schema.prisma what the migrations create and it lacks (${drops.length} object(s) your own prisma migrate dev would drop), or remove them in a migration, so the new migration holds only the change you asked for.`
        : 'Run prisma migrate dev for them first (or revert them), so the new migration holds only the change you asked for.';
    throw new OrmAiError('SCHEMA_OUT_OF_SYNC', `schema.prisma and the migrations differ: before the change you asked for, prisma migrate dev would write:\n${pending.sql}`, { hint });
  }
}
