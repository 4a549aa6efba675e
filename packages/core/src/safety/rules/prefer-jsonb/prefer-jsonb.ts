import { defineSafetyRule } from '../../safety-rule.js';
import { typesWritten } from '../../statement-ast.js';

export const preferJsonb = defineSafetyRule({
  id: 'prefer-jsonb',
  severity: 'warning',
  phase: 'parse-tree',
  squawk: [],
  fix: 'Use jsonb: json keeps the text as written, cannot be indexed with GIN and has no equality operator.',
  *check({ kind, node }) {
    for (const { column, type } of typesWritten(kind, node)) if (type.name === 'json') yield `Column ${column} is json.`;
  },
});
