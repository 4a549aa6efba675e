import { z } from 'zod';
import { analysisReportSchema, reportedErrorSchema, type DeepReadonly } from './analysis-report-schema.js';

/**
 * What `check --json` prints (and the MCP server's `check_migrations` answers with): the
 * analysis when the check ran, or the error when it could not. The types below and
 * `docs/check-report.schema.json` are both derived from this declaration.
 */

const checkedSchema = z
  .object({
    ok: z.boolean().describe('True when no finding is an `error` (exit code 0); false otherwise (exit code 1).'),
    shadow: z.string().describe('The shadow database the statements were measured on.'),
    summary: z
      .object({
        errors: z.number().int().describe('Findings of severity `error`.'),
        warnings: z.number().int().describe('Findings of severity `warning`.'),
        infos: z.number().int().describe('Findings of severity `info`.'),
      })
      .describe('Findings counted by severity over every file.'),
    files: z
      .array(analysisReportSchema)
      .describe('Each migration judged, in order: the project\'s own (each on the state the earlier ones leave), or the SQL files named.'),
    unchecked: z
      .array(z.string())
      .describe(
        'Migrations after one the shadow rejected, which were not judged; relative to the project root (the folder the run started in), or absolute outside it. Empty when every migration was judged.',
      ),
  })
  .describe('A check that ran.');

const failedSchema = z
  .object({
    ok: z.literal(false).describe('The check did not run.'),
    error: reportedErrorSchema,
  })
  .describe('A check that could not run: `error` says why. Exit code 1, or 2 for a usage error.');

export const checkReportSchema = z.union([checkedSchema, failedSchema]).meta({
  title: 'orm-ai check --json',
  description: 'What `drizzle-ai check --json`, `prisma-ai check --json` and `typeorm-ai check --json` print: a report with `files`, or a failure with `error`.',
});

export type CheckReport = DeepReadonly<z.output<typeof checkedSchema>>;
export type CheckFailedReport = DeepReadonly<z.output<typeof failedSchema>>;
