import { describe, expect, it } from 'vitest';
import { changePlanSchema } from '@orm-ai/core';
import { applyPlanToPrismaSource } from '../src/apply-plan.js';
import { readPrismaSchema } from '../src/read-schema.js';

/** Lines of a schema with `→` for one level of the file's indentation. */
const indented = (indent: string, lines: readonly string[]) => `${lines.join('\n').replaceAll('→', indent)}\n`;

const BEFORE = ['datasource db {', '→provider = "postgresql"', '}', '', 'model User {', '→id    Int    @id @default(autoincrement())', '→email String @unique', '→name  String', '', '→@@map("users")', '}'];

/** Prisma's formatter aligns the edited blocks; the indentation before the alignment stays the file's. */
const AFTER = [
  'datasource db {',
  '→provider = "postgresql"',
  '}',
  '',
  'model User {',
  '→id        Int        @id @default(autoincrement())',
  '→email     String     @unique',
  '→name      String',
  '→bookmarks Bookmark[]',
  '→bio       String?',
  '',
  '→@@map("users")',
  '}',
  '',
  'model Bookmark {',
  '→id      Int     @id @default(autoincrement())',
  '→user_id Int',
  '→user    User    @relation(fields: [user_id], references: [id], onDelete: Cascade, onUpdate: NoAction)',
  '→note    String?',
  '',
  '→@@map("bookmarks")',
  '}',
];

const plan = changePlanSchema.parse({
  version: 1,
  request: 'Add a bookmarks table owned by users, and a bio to users',
  summary: 'Creates bookmarks and adds users.bio.',
  changes: [
    {
      kind: 'create_table',
      table: 'bookmarks',
      reason: 'r',
      columns: [
        { name: 'id', type: 'serial', nullable: false, primaryKey: true },
        { name: 'user_id', type: 'integer', nullable: false },
        { name: 'note', type: 'text', nullable: true },
      ],
    },
    { kind: 'add_foreign_key', table: 'bookmarks', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', reason: 'r' },
    { kind: 'add_column', table: 'users', column: { name: 'bio', type: 'text', nullable: true }, reason: 'r' },
  ],
});

async function edited(content: string): Promise<string> {
  const files = [{ path: '/project/prisma/schema.prisma', content }];
  const edits = await applyPlanToPrismaSource({ schema: await readPrismaSchema({ files }), files, plan });
  expect(edits.map((edit) => edit.path)).toEqual([files[0]!.path]);
  return edits[0]!.after;
}

describe('schema edits keep the file\'s indentation', () => {
  it.each([
    ['two spaces', '  '],
    ['four spaces', '    '],
    ['tabs', '\t'],
  ])('%s', async (_name, indent) => {
    expect(await edited(indented(indent, BEFORE))).toBe(indented(indent, AFTER));
  });
});
