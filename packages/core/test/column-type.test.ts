import { describe, expect, it } from 'vitest';
import { formatColumnType, isLosslessTypeChange, normalizeColumnType, parseColumnType, type ColumnType } from '../src/column-type.js';

describe('column types', () => {
  it.each([
    ['varchar(255)', 'varchar(255)'],
    ['character varying(80)', 'varchar(80)'],
    ['timestamp with time zone', 'timestamptz'],
    ['TIMESTAMPTZ(3)', 'timestamptz(3)'],
    ['timestamp(3) without time zone', 'timestamp(3)'],
    ['timestamp(6) with time zone[]', 'timestamptz(6)[]'],
    ['time(2)  with time zone', 'timetz(2)'],
    ['int4', 'integer'],
    ['decimal(10, 2)', 'numeric(10,2)'],
    ['text[]', 'text[]'],
    ['integer[][]', 'integer[][]'],
    ['double precision', 'double precision'],
    ['bit varying(8)', 'varbit(8)'],
    ['bit(3)', 'bit(3)'],
    ['point', 'point'],
    ['tsvector', 'tsvector'],
    ['tstzrange[]', 'tstzrange[]'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normalizeColumnType(input)).toBe(expected);
  });

  it('keeps enum names exactly and allows enum arrays', () => {
    const parsed = parseColumnType('Post_Status[]', new Set(['Post_Status']));
    expect(parsed).toEqual({ ok: true, type: { base: 'Post_Status', args: [], arrayDimensions: 1, isEnum: true } });
    if (parsed.ok) expect(formatColumnType(parsed.type)).toBe('Post_Status[]');
  });

  it.each([
    ['varchar(abc)', 'whole numbers'],
    ['integer(4)', 'takes no arguments'],
    ['numeric(1,2,3)', 'at most 2'],
    ['strng', 'unknown type "strng"'],
    ['varchar(10', 'unbalanced'],
    ['point(2)', 'takes no arguments'],
  ])('rejects %s with a reason', (input, reason) => {
    const parsed = parseColumnType(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('isLosslessTypeChange', () => {
  const type = (spelling: string): ColumnType => {
    const parsed = parseColumnType(spelling, new Set(['post_status']));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.type;
  };
  it.each([
    ['integer', 'bigint'],
    ['smallint', 'integer'],
    ['serial', 'bigint'],
    ['integer', 'numeric(12,2)'],
    ['integer', 'double precision'],
    ['varchar(50)', 'varchar(200)'],
    ['varchar(50)', 'varchar'],
    ['varchar(50)', 'text'],
    ['post_status', 'text'],
    ['numeric(10,2)', 'numeric(12,2)'],
    ['numeric(10,2)', 'numeric(12,4)'],
    ['numeric(10,2)', 'numeric'],
    ['real', 'double precision'],
    ['json', 'jsonb'],
    ['timestamp(0)', 'timestamp(3)'],
    ['timestamp', 'timestamptz'],
    ['date', 'timestamp'],
    ['text[]', 'text[]'],
  ])('%s to %s keeps every value', (from, to) => {
    expect(isLosslessTypeChange(type(from), type(to))).toBe(true);
  });
  it.each([
    ['bigint', 'integer'],
    ['integer', 'smallint'],
    ['bigint', 'double precision'],
    ['integer', 'numeric(8,2)'],
    ['text', 'varchar(20)'],
    ['varchar(200)', 'varchar(50)'],
    ['numeric(10,2)', 'numeric(10,0)'],
    ['numeric(10,2)', 'numeric(11,4)'],
    ['numeric', 'numeric(10,2)'],
    ['double precision', 'real'],
    ['timestamptz', 'timestamp'],
    ['timestamptz', 'date'],
    ['timestamp(3)', 'timestamp(0)'],
    ['text', 'integer'],
    ['text', 'post_status'],
    ['text[]', 'text'],
  ])('%s to %s can lose or change values', (from, to) => {
    expect(isLosslessTypeChange(type(from), type(to))).toBe(false);
  });
});
