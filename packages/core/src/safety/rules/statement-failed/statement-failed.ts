import { defineSafetyRule } from '../../safety-rule.js';

export const statementFailed = defineSafetyRule({
  id: 'statement-failed',
  severity: 'error',
  phase: 'measurement',
  squawk: [],
  fix: 'Fix the statement: the shadow database, holding every earlier migration and seeded rows, rejected it.',
  *check({ measurement }) {
    if (!measurement.ok) yield `The shadow database rejected it: ${measurement.error}`;
  },
});
