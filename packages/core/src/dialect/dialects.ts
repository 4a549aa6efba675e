import { OrmAiError } from '../errors.js';
import type { ConfiguredDatabase, Dialect, DialectName } from './dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

/** The supported dialects; adding one is adding its folder and its line here. */
const DIALECTS: readonly Dialect[] = [postgresDialect, sqliteDialect];

const DISPLAY_NAMES: Readonly<Record<DialectName, string>> = { postgresql: 'PostgreSQL', sqlite: 'SQLite', mysql: 'MySQL/MariaDB' };

export interface DialectForOptions {
  /** The databases the project's ORM plugin handles (`OrmCapabilities.dialects`); absent, PostgreSQL. */
  readonly orm?: readonly DialectName[] | undefined;
}

const ORM_DEFAULT: readonly DialectName[] = ['postgresql'];

/**
 * The dialect for the database a project's config names. Throws `DIALECT_UNSUPPORTED`,
 * naming the setting and the file, for a database no dialect covers yet: before the schema
 * is read or a model asked, so nothing is spent and nothing written.
 */
export function dialectFor(database: ConfiguredDatabase, options: DialectForOptions = {}): Dialect {
  const available = DIALECTS.filter((candidate) => (options.orm ?? ORM_DEFAULT).includes(candidate.name));
  const dialect = available.find((candidate) => candidate.name === database.dialect);
  if (dialect) return dialect;
  const supported = available.map((candidate) => candidate.displayName).join(', ');
  const known = database.dialect !== null && DIALECTS.some((candidate) => candidate.name === database.dialect);
  const what =
    database.dialect === null
      ? 'a database orm-ai has no dialect for'
      : `${DISPLAY_NAMES[database.dialect]}, which orm-ai does not support ${known ? 'with this ORM ' : ''}yet`;
  throw new OrmAiError('DIALECT_UNSUPPORTED', `${database.file}: ${database.setting} is ${what}; supported: ${supported}`, {
    hint: `With this ORM, orm-ai works with ${supported} projects; MySQL/MariaDB is planned. Nothing was read or written.`,
  });
}

