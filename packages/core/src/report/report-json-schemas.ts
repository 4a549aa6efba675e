import { z } from 'zod';
import { checkReportSchema } from './check-report-schema.js';
import { generateReportSchema } from './generate-report-schema.js';

/**
 * The JSON Schemas (draft 2020-12) of what `--json` prints, by the file name they are
 * published under in `docs/`. Generated from the zod declarations the reports' types come
 * from; a test holds the committed files to this output, so they cannot drift.
 */
export function reportJsonSchemas(): Record<'generate-report.schema.json' | 'check-report.schema.json', object> {
  // `output`: these describe what is printed; no report is ever parsed back in.
  return {
    'generate-report.schema.json': z.toJSONSchema(generateReportSchema, { io: 'output', target: 'draft-2020-12' }),
    'check-report.schema.json': z.toJSONSchema(checkReportSchema, { io: 'output', target: 'draft-2020-12' }),
  };
}
