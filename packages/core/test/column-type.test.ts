import { describe, expect, it } from 'vitest';
import { formatColumnType, normalizeColumnType, parseColumnType } from '../src/column-type.js';

describe('column types', () => {
  it.each([
    ['varchar(255)', 'varchar(255)'],
    ['character varying(80)', 'varchar(80)'],
    ['timestamp with time zone', 'timestamptz'],
    ['TIMESTAMPTZ(3)', 'timestamptz(3)'],
    ['int4', 'integer'],
    ['decimal(10, 2)', 'numeric(10,2)'],
    ['text[]', 'text[]'],
    ['integer[][]', 'integer[][]'],
    ['double precision', 'double precision'],
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
  ])('rejects %s with a reason', (input, reason) => {
    const parsed = parseColumnType(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
