import { existsSync } from 'node:fs';
import { OrmAiError, renamesUndone, type ConfiguredDatabase, type FileChange, type GeneratedMigration, type OrmPlugin, type OrmProject, type SchemaModel, type SourceTypecheck } from '@orm-ai/core';
import { openSourceTypecheck, refuseUnparsableSources } from '@orm-ai/core/typescript';
import { applyPlanToDrizzleSource } from './apply-plan.js';
import { loadDrizzleConfig, type DrizzleConfig } from './drizzle-config.js';
import { loadDrizzleKit, snapshotOfSource, type DrizzleKitApi, type DrizzleSnapshot } from './drizzle-kit-api.js';
import { migrationFiles, nextTag, readMigrationScripts, readMigrationsFolder, refuseMisplacedOut, type DrizzleMigrationsFolder } from './drizzle-journal.js';
import { assertSupportedVersions, configFormFor } from './installed-version.js';
import { readDrizzleSchema } from './read-schema.js';
import { drizzleCoreFor } from './drizzle-core.js';
import { modelFromSnapshot, withSourceComments, type SnapshotModel } from './snapshot-model.js';
import { diffSnapshots, pendingChanges } from './snapshot-diff.js';
import { DRIZZLE_SAFETY_FIXES } from './safety-fixes.js';

/**
 * Drizzle behind core's plugin interface: reads `drizzle.config.ts` like drizzle-kit,
 * reads and edits the TypeScript schema with ts-morph, and lets drizzle-kit's own differ
 * write the migration, journal and snapshot.
 */
export const drizzlePlugin: OrmPlugin = {
  displayName: 'Drizzle',
  capabilities: {
    // pg-core and sqlite-core (drizzle-kit's `sqlite`, `turso` and `d1-http` dialects).
    dialects: ['postgresql', 'sqlite'],
    // drizzle-orm's migrator runs every pending migration inside one transaction, on SQLite too.
    migrationTransaction: 'all',
    migrationOutsideTransaction: false,
    promptNotes: [
      'Column names are the database names; the tool picks the TypeScript property names.',
      'Single-column foreign keys with a null name become .references() on the column; drizzle-kit names them <table>_<column>_<refTable>_<refColumn>_fk.',
    ],
    safetyFixes: DRIZZLE_SAFETY_FIXES,
  },
  async openProject(options) {
    const config = await loadDrizzleConfig(options);
    assertSupportedVersions(config.root);
    // A config error, found by listing folders: before the schema is loaded, not after.
    await refuseMisplacedOut(config);
    return new DrizzleProject(config);
  },
};

class DrizzleProject implements OrmProject {
  #view: SnapshotModel | undefined;
  #unedited: Promise<DrizzleSnapshot> | undefined;
  #folder: DrizzleMigrationsFolder | undefined;

  constructor(private readonly config: DrizzleConfig) {}

  get root(): string {
    return this.config.root;
  }

  async readDatabase(): Promise<ConfiguredDatabase> {
    return this.config.database;
  }

  get migrationsFolder() {
    return { path: this.config.outDir, exists: existsSync(this.config.outDir) };
  }

  /** drizzle-kit's own view of the schema, with the source's comments for the prompt. */
  async readSchema(): Promise<SchemaModel> {
    // Before drizzle-kit loads the files: its loader and the static reader would each report a
    // syntax error as something else, at another line.
    refuseUnparsableSources({ projectRoot: this.config.root, files: this.config.sourceFiles });
    const view = await this.#drizzleKitView();
    try {
      return withSourceComments(view.model, this.#readSource(view.model).model);
    } catch (error) {
      // A file the locator cannot walk (say, columns built by a callback) loses only its comments
      // here; the editor reports the same error if a plan needs that file.
      if (error instanceof OrmAiError && error.code === 'SCHEMA_READ_FAILED') return view.model;
      throw error;
    }
  }

  async readMigrations() {
    return readMigrationScripts(this.config, await this.#migrationsFolder());
  }

  async applyPlan(plan: Parameters<OrmProject['applyPlan']>[0]): Promise<FileChange[]> {
    // A fresh read each time: a rejected plan's edits must not leak into the next attempt.
    const fallback = (await this.#drizzleKitView()).model;
    const edits = applyPlanToDrizzleSource({ schema: this.#readSource(fallback), plan, fallback });
    return edits.map((edit) => ({ ...edit, role: 'source' as const }));
  }

  openTypecheck(): SourceTypecheck {
    return openSourceTypecheck({ projectRoot: this.config.root, sourceFiles: this.config.sourceFiles });
  }

  async generateMigration(input: Parameters<OrmProject['generateMigration']>[0]): Promise<GeneratedMigration> {
    const folder = await this.#migrationsFolder();
    const api = await loadDrizzleKit(this.config.root, this.config.database.dialect);
    const overrides = new Map(input.edits.map((edit) => [edit.path, edit.after]));
    const prev = (folder.latestSnapshot as DrizzleSnapshot | null) ?? (await emptySnapshot(api));
    // A baseline records the whole schema: every difference from nothing belongs in it.
    if (!input.baseline) await this.#assertInSync(api, prev);
    const cur = await snapshotOfSource({ api, config: this.config, overrides, prevId: prev.id });
    const diff = await diffSnapshots({ api, prev, cur, plan: input.plan });
    if (diff.statements.length === 0) {
      throw new OrmAiError('MIGRATION_GENERATE_FAILED', 'drizzle-kit found no schema change to migrate for this plan', {
        hint: 'The plan changes nothing drizzle-kit stores in the database.',
      });
    }
    // The down is drizzle-kit's differ run the other way, from the edited schema back to the latest snapshot.
    const down = await diffSnapshots({ api, prev: cur, cur: prev, plan: { ...input.plan, changes: renamesUndone(input.plan) } });
    const now = new Date();
    const tag = nextTag({ config: this.config, folder, name: input.name, now });
    const snapshot = { ...cur, _meta: diff.meta };
    return {
      id: tag,
      statements: diff.statements,
      downStatements: down.statements,
      // drizzle-kit warns only on its terminal; the safety analysis speaks for it.
      findings: [],
      filesFor: (migration) => migrationFiles({ config: this.config, folder, name: input.name, snapshot, migration, now }),
    };
  }

  /** The schema source must match the latest migration, or the new one would carry unreviewed changes. */
  async #assertInSync(api: DrizzleKitApi, prev: DrizzleSnapshot): Promise<void> {
    // drizzle-kit's prevId only names the parent snapshot: the unedited source's snapshot serves with it set.
    const current = { ...structuredClone(await this.#uneditedSnapshot(api)), prevId: prev.id };
    const pending = await pendingChanges({ api, prev, current });
    if (pending.length > 0) {
      throw new OrmAiError('SCHEMA_OUT_OF_SYNC', `the schema source has changes no migration holds yet:\n${pending.map((statement) => `  ${statement}`).join('\n')}`, {
        hint: 'Run drizzle-kit generate for them first (or revert them), so the new migration holds only the change you asked for.',
      });
    }
  }

  /** The schema module loaded as drizzle-kit loads it and serialized by the project's drizzle-kit. */
  async #drizzleKitView(): Promise<SnapshotModel> {
    if (this.#view === undefined) {
      const api = await loadDrizzleKit(this.config.root, this.config.database.dialect);
      this.#view = modelFromSnapshot(await this.#uneditedSnapshot(api));
    }
    return this.#view;
  }

  /**
   * drizzle-kit's snapshot of the unedited source, made once per run: the view and the
   * in-sync check read the same files, and loading them costs about a second at 1,000 tables
   * (and a module instance the ESM loader never frees).
   */
  #uneditedSnapshot(api: DrizzleKitApi): Promise<DrizzleSnapshot> {
    this.#unedited ??= snapshotOfSource({ api, config: this.config, overrides: new Map(), prevId: undefined });
    return this.#unedited;
  }

  /** Where each declaration is (for the editor), and what the source alone says (comments). */
  #readSource(fallback: SchemaModel) {
    return readDrizzleSchema({
      files: this.config.sourceFiles,
      casing: this.config.casing,
      fallback,
      configForm: configFormFor(this.config.root),
      core: drizzleCoreFor(this.config.database.dialect),
    });
  }

  async #migrationsFolder(): Promise<DrizzleMigrationsFolder> {
    this.#folder ??= await readMigrationsFolder(this.config);
    return this.#folder;
  }
}

/** The state before a project's first migration, as drizzle-kit starts from it. */
async function emptySnapshot(api: DrizzleKitApi): Promise<DrizzleSnapshot> {
  return { ...(await api.generateDrizzleJson({})), id: ORIGIN_ID, prevId: ORIGIN_ID };
}

/** drizzle-kit's id for "no previous snapshot". */
const ORIGIN_ID = '00000000-0000-0000-0000-000000000000';
