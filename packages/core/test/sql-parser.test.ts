import { describe, expect, it } from 'vitest';
import { parseSql, statementKind, withoutOuterTypeCast } from '../src/dialect/postgres/parser.js';

describe('parseSql', () => {
  it('splits statements with their lines, past comments and non-ASCII text', async () => {
    const text = "-- café\nCREATE TABLE \"t\" (\"é\" text);\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY i ON t USING gin (x);\n\nUPDATE t SET x = 'a;b';";
    const parsed = await parseSql(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.statements.map((statement) => [statement.line, statementKind(statement)])).toEqual([
      [2, 'CreateStmt'],
      [4, 'IndexStmt'],
      [6, 'UpdateStmt'],
    ]);
    expect(parsed.statements[2]?.sql).toBe("UPDATE t SET x = 'a;b'");
    expect(parsed.statements[0]?.sql).toBe('CREATE TABLE "t" ("é" text)');
  });

  it('says where SQL does not parse', async () => {
    const parsed = await parseSql('SELECT 1;\nALTER TABLE t ADD COLUMN;');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toMatch(/syntax error/);
      expect(parsed.line).toBe(2);
    }
  });
});

describe('withoutOuterTypeCast', () => {
  it.each([
    ["'{}'::text[]", "'{}'"],
    ["'draft'::post_status", "'draft'"],
    ["'it''s'::varchar(10)", "'it''s'"],
    ['now()', 'now()'],
    ['0', '0'],
    ["lower('A')::text", "lower('A')::text"],
  ])('%s → %s', async (input, expected) => {
    expect(await withoutOuterTypeCast(input)).toBe(expected);
  });
});
