import { OrmAiError } from '../../errors.js';
import type { ShadowDatabase } from '../../shadow/shadow-database.js';
import { declaredPostgresVersion, type DeclaredPostgresVersion } from './declared-postgres-version.js';
import { majorOfVersionNum, PostgresTarget, TARGET_VERSIONS } from './postgres-versions.js';

/** Where the target version came from, in the order the default is looked for. */
export type TargetSource = 'flag' | 'shadow-server' | 'project' | 'embedded-shadow';

/** The versions a safety analysis states: the one it measured on, and the one it judges for. */
export interface PostgresVersions {
  /** The shadow's `server_version`: `18.6`. */
  readonly measuredOn: string;
  readonly shadow: PostgresTarget;
  readonly target: PostgresTarget;
  readonly targetFrom: TargetSource;
  /** With `targetFrom: 'project'`: the files that declare it. */
  readonly declaredIn?: readonly string[] | undefined;
}

/** The versions as reports state them (`postgres` in every migration's analysis). */
export interface PostgresVersionsStated {
  readonly measuredOn: string;
  readonly target: number;
  readonly targetFrom: TargetSource;
  readonly declaredIn: readonly string[];
}

export function statedVersions(versions: PostgresVersions): PostgresVersionsStated {
  return { measuredOn: versions.measuredOn, target: versions.target.major, targetFrom: versions.targetFrom, declaredIn: versions.declaredIn ?? [] };
}

export interface ResolveTargetOptions {
  /** `--pg-version`, already checked by `pgVersionFlag`. */
  readonly flag?: number | undefined;
  /** The shadow the migration is measured on. */
  readonly shadow: ShadowDatabase;
  /** Whether the shadow is a server the user named (`--shadow-url`): its version is then the production one. */
  readonly server: boolean;
  /** The project root, where compose files and workflows declare a version; null for none. */
  readonly projectRoot: string | null;
}

/**
 * The target PostgreSQL version: `--pg-version`, else the `--shadow-url` server's, else what
 * the project declares (`declaredPostgresVersion`), else the embedded shadow's own. A
 * declared version outside `TARGET_VERSIONS` is `PG_VERSION_UNSUPPORTED`.
 */
export async function resolvePostgresVersions(options: ResolveTargetOptions): Promise<PostgresVersions> {
  const measured = await shadowVersion(options.shadow);
  const shadow = new PostgresTarget(measured.major);
  const versions = (target: number, targetFrom: TargetSource, declaredIn?: readonly string[]): PostgresVersions => ({
    measuredOn: measured.version,
    shadow,
    target: new PostgresTarget(target),
    targetFrom,
    ...(declaredIn ? { declaredIn } : {}),
  });
  if (options.flag !== undefined) return versions(options.flag, 'flag');
  if (options.server) return versions(measured.major, 'shadow-server');
  const declared = options.projectRoot === null ? null : await declaredPostgresVersion(options.projectRoot);
  if (declared) return versions(checkedDeclaration(declared), 'project', declared.files);
  return versions(measured.major, 'embedded-shadow');
}

/** The shadow's version, read from the server itself. */
export async function shadowVersion(shadow: ShadowDatabase): Promise<{ version: string; major: number }> {
  // Through isolated(): a query run on a prepared shadow directly keeps a daemon from lending it to the next run.
  const [row] = await shadow.isolated({}, (view) =>
    view.query<{ version: string; num: string }>("SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num"),
  );
  // Distributions append their build: `15.4 (Debian 15.4-1.pgdg120+1)`.
  return { version: String(row!.version).split(' ')[0]!, major: majorOfVersionNum(Number(row!.num)) };
}

/**
 * `--pg-version N`, checked before anything is read: a major version within
 * `TARGET_VERSIONS`, else a `USAGE` error naming the value.
 */
export function pgVersionFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const major = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (isSupported(major)) return major;
  throw new OrmAiError('USAGE', `--pg-version "${value}" is not a PostgreSQL major version from ${TARGET_VERSIONS.oldest} to ${TARGET_VERSIONS.newest}`, {
    hint: `Pass the major version your production server runs, e.g. --pg-version 16 (SELECT current_setting('server_version_num') / 10000).`,
  });
}

function checkedDeclaration(declared: DeclaredPostgresVersion): number {
  if (isSupported(declared.major)) return declared.major;
  throw new OrmAiError(
    'PG_VERSION_UNSUPPORTED',
    `${declared.files.join(', ')} declares PostgreSQL ${declared.major}; the safety analysis knows PostgreSQL ${TARGET_VERSIONS.oldest} to ${TARGET_VERSIONS.newest}`,
    { hint: `Pass --pg-version N (${TARGET_VERSIONS.oldest}-${TARGET_VERSIONS.newest}) to judge the migrations for the nearest version you will run.` },
  );
}

function isSupported(major: number): boolean {
  return Number.isInteger(major) && major >= TARGET_VERSIONS.oldest && major <= TARGET_VERSIONS.newest;
}
