import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changePlanSchema } from '@orm-ai/core';
import { applyPlanToDrizzleSource } from '../src/apply-plan.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { fixtures } from './fixtures.js';

/** A new table (with a foreign key, an index and a default needing a new import) and a new column. */
const plan = changePlanSchema.parse({
  version: 1,
  request: 'Add a tags table owned by users, and a bio to users',
  summary: 'Creates tags and adds users.bio.',
  changes: [
    {
      kind: 'create_table',
      table: 'tags',
      reason: 'r',
      columns: [
        { name: 'id', type: 'serial', nullable: false, primaryKey: true },
        { name: 'label', type: 'text', nullable: false },
        { name: 'owner_id', type: 'integer', nullable: false },
        { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
        { name: 'colors', type: 'text[]', nullable: false, default: "'{}'::text[]" },
      ],
    },
    { kind: 'add_foreign_key', table: 'tags', columns: ['owner_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', reason: 'r' },
    { kind: 'create_index', table: 'tags', name: 'tags_label_idx', columns: ['label'], reason: 'r' },
    { kind: 'add_column', table: 'users', column: { name: 'bio', type: 'text', nullable: true, default: "'none'" }, reason: 'r' },
  ],
});

function edited(name: string): string {
  const file = path.join(fixtures, 'style', name);
  const edits = applyPlanToDrizzleSource({ schema: readDrizzleSchema({ files: [file] }), plan });
  expect(edits.map((edit) => edit.path)).toEqual([file]);
  expect(edits[0]!.before).toBe(readFileSync(file, 'utf8'));
  return edits[0]!.after;
}

describe('edits follow the schema file\'s style', () => {
  it('double quotes, no semicolons, four spaces and trailing commas', () => {
    expect(edited('double-no-semi.ts')).toBe(`import { index, integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core"
import { sql } from "drizzle-orm"

export const users = pgTable("users", {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    bio: text("bio").default("none"),
})

export const tags = pgTable("tags", {
    id: serial("id").primaryKey(),
    label: text("label").notNull(),
    ownerId: integer("owner_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    colors: text("colors").array().notNull().default(sql\`'{}'::text[]\`),
}, (t) => [
    index("tags_label_idx").on(t.label),
])
`);
  });

  it('single quotes, semicolons, two spaces and no trailing commas', () => {
    expect(edited('single-semi.ts')).toBe(`import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

export const users = pgTable('users', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  bio: text('bio').default('none')
});

export const tags = pgTable('tags', {
  id: serial('id').primaryKey(),
  label: text('label').notNull(),
  ownerId: integer('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  colors: text('colors').array().notNull().default(sql\`'{}'::text[]\`)
}, (t) => [
  index('tags_label_idx').on(t.label)
]);
`);
  });
});
