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
});

describe('reading a plan for data loss', () => {
  it('leaves the schema model it was given as it was', async () => {
    const model = blogModel();
    const before = structuredClone(model);
    await dataLossSteps(plan([{ kind: 'rename_column', table: 'users', from: 'bio', to: 'about', reason }, { kind: 'drop_column', table: 'users', column: 'about', reason }]), model);
    expect(model).toEqual(before);
  });
});
