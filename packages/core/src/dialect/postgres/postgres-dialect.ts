import { analyzeMigration } from '../../safety/analyze-migration.js';
import { SAFETY_RULES } from '../../safety/rules/index.js';
import type { SafetyRuleDefinition } from '../../safety/safety-rule.js';
import { openShadowDatabase } from './shadow/open-shadow.js';
import type { Dialect } from '../dialect.js';
import { parseSql } from './parser.js';
import { postgresRoundTrip } from './postgres-round-trip.js';
import { pgliteExtensionsFor } from './shadow/pglite-extensions.js';
import { openPreparedShadow } from './shadow/prepared-shadow.js';

/** PostgreSQL: embedded PGlite by default, a server through `--shadow-url`. */
export const postgresDialect: Dialect = {
  name: 'postgresql',
  displayName: 'PostgreSQL',
  capabilities: { transactionalDdl: true, onlineIndexBuild: true, embeddedShadow: true },
  safetyRules: SAFETY_RULES as readonly SafetyRuleDefinition[],
  openShadow: (options) => openShadowDatabase(options),
  openPreparedShadow: (options) => openPreparedShadow(options),
  requireEmbeddedShadowRuns: async (sql) => {
    await pgliteExtensionsFor(sql);
  },
  splitStatements: (sql) => parseSql(sql),
  analyzeMigration: (options) => analyzeMigration(options),
  roundTrip: postgresRoundTrip,
};
