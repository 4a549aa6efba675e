import { describe, expect, it } from 'vitest';
import { SAFETY_RULE_IDS, safetyRule, type OrmPlugin, type SafetyRuleId } from '@orm-ai/core';
import { drizzlePlugin } from '@orm-ai/drizzle';
import { prismaPlugin } from '@orm-ai/prisma';
import { typeormPlugin } from '@orm-ai/typeorm';

/**
 * Issue 15: a finding's fix is said in the user's ORM's terms. Every plugin's `safetyFixes`
 * names every rule except the ones below, whose plain-SQL fix already reads the same in any
 * ORM, each with the reason. A new rule fails here until each plugin words its fix or the
 * rule joins this list.
 */
const PLAIN_SQL_FIX_IS_EVERY_ORMS: Partial<Record<SafetyRuleId, string>> = {
  'statement-failed': 'the shadow rejected the statement itself: the fix is to that SQL, whichever tool wrote it',
  // Until a plugin reads SQLite projects (issue 16: the Drizzle plugin's sqlite-core support
  // words these in Drizzle's terms, and the second test then asks for their removal here).
  'sqlite-cascade-deletes-rows': 'no plugin runs on SQLite yet',
  'sqlite-foreign-key-check-missing': 'no plugin runs on SQLite yet',
  'sqlite-recreation-copy-mismatch': 'no plugin runs on SQLite yet',
  'sqlite-unsupported-alter': 'no plugin runs on SQLite yet',
};

const PLUGINS: readonly OrmPlugin[] = [drizzlePlugin, prismaPlugin, typeormPlugin];

describe.each(PLUGINS)('$displayName: safety fixes in its own terms', (plugin) => {
  const fixes = plugin.capabilities.safetyFixes ?? {};
  const plain = Object.keys(PLAIN_SQL_FIX_IS_EVERY_ORMS);

  it('has a fix for every rule but those whose plain-SQL fix is every ORM\'s', () => {
    const missing = SAFETY_RULE_IDS.filter((id) => fixes[id] === undefined && !plain.includes(id));
    expect(missing).toEqual([]);
  });

  it('words each fix its own way, for rules that exist and are not on the plain list', () => {
    for (const [id, fix] of Object.entries(fixes)) {
      expect(SAFETY_RULE_IDS, id).toContain(id);
      expect(plain, `${id}: ${plugin.displayName} has a fix of its own, so it is not on the plain list`).not.toContain(id);
      expect(fix, `${id}: the plain-SQL fix copied`).not.toBe(safetyRule(id)?.fix);
    }
  });
});
