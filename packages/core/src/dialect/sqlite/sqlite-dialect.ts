import { OrmAiError } from '../../errors.js';
import { SQLITE_SAFETY_RULES } from '../../safety/rules/index.js';
import type { SafetyRuleDefinition } from '../../safety/safety-rule.js';
import type { Dialect } from '../dialect.js';

/**
 * SQLite's modules, loaded on first use: the parser is 23 MB of WebAssembly, and a project
 * on another database never needs it.
 */
type SqliteModules = {
  readonly shadow: typeof import('./shadow.js');
  readonly parser: typeof import('./parser.js');
  readonly prepared: typeof import('./prepared-shadow.js');
  readonly analysis: typeof import('./analyze-migration.js');
  readonly roundTrip: typeof import('./round-trip.js');
};

let modules: Promise<SqliteModules> | undefined;

/** SQLite's parser, an optional peer dependency of core, at the version core is tested with (package.json). */
const SQLITE_PARSER = '@polyglot-sql/sdk';
const SQLITE_PARSER_VERSION = '0.12.1';

function sqlite(): Promise<SqliteModules> {
  modules ??= Promise.all([import('./shadow.js'), import('./parser.js'), import('./prepared-shadow.js'), import('./analyze-migration.js'), import('./round-trip.js')])
    .then(([shadow, parser, prepared, analysis, roundTrip]) => ({ shadow, parser, prepared, analysis, roundTrip }))
    .catch((error: unknown) => {
      modules = undefined;
      const message = error instanceof Error ? error.message : String(error);
      // The parser is an optional peer (it declares Node 22, which core does not require): a
      // SQLite project installs it itself, and is told how when it has not.
      const parserMissing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && message.includes(SQLITE_PARSER);
      throw new OrmAiError('SHADOW_UNAVAILABLE', `SQLite's parser or shadow could not load: ${message}`, {
        hint: parserMissing
          ? `SQLite projects need SQLite's parser beside orm-ai: npm install --save-dev ${SQLITE_PARSER}@${SQLITE_PARSER_VERSION}, then run again. Nothing was read or written.`
          : "SQLite needs @polyglot-sql/sdk and sql.js installed beside @orm-ai/core: reinstall the project's dependencies (npm ci).",
        cause: error,
      });
    });
  return modules;
}

/**
 * SQLite: the shadow is SQLite itself in memory (sql.js); DDL is transactional, there is no
 * online index build (a writer holds the whole file), and its safety rules judge what a
 * table recreation does to rows and values.
 */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  displayName: 'SQLite',
  capabilities: { transactionalDdl: true, onlineIndexBuild: false, embeddedShadow: true },
  safetyRules: SQLITE_SAFETY_RULES as readonly SafetyRuleDefinition[],
  async openShadow(options) {
    if (options.server) {
      throw new OrmAiError('USAGE', `--shadow-url names a server, and SQLite has none: ${options.server.url}`, { hint: 'Leave --shadow-url out: the SQLite shadow runs in memory.' });
    }
    return (await sqlite()).shadow.openSqliteShadow();
  },
  async openPreparedShadow(options) {
    if (options.server) return this.openShadow(options);
    return (await sqlite()).prepared.openPreparedSqliteShadow(sqliteDialect, options);
  },
  // The embedded shadow is SQLite itself: whatever the history needs, it has, once its
  // modules load; a missing parser is told here, before a model is asked.
  async requireEmbeddedShadowRuns() {
    await sqlite();
  },
  async splitStatements(sql) {
    return (await sqlite()).parser.parseSql(sql);
  },
  async analyzeMigration(options) {
    return (await sqlite()).analysis.analyzeSqliteMigration(options);
  },
  roundTrip: {
    tablesToWatch: async (shadow, migration) => (await sqlite()).roundTrip.sqliteRoundTrip.tablesToWatch(shadow, migration),
    seed: async (shadow, tables) => (await sqlite()).roundTrip.sqliteRoundTrip.seed(shadow, tables),
    snapshot: async (shadow) => (await sqlite()).roundTrip.sqliteRoundTrip.snapshot(shadow),
    readRows: async (shadow, tables) => (await sqlite()).roundTrip.sqliteRoundTrip.readRows(shadow, tables),
    changesAfterUp: async (shadow, before) => (await sqlite()).roundTrip.sqliteRoundTrip.changesAfterUp(shadow, before),
    changesAfterDown: async (shadow, before) => (await sqlite()).roundTrip.sqliteRoundTrip.changesAfterDown(shadow, before),
  },
};
