import type { ChangePlan, MigrationStep } from '../change-plan.js';
import type { GeneratedMigration } from '../orm-plugin.js';
import { parseSql } from '../dialect/postgres/parser.js';

/** The new migration's statements: the plan's `before` steps, the ORM's statements, then `after` steps. */
export async function composeStatements(plan: ChangePlan, migration: GeneratedMigration): Promise<string[]> {
  const steps = (position: MigrationStep['position']) => plan.migrationSteps.filter((step) => step.position === position);
  const sqlOf = async (position: MigrationStep['position']) => (await Promise.all(steps(position).map((step) => statementsOf(step.sql)))).flat();
  return [...(await sqlOf('before')), ...migration.statements, ...(await sqlOf('after'))];
}

/**
 * The new migration's down, in the order it runs, mirroring `composeStatements`: the
 * inverses of the `after` steps (last first), the ORM's own down, then the inverses of the
 * `before` steps (last first). A step without an inverse leaves a comment saying so where
 * its inverse would run; the round trip on the shadow decides whether that matters.
 */
export async function composeDownStatements(plan: ChangePlan, migration: GeneratedMigration): Promise<string[]> {
  const inverses = async (position: MigrationStep['position']): Promise<string[]> => {
    const statements: string[] = [];
    const steps = plan.migrationSteps.map((step, index) => ({ step, index })).filter(({ step }) => step.position === position);
    for (const { step, index } of steps.reverse()) {
      if (step.down === null) statements.push(`-- migrationSteps[${index}] has no inverse: ${step.reason.replace(/\s+/g, ' ').trim()}`);
      else statements.push(...(await statementsOf(step.down)));
    }
    return statements;
  };
  return [...(await inverses('after')), ...migration.downStatements, ...(await inverses('before'))];
}

/** A step's SQL as terminated statements; validation already rejected SQL that does not parse. */
async function statementsOf(sql: string): Promise<string[]> {
  const parsed = await parseSql(sql);
  return parsed.ok ? parsed.statements.map((statement) => (statement.sql.endsWith(';') ? statement.sql : `${statement.sql};`)) : [];
}
