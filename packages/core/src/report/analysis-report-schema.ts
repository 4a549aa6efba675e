import { z } from 'zod';
import { ORM_AI_ERROR_CODES, type OrmAiError } from '../errors.js';
import type { Finding } from '../finding.js';
import type { DurationEstimate, StatementLock } from '../safety/analyze-migration.js';
import type { PostgresVersionsStated } from '../dialect/postgres/postgres-target.js';

/**
 * The parts `generate --json` and `check --json` share: the safety analysis of a migration,
 * statement by statement, and the error a failed run reports. Declared once here; the report
 * types are derived from these schemas and `docs/*-report.schema.json` are generated from
 * them (`npm run docs:schema`), so the emitted JSON, its types and its documentation agree.
 */

export const findingSchema = z
  .object({
    rule: z.string().describe('A stable id of the rule or of the ORM tool\'s warning: `add-column-rewrites-table`, `prisma/data-loss`.'),
    severity: z.enum(['error', 'warning', 'info']).describe('`error` makes `check` exit 1 and `generate` refuse without the matching `--allow-*` flag.'),
    message: z.string().describe('What is wrong, naming the table, column or statement.'),
    fix: z.string().describe('The safe alternative, in the ORM\'s own terms where there is one.'),
  })
  .meta({ id: 'Finding', description: 'A safety finding, returned as data rather than thrown.' });

export const statementLockSchema = z
  .object({
    relation: z.string().describe('The table or index locked; only relations that existed before the migration are listed.'),
    mode: z.string().describe('PostgreSQL\'s name for the lock mode: `ACCESS EXCLUSIVE`.'),
    blocks: z.string().describe('What other sessions wait for while the lock is held.'),
    measured: z.boolean().describe('True when read from `pg_locks` on the shadow; for a statement that cannot run in a transaction (`VACUUM`, `... CONCURRENTLY`), true when a second session on a server shadow saw the lock it queued for, false when it is PostgreSQL\'s documented lock (embedded PGlite has one session).'),
  })
  .meta({ id: 'StatementLock', description: 'A lock a statement held.' });

export const durationEstimateSchema = z
  .object({
    table: z.string().describe('The table whose size the estimate scales with.'),
    rows: z.number().int().describe('Its row count at production size (`--rows` or `--stats-url`).'),
    ms: z.number().describe('Estimated milliseconds the statement holds its lock at that size, scaled linearly from the shadow.'),
  })
  .meta({ id: 'DurationEstimate', description: 'How long a statement would hold its lock at production size.' });

export const statementReportSchema = z
  .object({
    line: z.number().int().describe('The 1-based line the statement starts on in the migration.'),
    sql: z.string().describe('The statement.'),
    findings: z.array(findingSchema).describe('Safety findings on this statement.'),
    locks: z.array(statementLockSchema).describe('Locks it held on relations that existed before the migration.'),
    rewrites: z.array(z.string()).describe('Tables whose storage it replaced (a measured `relfilenode` change).'),
    rebuiltIndexes: z.array(z.string()).describe('Indexes it rebuilt without rewriting their table (`posts_title_idx on posts`; a measured `relfilenode` change).'),
    dropped: z.array(z.string()).describe('Tables that existed before the migration and that it dropped, named by it or not (measured: gone from the catalog).'),
    droppedColumns: z
      .array(z.string())
      .describe('Columns of tables that existed before the migration and remain that it dropped, named by it or not (`posts.status`; measured: gone from the catalog, as a `DROP TYPE ... CASCADE` takes the columns of that type).'),
    durationMs: z.number().nullable().describe('Wall time on the shadow with seeded rows, rounded to 0.01 ms; null when the statement did not run.'),
    estimates: z.array(durationEstimateSchema).describe('Duration estimates at production size; empty without `--rows` or `--stats-url`, or when the statement does not scan or rewrite.'),
    error: z.string().optional().describe('Present only when the statement has no measurement: why (the shadow rejected it, or an earlier statement).'),
    migration: z.string().optional().describe('Present only for a statement of a migration `--safe` added after the new one: that migration\'s id (`line` is within it).'),
  })
  .meta({ id: 'Statement', description: 'One statement of the migration, as run on the shadow.' });

export const seededTableSchema = z
  .object({ table: z.string().describe('`schema.table`.'), rows: z.number().int().describe('Rows generated in it.') })
  .meta({ id: 'SeededTable', description: 'A table that held generated rows while the shadow measured.' });

export const postgresVersionsSchema = z
  .object({
    measuredOn: z.string().describe('The PostgreSQL version of the shadow the statements ran on (`server_version`): `18.6` for embedded PGlite. Locks and rewrites were measured there.'),
    target: z.number().int().describe('The PostgreSQL major version the migration was judged for; findings whose truth differs between versions are stated for it.'),
    targetFrom: z
      .enum(['flag', 'shadow-server', 'project', 'embedded-shadow'])
      .describe('Where the target came from: `--pg-version`, the `--shadow-url` server, the project (`declaredIn`), or the embedded shadow\'s own version.'),
    declaredIn: z.array(z.string()).describe('With `targetFrom: project`: the files whose `postgres` image declares it, relative to the project root; empty otherwise.'),
  })
  .meta({ id: 'PostgresVersions', description: 'The version the measurements came from and the version the findings are stated for.' });

export const analysisReportSchema = z
  .object({
    path: z
      .string()
      .describe(
        'Under `check`: the migration, relative to the project root (the folder the run started in), or absolute when it lies outside it: ' +
          'the file for SQL files, Drizzle and Prisma; for TypeORM, which knows a migration by its class, the migrations folder and the class name ' +
          '(`src/migrations/AddComments1795500600000`). Under `generate`: the new migration\'s id (`migration`); its files are in `files`.',
      ),
    statements: z.array(statementReportSchema).describe('Every statement, in order.'),
    seeded: z.array(seededTableSchema).describe('Rows generated in each touched table before measuring.'),
    unseeded: z
      .array(z.object({ table: z.string().describe('`schema.table`.'), reason: z.string().describe('Why no rows could be generated for it.') }))
      .describe('Touched tables that could not be seeded.'),
    postgres: postgresVersionsSchema.nullable().describe('The PostgreSQL versions the migration was measured on and judged for; null on SQLite, whose findings hold for every version.'),
  })
  .meta({ id: 'MigrationAnalysis', description: 'The safety analysis of one migration, statement by statement.' });

export const reportedErrorSchema = z
  .object({
    code: z.enum(ORM_AI_ERROR_CODES).describe('A stable code to branch on.'),
    message: z.string().describe('What failed, naming the bad value and the rule it broke.'),
    hint: z.string().nullable().describe('What to do about it; null when there is nothing to add.'),
  })
  .meta({ id: 'Error', description: 'Why the run failed.' });

/** An error as both reports carry it. */
export function reportedError(error: OrmAiError): ReportedError {
  return { code: error.code, message: error.message, hint: error.hint ?? null };
}

export type AnalysisReport = DeepReadonly<z.output<typeof analysisReportSchema>>;
export type StatementReport = DeepReadonly<z.output<typeof statementReportSchema>>;
export type ReportedError = DeepReadonly<z.output<typeof reportedErrorSchema>>;

/**
 * A report type as code holds it: read-only all the way down, so the engine's read-only
 * arrays fit without copies. The schemas stay plain: zod's `.readonly()` would put
 * `readOnly: true` in the published JSON Schema, which means something else there.
 */
export type DeepReadonly<T> = T extends readonly (infer Item)[]
  ? ReadonlyArray<DeepReadonly<Item>>
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

/**
 * True only when both types have the same fields of the same types, read-only or not. An
 * engine type passed into a report unchanged is checked against its schema with it, so a
 * field added to one and not the other fails the type check instead of leaving the schema
 * behind what is emitted.
 */
export type SameShape<A, B> = [DeepReadonly<A>] extends [DeepReadonly<B>] ? ([DeepReadonly<B>] extends [DeepReadonly<A>] ? true : false) : false;
export type Assert<Condition extends true> = Condition;

export type FindingMatchesSchema = Assert<SameShape<Finding, z.output<typeof findingSchema>>>;
export type LockMatchesSchema = Assert<SameShape<StatementLock, z.output<typeof statementLockSchema>>>;
export type PostgresVersionsMatchSchema = Assert<SameShape<PostgresVersionsStated, z.output<typeof postgresVersionsSchema>>>;
export type EstimateMatchesSchema = Assert<SameShape<DurationEstimate, z.output<typeof durationEstimateSchema>>>;
