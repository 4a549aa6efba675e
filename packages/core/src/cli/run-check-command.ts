import { checkMigrations, type CheckOptions, type CheckOutcome } from '../pipeline/check.js';
import { checkJsonReport, checkJsonReportOfError, countFindings, renderCheckMarkdown, renderCheckText } from '../report/safety-report.js';
import { renderError } from '../report/text-report.js';
import { productionRowsFrom } from '../safety/production-rows.js';
import { codedError, type CommandIo } from './run-generate-command.js';

export interface CheckCommandOptions extends Omit<CheckOptions, 'productionRows'> {
  readonly rows: readonly string[];
  readonly statsUrl: string | undefined;
  readonly json: boolean;
  readonly format: 'text' | 'markdown';
}

/**
 * The shared body of every CLI's `check`: analyse, print, and exit 1 when any finding is
 * an error (so CI fails), 0 otherwise. A failure to run at all is also 1, with the error.
 */
export async function runCheckCommand(options: CheckCommandOptions, io: CommandIo): Promise<number> {
  let outcome: CheckOutcome;
  try {
    const productionRows = await productionRowsFrom({ rows: options.rows, statsUrl: options.statsUrl });
    outcome = await checkMigrations({ ...options, productionRows });
  } catch (caught) {
    const error = codedError(caught);
    if (options.json) io.stdout(JSON.stringify(checkJsonReportOfError(error), null, 2));
    else io.stderr(renderError(error));
    return error.code === 'USAGE' ? 2 : 1;
  }
  if (options.json) io.stdout(JSON.stringify(checkJsonReport(outcome), null, 2));
  else io.stdout(options.format === 'markdown' ? renderCheckMarkdown(outcome) : renderCheckText(outcome));
  return countFindings(outcome.files).errors > 0 ? 1 : 0;
}
