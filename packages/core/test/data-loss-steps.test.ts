import { describe, expect, it } from 'vitest';
import { OrmAiError } from '../src/errors.js';
import { parsePlan } from '../src/plan-validation.js';
import { dataLossSteps, refuseDataLossSteps } from '../src/rollback/data-loss-steps.js';
import { blogModel } from './blog-model.js';

const reason = 'because';

function plan(changes: unknown[], migrationSteps: unknown[] = []) {
  const parsed = parsePlan({ version: 1, request: 'r', summary: 's', changes, migrationSteps });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.plan;
}

describe('steps that destroy data, read from the plan before anything runs', () => {
  it('names drops, narrowing type changes and destructive SQL steps, each by its place in the plan', async () => {
    const steps = await dataLossSteps(
      plan(
        [
          { kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true }, reason },
          { kind: 'drop_column', table: 'users', column: 'bio', reason },
          { kind: 'alter_column', table: 'posts', column: 'title', type: 'varchar(80)', reason },
          { kind: 'alter_column', table: 'posts', column: 'author_id', type: 'bigint', reason },
          { kind: 'drop_table', table: 'posts', reason },
        ],
        [
          { position: 'before', sql: "DELETE FROM posts WHERE status = 'draft'; UPDATE users SET bio = trim(bio);", reason, locks: 'rows' },
          { position: 'after', sql: 'TRUNCATE users; DROP TYPE post_status;', reason, locks: 'table' },
        ],
      ),
      blogModel(),
    );
    expect(steps.map((step) => step.path)).toEqual(['changes[1]', 'changes[2]', 'changes[4]', 'migrationSteps[0]', 'migrationSteps[1]', 'migrationSteps[1]']);
    expect(steps[0]!.description).toBe('drop_column users.bio: drops the column and every value in it');
    expect(steps[1]!.description).toContain('from text to varchar(80)');
    expect(steps[3]!.description).toMatch(/^DELETE FROM posts .*: deletes rows$/);
    expect(steps[5]!.description).toContain('drops a type');
  });

  it('refuses them without --allow-data-loss, naming the step, and allows them with it', async () => {
    const dropping = plan([{ kind: 'drop_column', table: 'users', column: 'bio', reason }]);
    const refused = await refuseDataLossSteps({ plan: dropping, model: blogModel(), allowDataLoss: false }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OrmAiError);
    expect(refused).toMatchObject({ code: 'DATA_LOSS_NOT_ALLOWED', message: expect.stringContaining('changes[0] drop_column users.bio'), hint: expect.stringContaining('--allow-data-loss') });
    await expect(refuseDataLossSteps({ plan: dropping, model: blogModel(), allowDataLoss: true })).resolves.toBeUndefined();
    await expect(refuseDataLossSteps({ plan: plan([{ kind: 'rename_column', table: 'users', from: 'bio', to: 'about', reason }]), model: blogModel(), allowDataLoss: false })).resolves.toBeUndefined();
  });

  it('names the DROP ... CASCADE statements that take columns or tables they do not name (and DROP OWNED), and not their RESTRICT forms', async () => {
    const cascades = ['DROP SCHEMA archive CASCADE', 'DROP DOMAIN email CASCADE', 'DROP COLLATION german CASCADE', 'DROP FUNCTION slug(text) CASCADE', 'DROP EXTENSION citext CASCADE', 'DROP OWNED BY reporting'];
    const restricted = ['DROP SCHEMA archive', 'DROP DOMAIN email', 'DROP FUNCTION slug(text)', 'DROP EXTENSION citext RESTRICT', 'DROP SEQUENCE orders_seq CASCADE'];
    const steps = await dataLossSteps(plan([{ kind: 'add_column', table: 'posts', column: { name: 'tags', type: 'text[]', nullable: true }, reason }], [...cascades, ...restricted].map((sql) => ({ position: 'after', sql, reason, locks: 'table' }))), blogModel());
    expect(steps.map((step) => step.path)).toEqual(cascades.map((_sql, index) => `migrationSteps[${index}]`));
    expect(steps.map((step) => step.description.replace(/^.*?: /, ''))).toEqual([
      'drops, with CASCADE, every table in the schema and its rows',
      'drops, with CASCADE, every column of that domain and its values',
      'drops, with CASCADE, every column with that collation and its values',
      'drops, with CASCADE, every generated column computed by that function and its values',
      "drops, with CASCADE, every column of the extension's types and its values",
      'drops every table the role owns and its rows',
    ]);
  });
});

describe('reading a plan for data loss', () => {
  it('leaves the schema model it was given as it was', async () => {
    const model = blogModel();
    const before = structuredClone(model);
    await dataLossSteps(plan([{ kind: 'rename_column', table: 'users', from: 'bio', to: 'about', reason }, { kind: 'drop_column', table: 'users', column: 'about', reason }]), model);
    expect(model).toEqual(before);
  });
});
