import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Extension, Extensions } from '@electric-sql/pglite';
import { OrmAiError } from '../../../errors.js';
import { parseSql } from '../parser.js';
import { extensionFromPackage, packagedExtensionNames } from './pglite-extension-packages.js';

/**
 * PGlite ships PostgreSQL's contrib extensions inside its package (`dist/<bundle>.tar.gz`, one
 * module each under `@electric-sql/pglite/contrib/<name>`), but a PGlite only has the ones
 * passed to `PGlite.create({ extensions })` when it starts: without them `CREATE EXTENSION
 * pgcrypto` fails with `extension "pgcrypto" is not available`, and a running instance cannot
 * load more. So whoever starts a PGlite asks here, with the SQL it will run, what to load.
 *
 * The embedded shadow runs that SQL as a confined role that owns its database (see
 * `confinePglite`). PostgreSQL lets such a role create *trusted* extensions itself (pgcrypto,
 * uuid-ossp, citext, pg_trgm, hstore, ltree, btree_gin, ...: their control file says
 * `trusted = true`), so the migrations' own `CREATE EXTENSION` runs as written and the wall
 * stays whole. Pre-creating them as the superuser instead would change the replay (a plain
 * `CREATE EXTENSION` would then fail with "already exists", and a down's `DROP EXTENSION`
 * would need the superuser's objects), so nothing is pre-created; an untrusted extension is
 * refused up front, since the confined role could never create it.
 *
 * `vector` (pgvector) is not in PGlite's package: it comes from its own package, imported only
 * when the SQL creates it, and is trusted inside the shadow (see `pglite-extension-packages.ts`).
 */

/** PostgreSQL's built-in procedural language: in every PGlite, no module to load. */
const BUILT_IN = new Set(['plpgsql']);

/**
 * The extensions that `sql` creates (`CREATE EXTENSION [IF NOT EXISTS] name`), in order of first
 * appearance, as PostgreSQL's parser reads them. SQL that does not parse is skipped: the replay
 * reports it with its file and line.
 */
export async function extensionsCreatedBy(sql: readonly string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const text of sql) {
    const parsed = await parseSql(text);
    if (!parsed.ok) continue;
    for (const statement of parsed.statements) {
      const created = statement.ast.CreateExtensionStmt as { extname?: string } | undefined;
      if (created?.extname) names.add(created.extname);
    }
  }
  return [...names];
}

/**
 * The `extensions` option of `PGlite.create` for a PGlite that will run `sql`: one module for
 * each extension the SQL creates, from PGlite's contrib or, for `vector`, pgvector's package.
 * Throws `SHADOW_EXTENSION_UNAVAILABLE` naming an extension neither ships (`postgis`) or that
 * only a superuser may create.
 *
 * @example
 * const extensions = await pgliteExtensionsFor([migration.sql]);
 * const database = await PGlite.create({ extensions });
 */
export async function pgliteExtensionsFor(sql: readonly string[]): Promise<Extensions> {
  return pgliteExtensionsNamed(await extensionsCreatedBy(sql));
}

/** The `extensions` option for these extension names, keyed by module name (`uuid_ossp`); see `pgliteExtensionsFor`. */
export async function pgliteExtensionsNamed(names: readonly string[]): Promise<Extensions> {
  const extensions: Extensions = {};
  for (const name of names) {
    if (BUILT_IN.has(name)) continue;
    const packaged = await extensionFromPackage(name);
    if (packaged && !packaged.found) throw unavailable(name, packaged.reason);
    if (packaged) {
      extensions[moduleName(name)] = packaged.extension;
      continue;
    }
    const extension = await contribModule(name);
    if (!extension) throw unavailable(name, 'this PGlite does not ship it');
    if (!(await isTrusted(extension, name))) {
      throw unavailable(
        name,
        'only a superuser may create it, and the shadow runs as a confined role',
        // A server shadow is confined too: it is a copy of template1, made by a throwaway role.
        ` Being untrusted, it must already be in that server's template1, or add --unconfined-shadow.`,
      );
    }
    extensions[moduleName(name)] = extension;
  }
  return extensions;
}

/**
 * Every extension the installed PGlite ships that a database owner may create, and `vector`,
 * keyed by module name: for a PGlite whose SQL is not known when it starts. TypeORM is the case:
 * its driver creates extensions on connecting, chosen by the entities' column types (citext,
 * hstore, ltree, cube, uuid-ossp, vector for `vector`/`halfvec` columns), and its migrations are
 * code whose SQL is only seen by running them. The bundles are small (about 0.4 MB together
 * besides pgcrypto's 1.1 MB; pgvector's is 50 KB) and a module's library is only opened by
 * `CREATE EXTENSION`, so loading them all costs little at start. A separate package that does
 * not load is left out, as PGlite's missing modules are.
 */
export function trustedPgliteExtensions(): Promise<Extensions> {
  trustedModules ??= readTrustedModules();
  return trustedModules;
}

let trustedModules: Promise<Extensions> | undefined;

async function readTrustedModules(): Promise<Extensions> {
  const modules = readdirSync(contribDirectory())
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -'.js'.length));
  const extensions: Extensions = {};
  for (const module of modules) {
    const loaded = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, unknown>;
    for (const extension of Object.values(loaded).filter(isExtension)) {
      if (await isTrusted(extension, extension.name)) extensions[module] = extension;
    }
  }
  for (const name of packagedExtensionNames()) {
    const packaged = await extensionFromPackage(name);
    if (packaged?.found) extensions[moduleName(name)] = packaged.extension;
  }
  return extensions;
}

function unavailable(name: string, reason: string, more = ''): OrmAiError {
  return new OrmAiError('SHADOW_EXTENSION_UNAVAILABLE', `the migrations create the extension "${name}", which the embedded PGlite shadow cannot create: ${reason}`, {
    hint: `Pass --shadow-url postgres://... naming a PostgreSQL server that has "${name}" installed; the shadow is then a throwaway database there.${more}`,
  });
}

/** `uuid-ossp` lives in `contrib/uuid_ossp`: module names cannot hold a dash. */
function moduleName(extension: string): string {
  return extension.replaceAll('-', '_');
}

/** The folder of PGlite's contrib modules, found from the installed package rather than a list kept here. */
function contribDirectory(): string {
  return dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite/contrib/pgcrypto')));
}

/** The contrib module that provides `name`, or undefined when the installed PGlite has none. */
async function contribModule(name: string): Promise<Extension | undefined> {
  const file = join(contribDirectory(), `${moduleName(name)}.js`);
  if (!/^[a-z0-9_-]+$/.test(name) || !existsSync(file)) return undefined;
  const module = (await import(`@electric-sql/pglite/contrib/${moduleName(name)}`)) as Record<string, unknown>;
  return Object.values(module).find((value): value is Extension => isExtension(value) && value.name === name);
}

function isExtension(value: unknown): value is Extension {
  return typeof value === 'object' && value !== null && typeof (value as Extension).name === 'string' && typeof (value as Extension).setup === 'function';
}

/**
 * Whether the extension's control file, inside the module's bundle, says `trusted = true`: read
 * from the package, so it is PostgreSQL's own verdict for the version PGlite ships.
 */
function isTrusted(extension: Extension, name: string): Promise<boolean> {
  let trusted = trustedByName.get(name);
  if (!trusted) {
    trusted = (async () => {
      // A contrib module's setup only names its bundle; it touches neither argument.
      const { bundlePath } = await extension.setup(undefined as never, undefined);
      if (!bundlePath) return false;
      const control = controlFileIn(gunzipSync(await readFile(bundlePath)), `${name}.control`);
      return control !== undefined && /^\s*trusted\s*=\s*'?true'?\s*$/m.test(control);
    })();
    trustedByName.set(name, trusted);
  }
  return trusted;
}

/** Each bundle is read once per process (pgcrypto's is 1.1 MB). */
const trustedByName = new Map<string, Promise<boolean>>();

/** The text of the file whose name ends in `/<fileName>` in an uncompressed tar archive. */
function controlFileIn(tar: Buffer, fileName: string): string | undefined {
  // ustar: 512-byte headers (name at 0..100, size in octal at 124..136), contents padded to 512.
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const path = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    if (path === '') return undefined;
    const size = Number.parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (path.endsWith(`/${fileName}`)) return tar.subarray(offset + 512, offset + 512 + size).toString('utf8');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
