import { defineSafetyRule } from '../../safety-rule.js';
import { typesWritten } from '../../statement-ast.js';

export const preferTimestamptz = defineSafetyRule({
  id: 'prefer-timestamptz',
  severity: 'info',
  phase: 'parse-tree',
  squawk: ['prefer-timestamp-tz'],
  fix: 'Use timestamptz (timestamp with time zone): timestamp without time zone silently depends on the session time zone.',
  *check({ kind, node }) {
    for (const { column, type } of typesWritten(kind, node)) if (type.name === 'timestamp') yield `Column ${column} is timestamp without time zone.`;
  },
});
