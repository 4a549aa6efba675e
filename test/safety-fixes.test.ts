import { describe, expect, it } from 'vitest';
import { postgresDialect, SAFETY_RULE_IDS, safetyRule, sqliteDialect, type Dialect, type DialectName, type OrmPlugin, type SafetyRuleId } from '@orm-ai/core';
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
};

const DIALECTS: Readonly<Partial<Record<DialectName, Dialect>>> = { postgresql: postgresDialect, sqlite: sqliteDialect };

/** The rules of the databases a plugin runs on (`OrmCapabilities.dialects`; PostgreSQL when it says none). */
function rulesFor(plugin: OrmPlugin): SafetyRuleId[] {
  return (plugin.capabilities.dialects ?? ['postgresql']).flatMap((name) => DIALECTS[name]!.safetyRules.map((rule) => rule.id as SafetyRuleId));
}

const PLUGINS: readonly OrmPlugin[] = [drizzlePlugin, prismaPlugin, typeormPlugin];

describe.each(PLUGINS)('$displayName: safety fixes in its own terms', (plugin) => {
  const fixes = plugin.capabilities.safetyFixes ?? {};
  const plain = Object.keys(PLAIN_SQL_FIX_IS_EVERY_ORMS);

  it('has a fix for every rule of the databases it runs on but those whose plain-SQL fix is every ORM\'s', () => {
    const missing = rulesFor(plugin).filter((id) => fixes[id] === undefined && !plain.includes(id));
    expect(missing).toEqual([]);
  });

  it('words each fix its own way, for rules that exist and are not on the plain list', () => {
    for (const [id, fix] of Object.entries(fixes)) {
      expect(SAFETY_RULE_IDS, id).toContain(id);
      expect(rulesFor(plugin), `${id}: a fix for a database ${plugin.displayName} does not run on`).toContain(id);
      expect(plain, `${id}: ${plugin.displayName} has a fix of its own, so it is not on the plain list`).not.toContain(id);
      expect(fix, `${id}: the plain-SQL fix copied`).not.toBe(safetyRule(id)?.fix);
    }
  });
});
