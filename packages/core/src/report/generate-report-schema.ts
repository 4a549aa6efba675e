import { z } from 'zod';
import { changePlanSchema, type ChangePlan } from '../change-plan.js';
import type { LlmUsage } from '../llm/chat-planner.js';
import type { CostEstimate } from '../llm/model-prices.js';
import { GENERATE_STAGES, type GenerateStage } from '../pipeline/generate.js';
import type { RoundTripProof } from '../rollback/prove-round-trip.js';
import { analysisReportSchema, findingSchema, reportedErrorSchema, seededTableSchema, type Assert, type DeepReadonly, type SameShape } from './analysis-report-schema.js';

/**
 * What `generate --json` prints (and the MCP server's `generate_migration` answers with):
 * one object with the same fields whether the run succeeded or failed. The types below and
 * `docs/generate-report.schema.json` are both derived from this declaration.
 */

const dataChangeSchema = z
  .object({
    target: z.string().describe('`public.posts`, or `public.posts.title` for a column.'),
    kind: z.enum(['table-dropped', 'rows-lost', 'column-dropped', 'nulled', 'truncated', 'changed']).describe('What happened to the rows or values.'),
    count: z.number().int().describe('Rows or values affected.'),
    of: z.number().int().describe('Rows (or non-null values) there were.'),
    example: z
      .object({ before: z.string().nullable().describe('The value before, as text.'), after: z.string().nullable().describe('The value after, as text; null when it is gone.') })
      .optional()
      .describe('One affected value before and after; absent in MCP answers, which a model reads.'),
  })
  .meta({ id: 'DataChange', description: 'What a migration did to rows that existed, measured on seeded rows.' });

const roundTripSchema = z
  .object({
    reversible: z.boolean().describe('True when down gave back the schema, line for line, and every value up kept, and up ran again after it.'),
    reason: z.string().nullable().describe('Why not, in one sentence; null when reversible.'),
    schemaDifferences: z.array(z.string()).describe('Catalog differences between before up and after down, one line each.'),
    dataLoss: z.array(dataChangeSchema).describe('What up did to existing rows.'),
    notRestored: z.array(dataChangeSchema).describe('What down did not bring back.'),
    failure: z
      .object({ step: z.enum(['up', 'down', 'up again']).describe('Which run failed.'), message: z.string().describe('The database\'s message.') })
      .nullable()
      .describe('The database\'s error when up (on seeded rows), down or up again failed; null otherwise.'),
    seeded: z.array(seededTableSchema).describe('Tables that held generated rows during the proof, with how many.'),
  })
  .meta({ id: 'RoundTrip', description: 'The round trip up, down, up on seeded rows, and its evidence.' });

const usageFields = {
  calls: z.number().int().describe('Model calls made (0 with `--plan`).'),
  promptTokens: z.number().int().describe('Input tokens over every call.'),
  completionTokens: z.number().int().describe('Output tokens over every call.'),
  model: z.string().nullable().describe('The model the calls went to; null with `--plan` when no call was made.'),
};

const usageSchema = z
  .union([
    z.object({ ...usageFields, costUsd: z.number().describe('Estimated cost in USD at the price table\'s rates.'), costUnknownReason: z.null().describe('Null: the cost is known.') }),
    z.object({ ...usageFields, costUsd: z.null().describe('Unknown: see `costUnknownReason`.'), costUnknownReason: z.string().describe('Why there is no cost: the price table has no price for the model.') }),
  ])
  .meta({ id: 'Usage', description: 'Model calls and tokens, and their estimated cost; reported on failures too, since a failed run may have paid for calls.' });

/** The fields a run fills once its migration is proven. */
const outcomeFields = {
  plan: changePlanSchema.meta({ id: 'ChangePlan', description: 'The change plan that was applied (the plan file\'s, or the model\'s); docs/plan.md describes it.' }),
  files: z
    .array(z.string())
    .describe(
      'Files written, or that would be written on a dry run: schema source edits, then the migration files and the ORM\'s metadata. ' +
        'Relative to the project root (the folder the run started in); absolute when a file lies outside it.',
    ),
  migration: z.string().describe('The new migration\'s id, as the ORM names it.'),
  upSql: z.string().describe('The migration\'s statements, one after another.'),
  downSql: z.string().describe('The down migration, in the order it runs.'),
  reversible: z.boolean().describe('Whether down, proved on the shadow, restored the schema and every value up kept.'),
  irreversibleReason: z.string().nullable().describe('Why not, when `reversible` is false; null otherwise.'),
  rollback: roundTripSchema,
  findings: z.array(findingSchema).describe('The ORM tool\'s own warnings, the safety findings, then measured data loss.'),
  analysis: analysisReportSchema.describe(
    'The safety analysis of the new migration: one object (the shape of an entry of `check --json`\'s `files`), its statements in `statements`.',
  ),
  safe: z
    .object({
      following: z
        .array(
          z.object({
            id: z.string().describe('The migration\'s id as written: the new migration\'s id and the suffix.'),
            suffix: z.string().describe('`build_<index>`, `backfill_<column>` or `finish`.'),
            up: z.array(z.string()).describe('Its statements.'),
            down: z.array(z.string()).describe('Its down, in the order it runs.'),
            outsideTransaction: z.boolean().describe('It runs outside any transaction (CREATE INDEX CONCURRENTLY, a backfill committing each batch).'),
          }),
        )
        .describe('The migrations written after the new one, in the order they run.'),
      rewritten: z
        .array(z.object({ rule: z.string().describe('The safety rule whose safe form was used.'), statement: z.string().describe('The ORM\'s statement it replaced.'), summary: z.string().describe('What changed.') }))
        .describe('Each safe form used.'),
      kept: z
        .array(z.object({ rule: z.string().describe('The safety rule.'), statement: z.string().describe('The statement kept as the ORM wrote it.'), reason: z.string().describe('Why its safe form could not be used.') }))
        .describe('Statements whose safe form could not be used, and why.'),
      deployOneAtATime: z.string().nullable().describe('Set where the ORM\'s migrator applies every pending migration in one transaction: the migrations must then be deployed one at a time for the safe forms to help.'),
    })
    .nullable()
    .describe('What `--safe` did; null without it.'),
  shadow: z.string().describe('The shadow database the migration was proven on.'),
  timingsMs: z
    .object(Object.fromEntries(GENERATE_STAGES.map((stage) => [stage, z.number().int().describe(`Milliseconds in the \`${stage}\` stage.`)])) as Record<GenerateStage, z.ZodNumber>)
    .describe('Wall time per pipeline stage, in whole milliseconds.'),
};

const succeededSchema = z
  .object({
    ok: z.literal(true).describe('The run proved its migration.'),
    ...outcomeFields,
    written: z.boolean().describe('Whether the files were written (false on `--dry-run`, when not confirmed, or without a terminal and `--yes`).'),
    usage: usageSchema,
    error: z.null().describe('Null: nothing failed.'),
  })
  .describe('A run that proved its migration (and wrote it, when `written`). Exit code 0.');

/**
 * On failure the outcome fields are empty (lists) or null, unless only writing failed: then
 * they hold what was proven, so a person can see what could not be written.
 */
const whenFailed = (description: string | undefined, empty: 'empty' | 'null') =>
  `${description ?? ''} ${empty === 'empty' ? 'Empty' : 'Null'}, unless the run failed while writing its files after the migration was proven.`.trim();
const { files, findings, ...nullableOutcomeFields } = outcomeFields;
const failedOutcomeFields = {
  files: files.describe(whenFailed(files.description, 'empty')),
  findings: findings.describe(whenFailed(findings.description, 'empty')),
  ...(Object.fromEntries(
    Object.entries(nullableOutcomeFields).map(([name, schema]) => [name, schema.nullable().describe(whenFailed(schema.description, 'null'))]),
  ) as { [Name in keyof typeof nullableOutcomeFields]: z.ZodNullable<(typeof nullableOutcomeFields)[Name]> }),
};

const failedSchema = z
  .object({
    ok: z.literal(false).describe('The run failed.'),
    ...failedOutcomeFields,
    written: z.literal(false).describe('Nothing was written.'),
    usage: usageSchema,
    error: reportedErrorSchema,
  })
  .describe('A run that failed: `error` says why. Exit code 1.');

export const generateReportSchema = z.union([succeededSchema, failedSchema]).meta({
  title: 'orm-ai generate --json',
  description: 'What `drizzle-ai generate --json`, `prisma-ai migrate --json` and `typeorm-ai migration:generate --json` print: `ok` tells the two shapes apart.',
});

export type GenerateSucceededReport = DeepReadonly<z.output<typeof succeededSchema>>;
export type GenerateFailedReport = DeepReadonly<z.output<typeof failedSchema>>;
/** The one object `--json` prints, the same for every ORM's CLI. */
export type JsonReport = GenerateSucceededReport | GenerateFailedReport;
export type ReportedUsage = DeepReadonly<z.output<typeof usageSchema>>;

type PlanMatchesSchema = Assert<SameShape<ChangePlan, z.output<typeof changePlanSchema>>>;
type ProofMatchesSchema = Assert<SameShape<RoundTripProof, z.output<typeof roundTripSchema>>>;
type UsageMatchesSchema = Assert<SameShape<LlmUsage & { model: string | null } & CostEstimate, z.output<typeof usageSchema>>>;
type StagesMatchSchema = Assert<SameShape<Record<GenerateStage, number>, z.output<typeof outcomeFields.timingsMs>>>;
