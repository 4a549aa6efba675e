import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, type ChangePlan, type ChangePlanInput, type SchemaChange } from '../src/change-plan.js';
import { MAX_MIGRATION_NAME_LENGTH, migrationNameFor } from '../src/pipeline/migration-name.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
// The corpus is shared and read-only; its plans are real requests against real projects' schemas.
const corpus = join(repo, '../shared/corpus');

function planFile(path: string): ChangePlan {
  return changePlanSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function planOf(changes: ChangePlanInput['changes'], request = 'a request'): ChangePlan {
  return changePlanSchema.parse({ version: 1, request, summary: 'A summary.', changes });
}

const column = (name: string, type = 'text') => ({ name, type, nullable: true });
const reason = 'Why.';

describe('migrationNameFor on the example plans', () => {
  it.each([
    ['examples/drizzle-app/plans/add-post-tags.json', 'add_posts_tags'],
    ['examples/prisma-app/plans/add-bookmarks-table.json', 'create_bookmarks'],
    ['examples/typeorm-app/plans/rename-display-name.json', 'rename_users_display_name_to_full_name'],
  ])('%s → %s', (path, name) => {
    expect(migrationNameFor({ plan: planFile(join(repo, path)) })).toBe(name);
  });
});

describe('migrationNameFor on the corpus plans', () => {
  it.each([
    ['drizzle-saas-starter/plans/1-add-column.json', 'add_users_timezone'],
    ['drizzle-saas-starter/plans/2-rename-column.json', 'rename_teams_plan_name_to_plan_title'],
    ['drizzle-saas-starter/plans/3-add-index.json', 'index_activity_logs_team_id_timestamp'],
    ['drizzle-saas-starter/plans/4-new-table-fk.json', 'create_api_keys'],
    ['drizzle-saas-starter/plans/5-drop-column.json', 'drop_activity_logs_ip_address'],
    ['prisma-documenso/plans/2-rename-column.json', 'rename_webhook_webhook_url_to_url'],
    ['prisma-formbricks/plans/4-new-table-fk.json', 'create_webhook_delivery'],
    ['prisma-hoppscotch/plans/2-rename-column.json', 'rename_user_environment_name_to_label'],
    ['prisma-hoppscotch/plans/3-add-index.json', 'index_team_request_team_id_created_on'],
    ['prisma-hoppscotch/plans/5-drop-column.json', 'drop_user_photo_url'],
    ['typeorm-nestjs-boilerplate/plans/2-rename-column.json', 'rename_session_hash_to_token_hash'],
  ])('%s → %s', (path, name) => {
    expect(migrationNameFor({ plan: planFile(join(corpus, path)) })).toBe(name);
  });
});

describe('migrationNameFor', () => {
  it('lets --name win, in snake_case, even over a plan that would name itself', () => {
    const plan = planFile(join(repo, 'examples/drizzle-app/plans/add-post-tags.json'));
    expect(migrationNameFor({ name: 'PostTags', plan })).toBe('post_tags');
    expect(migrationNameFor({ name: 'add the tags, please', plan })).toBe('add_the_tags_please');
    expect(migrationNameFor({ name: '  ', plan })).toBe('add_posts_tags');
  });

  it('merges changes of one kind on one table, and joins different ones with and', () => {
    const plan = planOf([
      { kind: 'add_column', table: 'posts', column: column('tags', 'text[]'), reason },
      { kind: 'add_column', table: 'posts', column: column('slug'), reason },
      { kind: 'add_column', table: 'posts', column: column('views', 'integer'), reason },
    ]);
    expect(migrationNameFor({ plan })).toBe('add_posts_tags_slug_and_views');
    const mixed = planOf([
      { kind: 'create_table', table: 'tags', columns: [{ name: 'id', type: 'serial', nullable: false, primaryKey: true }], reason },
      { kind: 'drop_column', table: 'posts', column: 'legacy', reason },
    ]);
    expect(migrationNameFor({ plan: mixed })).toBe('create_tags_and_drop_posts_legacy');
  });

  it('leaves out a foreign key on columns the plan adds and an enum a new column uses', () => {
    const plan = planOf([
      { kind: 'create_enum', name: 'post_status', values: ['draft', 'published'], reason },
      { kind: 'add_column', table: 'posts', column: column('status', 'post_status'), reason },
      { kind: 'add_column', table: 'posts', column: column('editor_id', 'integer'), reason },
      { kind: 'add_foreign_key', table: 'posts', columns: ['editor_id'], referencedTable: 'users', referencedColumns: ['id'], reason },
    ]);
    expect(migrationNameFor({ plan })).toBe('add_posts_status_and_editor_id');
  });

  it('keeps a foreign key or index on existing columns: it is the change itself', () => {
    const plan = planOf([{ kind: 'add_foreign_key', table: 'comments', columns: ['post_id'], referencedTable: 'posts', referencedColumns: ['id'], reason }]);
    expect(migrationNameFor({ plan })).toBe('link_comments_to_posts');
  });

  it('cuts a long name between whole words, never on a connector, and never over the limit', () => {
    const renames: SchemaChange[] = ['a', 'b'].map((suffix) => ({
      kind: 'rename_column',
      table: 'subscription_invoices',
      from: `billing_address_line_${suffix}`,
      to: `street_line_${suffix}`,
      reason,
    }));
    const name = migrationNameFor({ plan: planOf(renames) });
    // The next word, `street_line_a`, would pass 40 characters; `to` alone would end on a connector.
    expect(name).toBe('rename_subscription_invoices');
    expect(name.length).toBeLessThanOrEqual(MAX_MIGRATION_NAME_LENGTH);

    const mixed = planOf([
      { kind: 'add_column', table: 'posts', column: column('tags', 'text[]'), reason },
      { kind: 'drop_column', table: 'organization_memberships', column: 'invitation_token', reason },
    ]);
    // A later change joins with its verb and table whole, or not at all: never `add_posts_tags_and_drop`.
    expect(migrationNameFor({ plan: mixed })).toBe('add_posts_tags');
  });

  it('cuts a table name too long to fit between its own words', () => {
    const plan = planOf([{ kind: 'drop_table', table: 'legacy_customer_relationship_management_export_rows', reason }]);
    expect(migrationNameFor({ plan })).toBe('drop_legacy_customer_relationship');
  });
});
