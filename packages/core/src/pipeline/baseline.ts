import { CHANGE_PLAN_VERSION, type ChangePlan } from '../change-plan.js';
import { OrmAiError } from '../errors.js';
import type { OrmPlugin } from '../orm-plugin.js';
import type { RoundTripProof } from '../rollback/prove-round-trip.js';
import { shadowServerFrom } from '../dialect/postgres/shadow/server-databases.js';
import type { GenerateOptions, GenerateOutcome, GenerateStage } from './generate.js';
import { composeStatements } from './compose-migration.js';
import { migrationNameFor } from './migration-name.js';
import { proveOnShadow } from './prove-migration.js';
import { readProject } from './read-project.js';

type Timed = <T>(stage: GenerateStage, work: () => Promise<T>) => Promise<T>;

/** What a baseline is, for the report: it records a schema that already exists. */
function baselinePlan(plugin: OrmPlugin): ChangePlan {
  return {
    version: CHANGE_PLAN_VERSION,
    request: 'baseline',
    summary:
      `The initial migration of the current schema, written by ${plugin.displayName}'s own tool. ` +
      `The database this schema came from already has these tables: record the migration there as applied with ${plugin.displayName}'s migration tool instead of running it.`,
    changes: [],
    migrationSteps: [],
  };
}

/** A baseline has no down: the database before it is empty, and production never runs it. */
const NO_DOWN: RoundTripProof = {
  reversible: false,
  reason: 'a baseline has no down: it creates the schema from nothing, and the databases that already hold the schema record it as applied instead of running it',
  schemaDifferences: [],
  dataLoss: [],
  notRestored: [],
  failure: null,
  seeded: [],
};

/**
 * `--baseline`: the first migration of a project whose schema no migration made yet (a
 * TypeORM project on `synchronize`, a Drizzle or Prisma project on `push`), written by the
 * ORM's own tool from its source, offline, and proved on an empty shadow, so later runs have
 * a history to build their shadow from. Refused once the project has migrations.
 */
export async function generateBaseline(options: GenerateOptions, timed: Timed): Promise<Omit<GenerateOutcome, 'timings'>> {
  const { project, dialect, model, scripts } = await timed('read-schema', () => readProject(options));
  if (scripts.length > 0) {
    throw new OrmAiError('USAGE', `--baseline writes a project's first migration, and this project has ${scripts.length} already (the first: ${scripts[0]!.id}).`, {
      hint: 'Run without --baseline: the shadow is built from the existing migrations.',
    });
  }
  if (model.tables.length === 0) {
    throw new OrmAiError('USAGE', '--baseline has nothing to record: the schema declares no tables.', { hint: 'Run without --baseline to make the first change.' });
  }
  const plan = baselinePlan(options.plugin);
  const transaction = options.plugin.capabilities.migrationTransaction;
  const migration = await timed('orm-generate', () =>
    project.generateMigration({ plan, edits: [], name: migrationNameFor({ name: options.name ?? 'baseline', plan }), shadowServer: shadowServerFrom(options), baseline: true }),
  );
  const statements = await composeStatements(plan, migration);
  const shadow = await timed('shadow', () => dialect.openShadow({ server: shadowServerFrom(options), sql: statements }));
  try {
    await timed('shadow', () => proveOnShadow({ dialect, prepared: shadow, migrationId: migration.id, statements, transaction }));
    const analysis = await timed('safety', async () =>
      dialect.analyzeMigration({
        dialect,
        prepared: shadow,
        path: migration.id,
        sql: statements.join('\n'),
        transaction,
        fixes: options.plugin.capabilities.safetyFixes,
        target: { flag: options.pgVersion, server: options.shadowUrl !== undefined, projectRoot: project.root },
      }),
    );
    return {
      plan,
      migrationId: migration.id,
      files: migration.filesFor({ up: statements, down: [] }),
      upStatements: statements,
      downStatements: [],
      rollback: NO_DOWN,
      findings: [...migration.findings, ...analysis.statements.flatMap((statement) => statement.findings)],
      analysis,
      shadow: shadow.description,
      usage: { calls: 0, promptTokens: 0, completionTokens: 0, model: null },
    };
  } finally {
    await shadow.close();
  }
}
