import { describe, expect, it } from 'vitest';
import { findColumn, findTable } from '@orm-ai/core';
import { blankBlockComments } from '../src/prisma-source.js';
import { readPrismaSchema } from '../src/read-schema.js';

// Constructs seen in real projects' schemas (issue 12) that the reader got wrong.
const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';

function inline(schema: string) {
  return readPrismaSchema({ files: [{ path: 'schema.prisma', content: `${DATASOURCE}${schema}` }] });
}

describe('readPrismaSchema on constructs from real projects', () => {
  it('reads a schema with /** ... */ block comments, and finds the models after them', async () => {
    const schema = [
      '/**',
      ' * Accounts. A brace } and a "quote in here.',
      ' */',
      'model Account {',
      '  id    Int    @id /* the key */',
      '  /** where to write */',
      '  email String @default("/* not a comment */")',
      '}',
      '',
    ].join('\n');
    const { model, index } = await inline(schema);
    const account = findTable(model, 'Account')!;
    expect(account.columns.map((column) => column.name)).toEqual(['id', 'email']);
    expect(findColumn(account, 'email')!.default).toBe("'/* not a comment */'");
    expect(index.tables[0]!.columns.map((column) => column.field)).toEqual(['id', 'email']);
  });

  it('blanks block comments to spaces of the same length, keeping line breaks, strings and // comments', () => {
    const text = 'a /* x\n y */ b "/* s */" // c /* d */\ne';
    const blanked = blankBlockComments(text);
    expect(blanked).toHaveLength(text.length);
    expect(blanked).toBe('a     \n      b "/* s */" // c /* d */\ne');
  });

  it('keeps the unique of a field that is both @id and @unique, with its name', async () => {
    const { model } = await inline('model Token {\n  value String @id @unique\n  other String @unique(map: "token_other_uq")\n}\n');
    const token = findTable(model, 'Token')!;
    expect(findColumn(token, 'value')).toMatchObject({ primaryKey: true, unique: true, uniqueName: 'Token_value_key' });
    expect(findColumn(token, 'other')).toMatchObject({ unique: true, uniqueName: 'token_other_uq' });
  });

  it('names a single-column @@unique as the database does, default or mapped, held once on the column', async () => {
    const { model } = await inline(
      'model Member {\n  id    Int    @id\n  email String @map("e_mail")\n  slug  String\n\n  @@unique([email])\n  @@unique([slug], map: "member_slug_uq")\n  @@map("members")\n}\n',
    );
    const members = findTable(model, 'members')!;
    expect(findColumn(members, 'e_mail')).toMatchObject({ unique: true, uniqueName: 'members_e_mail_key' });
    expect(findColumn(members, 'slug')).toMatchObject({ unique: true, uniqueName: 'member_slug_uq' });
    expect(members.uniques).toEqual([]);
  });
});
