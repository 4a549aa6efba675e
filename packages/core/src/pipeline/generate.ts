import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChangePlan } from '../change-plan.js';
import type { Finding } from '../finding.js';
import { OrmAiError, type OrmAiErrorCode } from '../errors.js';
import { ChatPlanner, type LlmUsage } from '../llm/chat-planner.js';
import { resolveLlmSettings, type LlmSettings } from '../llm/llm-settings.js';
import type { FileChange, FollowingMigration, OrmCapabilities, OrmPlugin, OrmProject } from '../orm-plugin.js';
import type { SafeMigrations } from '../safety/rewrite-safely.js';
import { safeMigrationsFor } from './safe-migrations.js';
import type { SchemaModel } from '../schema-model.js';
import type { MigrationAnalysis, ProductionRows } from '../safety/analyze-migration.js';
import { shadowCacheDir } from '../dialect/postgres/shadow/prepared-shadow-cache.js';
import { requireServerReachable, shadowServerFrom } from '../dialect/postgres/shadow/server-databases.js';
import type { ShadowDatabase } from '../shadow/shadow-database.js';
import { generateBaseline } from './baseline.js';
import { migrationNameFor } from './migration-name.js';
import { refuseSchemaWithoutMigrations } from './no-migrations.js';
import { startRunTypecheck, type RunTypecheck } from './check-edits.js';
import { readProject } from './read-project.js';
import type { Dialect } from '../dialect/dialect.js';
import { planFromModel, readPlanFile, validatePlanFile, type PlanSource } from './plan-source.js';
import { composeDownStatements, composeStatements } from './compose-migration.js';
import { proveOnShadow } from './prove-migration.js';
import { refuseDataLossSteps } from '../rollback/data-loss-steps.js';
import { dataLossFindings, describeDataChange, proveRoundTrip, reasonInCounts, type RoundTripProof } from '../rollback/prove-round-trip.js';
import { knownNames, redactDatabaseText, textForModel, withTextForModel, type KnownNames } from '../llm/model-facing.js';

export interface GenerateOptions {
  readonly plugin: OrmPlugin;
  readonly cwd: string;
  readonly configPath?: string | undefined;
  /** The request in words; optional with `planFile`, where the plan's own request is used. */
  readonly request?: string | undefined;
  readonly planFile?: string | undefined;
  /** Write the first migration of the current schema instead of a change (`--baseline`). */
  readonly baseline?: boolean | undefined;
  readonly shadowUrl?: string | undefined;
  /** Run the shadow's SQL as the `--shadow-url` user instead of a throwaway role (`--unconfined-shadow`). */
  readonly unconfinedShadow?: boolean | undefined;
  readonly model?: string | undefined;
  readonly name?: string | undefined;
  /** `--safe`: rewrite what the safety analysis flags into safe forms, split into migrations that follow (`rewriteSafely`). */
  readonly safe?: boolean | undefined;
  /** Write even when the safety analysis reports errors. */
  readonly allowUnsafe?: boolean | undefined;
  /** Allow steps that destroy data (the request must ask for them too) and measured data loss. */
  readonly allowDataLoss?: boolean | undefined;
  /** Write even when the down migration does not restore the schema and the data. */
  readonly allowIrreversible?: boolean | undefined;
  /** Production row counts, for duration estimates. */
  readonly productionRows?: ProductionRows | undefined;
  /** The PostgreSQL major version to judge for (`--pg-version`); default: see `resolvePostgresVersions`. */
  readonly pgVersion?: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Counts model calls and tokens as they happen, so a failed run still reports them. */
  readonly usage?: LlmUsage | undefined;
  /** Told each stage as it starts, for a progress line. */
  readonly onStage?: ((stage: GenerateStage) => void) | undefined;
}

/** The pipeline's stages in the order they run; `--json` reports each one's time. */
export const GENERATE_STAGES = ['read-schema', 'plan', 'apply-plan', 'orm-generate', 'shadow', 'safety', 'rollback'] as const;

export type GenerateStage = (typeof GENERATE_STAGES)[number];

/** Everything a run produced: the confirm screen, `--json` and the writer read this. */
export interface GenerateOutcome {
  readonly plan: ChangePlan;
  readonly migrationId: string;
  /** Schema source edits, then the ORM's migration files. Nothing is on disk yet. */
  readonly files: readonly FileChange[];
  readonly upStatements: readonly string[];
  /** The down migration, in the order it runs: step inverses around the ORM's own down. */
  readonly downStatements: readonly string[];
  /** With `--safe`: the migrations that follow this one, and which safe forms were used or could not be. */
  readonly safe?: SafeOutcome | undefined;
  /** The round trip up, down, up on seeded rows: whether down restores the schema and the data. */
  readonly rollback: RoundTripProof;
  /** The ORM tool's own warnings, the safety analysis' findings, then measured data loss. */
  readonly findings: readonly Finding[];
  /** The safety analysis of the new migration, statement by statement. */
  readonly analysis: MigrationAnalysis;
  readonly shadow: string;
  readonly usage: LlmUsage & { model: string | null };
  /** Wall time per stage in milliseconds (the benchmark reads these). */
  readonly timings: Readonly<Record<GenerateStage, number>>;
}

/**
 * The generate pipeline: read the schema from the ORM's source, get a plan (file or model),
 * apply it to the source, let the ORM's tool write the migration, and prove it on a shadow
 * database holding every existing migration. A plan the shadow rejects goes back to the
 * model with the database's error, within the repair budget. Writes nothing.
 */
export async function generateMigration(options: GenerateOptions): Promise<GenerateOutcome> {
  const timings: Record<GenerateStage, number> = { 'read-schema': 0, plan: 0, 'apply-plan': 0, 'orm-generate': 0, shadow: 0, safety: 0, rollback: 0 };
  const timed = async <T>(stage: GenerateStage, work: () => Promise<T>): Promise<T> => {
    options.onStage?.(stage);
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] += performance.now() - started;
    }
  };

  if (options.baseline) return { ...(await generateBaseline(options, timed)), timings };
  let typecheck: RunTypecheck | undefined;
  try {
    return await planAndProve({ options, timed, timings, startTypecheck: (project) => (typecheck = startRunTypecheck(project)) });
  } finally {
    await typecheck?.close();
  }
}

interface PlanAndProveOptions {
  readonly options: GenerateOptions;
  readonly timed: Timed;
  readonly timings: Record<GenerateStage, number>;
  /** Told the project as soon as it is open; the caller closes what it starts. */
  readonly startTypecheck: (project: OrmProject) => RunTypecheck;
}

/** `generateMigration` past the baseline. */
async function planAndProve({ options, timed, timings, startTypecheck }: PlanAndProveOptions): Promise<GenerateOutcome> {
  // What fails in milliseconds fails before anything takes seconds.
  const planInput = await planInputFor(options);
  const shadowServer = shadowServerFrom(options);
  if (shadowServer) await requireServerReachable(shadowServer);
  // A plan file is checked against the schema as soon as it is read, before the migrations
  // are listed and anything slow starts: a misspelled table fails in milliseconds.
  let filePlan: ChangePlan | null = null;
  const checkPlanFile = async (model: SchemaModel) => {
    if ('file' in planInput) filePlan = await validatePlanFile({ path: planInput.file, plan: planInput.plan, model, request: options.request });
  };
  // The type check of the unedited sources (seconds, on a worker) runs while the schema is read.
  let typecheck: RunTypecheck | undefined;
  const { project, dialect, model, scripts } = await timed('read-schema', async () => {
    const read = await readProject({ ...options, checkSchema: checkPlanFile, onOpen: (opened) => (typecheck = startTypecheck(opened)) });
    refuseSchemaWithoutMigrations({ ...read, ormName: options.plugin.displayName, cwd: options.cwd });
    return read;
  });
  // An extension the embedded shadow cannot create stops the run before the model is asked,
  // and before the ORM's own tool meets it in the migrations.
  if (!shadowServer) await dialect.requireEmbeddedShadowRuns(scripts.map((script) => script.sql));
  // PGlite takes seconds to start: prepare the shadow while the model thinks.
  const preparing = watched(
    dialect.openPreparedShadow({
      server: shadowServer,
      scripts,
      transaction: options.plugin.capabilities.migrationTransaction,
      cacheDir: shadowCacheDir({ root: project.root, env: options.env }),
    }),
  );
  let prepared: ShadowDatabase | undefined;
  try {
    const { source, planner } = planSourceFor(options, model, planInput, filePlan);
    const checked = typecheck!;
    // A type error the user's file has as it is fails the run before any model call or edit.
    let plan = await timed('plan', async () => {
      await checked.requireCleanSources();
      return source.next();
    });
    for (;;) {
      // The history failing on the shadow is known before the plan is applied whenever the
      // shadow is already done: reported then, not after the edit and the ORM's generate.
      preparing.throwIfFailed();
      // Before anything of the plan runs: data may only be destroyed when the user says so.
      await refuseDataLossSteps({ plan, model, allowDataLoss: options.allowDataLoss ?? false });
      const candidate = await tryPlan({ options, project, dialect, model, plan, timed, typecheck: checked, shadow: async () => (prepared ??= await preparing.promise), throwIfShadowFailed: () => preparing.throwIfFailed() });
      if (candidate.ok) {
        return { ...candidate.outcome, plan, shadow: prepared!.description, usage: usageOf(planner), timings };
      }
      // A failed history is never the model's to repair, whatever the plan's own failure was.
      preparing.throwIfFailed();
      if (!planner) throw candidate.error;
      // The model gets no value measured on the shadow: counts, and database text redacted.
      plan = await timed('plan', () => source.next(textForModel(candidate.error, knownNames({ model, plan }))));
    }
  } finally {
    await (prepared ?? (await preparing.promise.catch(() => undefined)))?.close();
  }
}

/** A promise whose failure can be asked about without waiting for it. */
interface Watched<T> {
  readonly promise: Promise<T>;
  /** Throws the promise's error if it has already failed; returns at once otherwise. */
  throwIfFailed(): void;
}

function watched<T>(promise: Promise<T>): Watched<T> {
  let failure: { error: unknown } | undefined;
  promise.catch((error: unknown) => {
    failure = { error };
  });
  return {
    promise,
    throwIfFailed() {
      if (failure) throw failure.error;
    },
  };
}

type Timed = <T>(stage: GenerateStage, work: () => Promise<T>) => Promise<T>;

interface TryPlanOptions {
  readonly options: GenerateOptions;
  readonly project: OrmProject;
  readonly dialect: Dialect;
  readonly model: SchemaModel;
  readonly plan: ChangePlan;
  readonly timed: Timed;
  readonly typecheck: RunTypecheck;
  readonly shadow: () => Promise<ShadowDatabase>;
  /** Throws the prepared shadow's failure (the history's) if it has already failed. */
  readonly throwIfShadowFailed: () => void;
}

type TryPlanResult =
  | { ok: true; outcome: Pick<GenerateOutcome, 'migrationId' | 'files' | 'upStatements' | 'downStatements' | 'safe' | 'rollback' | 'findings' | 'analysis'> }
  | { ok: false; error: OrmAiError };

/** Failures a corrected plan can fix go back to the model; anything else ends the run. */
const REPAIRABLE: ReadonlySet<OrmAiErrorCode> = new Set<OrmAiErrorCode>([
  'PLAN_APPLY_FAILED',
  'SOURCE_TYPECHECK_FAILED',
  'MIGRATION_AMBIGUOUS',
  'SHADOW_REJECTED_MIGRATION',
  'MIGRATION_UNSAFE',
  'MIGRATION_LOSES_DATA',
  'MIGRATION_IRREVERSIBLE',
]);

/** Runs `work`; a failure a corrected plan can fix comes back as a value, told in words a model may read. */
async function repairable<T>(known: KnownNames, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: OrmAiError }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof OrmAiError && REPAIRABLE.has(error.code)) return { ok: false, error: withTextForModel(error, known) };
    throw error;
  }
}

async function tryPlan(options: TryPlanOptions): Promise<TryPlanResult> {
  const known = knownNames({ model: options.model, plan: options.plan });
  const applied = await repairable(known, () => options.timed('apply-plan', () => options.project.applyPlan(options.plan)));
  if (!applied.ok) return applied;
  // The type check of the edited source (seconds) runs beside generating and proving the
  // migration. Its failure wins over whatever followed from the badly typed source.
  const checking = options.typecheck.checkEdits(applied.value);
  const outcome = await tryEdits(options, known, applied.value).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const failedCheck = await checking;
  if (failedCheck) {
    // An error the user's file had before the edit is theirs: no model call can fix it.
    if (!REPAIRABLE.has(failedCheck.code)) throw failedCheck;
    return { ok: false, error: withTextForModel(failedCheck, known) };
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.result;
}

/** `known`: what a failure may tell a model, names from the schema and the plan; the migration's SQL joins them once written. */
async function tryEdits({ options, project, dialect, model, plan, timed, shadow, throwIfShadowFailed }: TryPlanOptions, knownBefore: KnownNames, edits: FileChange[]): Promise<TryPlanResult> {
  let known = knownBefore;
  // The ORM's generate takes seconds; a history that failed meanwhile makes it pointless.
  throwIfShadowFailed();
  const generated = await repairable(known, async () => {
    const name = migrationNameFor({ name: options.name, plan });
    const migration = await timed('orm-generate', () => project.generateMigration({ plan, edits, name, shadowServer: shadowServerFrom(options) }));
    return { migration, statements: await composeStatements(plan, migration), downStatements: await composeDownStatements(plan, migration) };
  });
  if (!generated.ok) return generated;
  const { migration } = generated.value;
  known = knownNames({ model, plan, sql: [...generated.value.statements, ...generated.value.downStatements] });
  // Outside `repairable`: existing migrations failing on the shadow is not the plan's fault.
  const prepared = await timed('shadow', shadow);
  const { capabilities } = options.plugin;
  const rewritten = await repairable(known, async () =>
    options.safe
      ? await timed('safety', () =>
          safeMigrationsFor({ dialect, prepared, migrationId: migration.id, up: generated.value.statements, down: generated.value.downStatements, capabilities, ormName: options.plugin.displayName }),
        )
      : null,
  );
  if (!rewritten.ok) return rewritten;
  const safe = rewritten.value;
  const statements = safe ? safe.up : generated.value.statements;
  const downStatements = safe ? safe.down : generated.value.downStatements;
  const following = safe?.following ?? [];
  if (safe) known = knownNames({ model, plan, sql: [...statements, ...downStatements, ...following.flatMap((next) => [...next.up, ...next.down])] });
  // A safe form that rewrote anything was already applied, as the migrator will, by the end-state proof.
  if (!safe || safe.rewritten.length === 0) {
    const proven = await repairable(known, () =>
      timed('shadow', () => proveOnShadow({ dialect, prepared, migrationId: migration.id, statements, following, transaction: capabilities.migrationTransaction })),
    );
    if (!proven.ok) return proven;
  }
  const analysis = await timed('safety', async () =>
    dialect.analyzeMigration({
      dialect,
      prepared,
      path: migration.id,
      sql: statements.join('\n'),
      transaction: capabilities.migrationTransaction,
      fixes: capabilities.safetyFixes,
      productionRows: options.productionRows,
      following: following.map((next) => ({ id: `${migration.id}_${next.suffix}`, sql: next.up.join('\n') })),
      target: { flag: options.pgVersion, server: options.shadowUrl !== undefined, projectRoot: project.root },
    }),
  );
  const judged = await repairable(known, async () => (options.allowUnsafe ? undefined : refuseUnsafe(analysis, known)));
  if (!judged.ok) return judged;
  const rollback = await timed('rollback', () =>
    proveRoundTrip({ dialect, prepared, migrationId: migration.id, up: statements, down: downStatements, following, transaction: capabilities.migrationTransaction }),
  );
  const kept = await repairable(known, async () => refuseLostData(rollback, options, known));
  if (!kept.ok) return kept;
  const files = [...edits, ...migration.filesFor({ up: statements, down: downStatements, ...(following.length > 0 ? { following } : {}) })];
  const findings = [...migration.findings, ...analysis.statements.flatMap((statement) => statement.findings), ...dataLossFindings(rollback)];
  const safeOutcome = safe ? safeOutcomeOf(safe, migration.id, capabilities, options.plugin.displayName) : undefined;
  return { ok: true, outcome: { migrationId: migration.id, files, upStatements: statements, downStatements, safe: safeOutcome, rollback, findings, analysis } };
}

/** What `--safe` did, for the report. */
export interface SafeOutcome {
  /** The migrations that follow the ORM's, with their ids as written (`<id>_<suffix>`). */
  readonly following: ReadonlyArray<FollowingMigration & { readonly id: string }>;
  readonly rewritten: SafeMigrations['rewritten'];
  readonly kept: SafeMigrations['kept'];
  /**
   * Where the migrator applies every pending migration in one transaction, the first one's
   * locks are held until the last commits: the split helps only when each is deployed on its own.
   */
  readonly deployOneAtATime: string | null;
}

function safeOutcomeOf(safe: SafeMigrations, migrationId: string, capabilities: OrmCapabilities, ormName: string): SafeOutcome {
  const following = safe.following.map((next) => ({ ...next, id: `${migrationId}_${next.suffix}` }));
  const together = capabilities.migrationTransaction === 'all' && following.length > 0;
  return {
    following,
    rewritten: safe.rewritten,
    kept: safe.kept,
    deployOneAtATime: together
      ? `${ormName}'s migrator applies every pending migration in one transaction, where the first one's locks are held until the last one commits: apply these ${following.length + 1} migrations one deploy at a time (run the migrator after each), or the safe forms do not help.`
      : null,
  };
}

/**
 * Data the migration measurably loses stops the run unless `--allow-data-loss`; a down that
 * does not give back the schema and every value stops it unless `--allow-irreversible`.
 * Dropping a column needs both: it loses the values, and its down cannot bring them back.
 */
function refuseLostData(proof: RoundTripProof, options: GenerateOptions, known: KnownNames): void {
  const lossLines = (examples: boolean) => proof.dataLoss.map((change) => `  ${describeDataChange(change, { examples })}`).join('\n');
  if (proof.dataLoss.length > 0 && !options.allowDataLoss) {
    throw new OrmAiError('MIGRATION_LOSES_DATA', `the migration loses data, measured on the shadow with seeded rows:\n${lossLines(true)}`, {
      forModel: redactDatabaseText(`the migration loses data, measured on the shadow with seeded rows:\n${lossLines(false)}`, known),
      hint: 'Nothing was written. Keep the data (a rename, a wider type, a copy), or, if the request means it, pass --allow-data-loss.',
    });
  }
  if (proof.reversible || options.allowIrreversible) return;
  const irreversible = (reason: string | null, examples: boolean) => {
    const details = [...proof.schemaDifferences, ...proof.notRestored.map((change) => `not brought back: ${describeDataChange(change, { examples })}`)].map((line) => `  ${line}`);
    return `the down migration does not undo it: ${reason}${details.length > 0 ? `\n${details.join('\n')}` : ''}`;
  };
  throw new OrmAiError('MIGRATION_IRREVERSIBLE', irreversible(proof.reason, true), {
    forModel: redactDatabaseText(irreversible(reasonInCounts(proof), false), known),
    hint: 'Nothing was written. Give each migration step an inverse (its "down"), or pass --allow-irreversible to write it with a down that does not restore everything.',
  });
}

/** Errors from the safety analysis stop the run (and go back to the model) unless `--allow-unsafe`. */
function refuseUnsafe(analysis: MigrationAnalysis, known: KnownNames): void {
  const errors = (redact: (text: string) => string) =>
    analysis.statements.flatMap((statement) =>
      statement.findings.filter((finding) => finding.severity === 'error').map((finding) => `  line ${statement.line}${statement.migration ? ` of ${statement.migration}` : ""} [${finding.rule}] ${redact(finding.message)}\n    safer: ${finding.fix}`),
    );
  const found = errors((text) => text);
  if (found.length === 0) return;
  const message = (lines: string[]) => `the safety analysis found ${lines.length} error(s) in the migration:\n${lines.join('\n')}`;
  // A finding's message may quote the database (statement-failed); its fix is the rule's own words.
  throw new OrmAiError('MIGRATION_UNSAFE', message(found), {
    forModel: message(errors((text) => redactDatabaseText(text, known))),
    hint: 'Nothing was written. Change the request (or the plan) to the safer form, or pass --allow-unsafe to write it anyway.',
  });
}

/** Where plans will come from, settled before the project is read: a parsed plan file, or the model's settings. */
type PlanInput = { readonly file: string; readonly plan: ChangePlan } | { readonly settings: LlmSettings };

async function planInputFor(options: GenerateOptions): Promise<PlanInput> {
  if (options.planFile) {
    const file = resolve(options.cwd, options.planFile);
    return { file, plan: await readPlanFile(file) };
  }
  if (!options.request?.trim()) {
    throw new OrmAiError('USAGE', 'no request given', { hint: 'Say what to change, e.g. generate "add a tags text[] column to posts", or pass --plan FILE.' });
  }
  return { settings: resolveLlmSettings({ env: options.env, model: options.model }) };
}

/** `filePlan`: the plan file's plan, already validated against the schema. */
function planSourceFor(options: GenerateOptions, model: SchemaModel, input: PlanInput, filePlan: ChangePlan | null): { source: PlanSource; planner: ChatPlanner | null } {
  if ('file' in input) return { source: { next: async () => filePlan ?? input.plan }, planner: null };
  const planner = new ChatPlanner(input.settings, options.usage);
  const prompt = { model, request: options.request ?? '', ormName: options.plugin.displayName, capabilities: options.plugin.capabilities };
  return { source: planFromModel({ planner, prompt }), planner };
}

function usageOf(planner: ChatPlanner | null): GenerateOutcome['usage'] {
  if (!planner) return { calls: 0, promptTokens: 0, completionTokens: 0, model: null };
  return { ...planner.usage, model: planner.model };
}
