import { blocksWrites } from '../../../dialect/postgres/lock-modes.js';
import { defineSafetyRule } from '../../safety-rule.js';

export const lockTimeoutMissing = defineSafetyRule({
  id: 'lock-timeout-missing',
  severity: 'warning',
  phase: 'measurement',
  squawk: ['require-lock-timeout'],
  fix: "Start the migration with SET lock_timeout = '5s' (SET LOCAL inside a transaction) so a statement waiting for its lock behind a long transaction fails instead of queueing every conflicting query behind it.",
  *check({ measurement, lockTimeoutSet, foundBefore }) {
    // Once per migration: the first statement that would queue writes behind it is where the SET belongs.
    if (!measurement.ok || lockTimeoutSet || foundBefore('lock-timeout-missing')) return;
    // A documented lock counts too: VACUUM FULL, outside any transaction, still queues behind running ones.
    const blocking = measurement.locks.find((lock) => blocksWrites(lock.mode));
    if (blocking) {
      yield `This statement takes ${blocking.mode} on ${blocking.relation} (${blocking.measured ? 'measured' : 'documented'}) with no lock_timeout set: while it waits behind any running transaction on ${blocking.relation}, every query it conflicts with (${blocking.blocks}) queues behind it.`;
    }
  },
});
