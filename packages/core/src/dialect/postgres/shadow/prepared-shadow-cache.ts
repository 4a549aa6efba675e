import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationScript, OrmCapabilities } from '../../../orm-plugin.js';
import { installedPackage } from '../../../orm-versions.js';

/**
 * Prepared shadows on disk: the data directory of an embedded shadow after a prefix of the
 * project's migrations, so a later run loads it instead of starting PostgreSQL from initdb and
 * replaying the history. An entry is keyed by everything that changes what the data directory
 * holds: this format, the PGlite version, how the ORM's migrator wraps migrations in
 * transactions, and every migration of the prefix (its id and SQL, chained in order), so
 * editing an old migration misses and adding one finds the prefix before it.
 *
 * An entry is one file, written to a temporary name and renamed into place, so two runs at
 * once each leave a whole entry. It carries the digest of its body, checked on every read: a
 * truncated or altered entry is deleted and rebuilt, never loaded.
 */
const FORMAT = 1;
const ENTRY_SUFFIX = '.pgdata';
/** Entries kept per cache folder: the newest, since an edited history leaves old ones unreachable. */
const KEPT_ENTRIES = 4;

export interface CachedShadow {
  /** How many of the scripts it holds, from the first. */
  readonly count: number;
  /** The role the shadow's objects belong to; a loaded shadow acts as it again. */
  readonly role: string;
  /** The data directory, as PGlite dumps it (gzip'd tar). */
  readonly dataDir: Blob;
}

export interface ShadowCacheHeader {
  readonly format: number;
  readonly key: string;
  readonly count: number;
  readonly role: string;
  readonly sha256: string;
}

/** The folder prepared shadows are cached in: `ORM_AI_CACHE_DIR`, else the project's `node_modules/.cache/orm-ai`, else none. */
export function shadowCacheDir(options: { root: string; env: Readonly<Record<string, string | undefined>> }): string | undefined {
  const chosen = options.env.ORM_AI_CACHE_DIR?.trim();
  if (chosen) return chosen;
  const modules = join(options.root, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'orm-ai') : undefined;
}

/** The key of every prefix of `scripts`: `keys[n]` names the state after the first n. */
export function prefixKeys(scripts: readonly MigrationScript[], transaction: OrmCapabilities['migrationTransaction']): string[] {
  const pglite = installedPackage(dirname(fileURLToPath(import.meta.url)), '@electric-sql/pglite')?.version ?? 'unknown';
  const keys = [digest(JSON.stringify({ format: FORMAT, pglite, transaction }))];
  for (const script of scripts) keys.push(digest(`${keys.at(-1)}\0${script.id}\0${script.sql}`));
  return keys;
}

/** The data directory initdb leaves, one per PGlite version: its own suffix, so prefix entries never push it out. */
const INITDB_SUFFIX = '.initdb';

function initdbKey(): string {
  const pglite = installedPackage(dirname(fileURLToPath(import.meta.url)), '@electric-sql/pglite')?.version ?? 'unknown';
  return digest(JSON.stringify({ format: FORMAT, pglite, initdb: true }));
}

/** A fresh cluster's data directory (what initdb leaves) cached in `dir`, or null. */
export async function cachedInitdb(dir: string): Promise<Blob | null> {
  const key = initdbKey();
  return (await readEntry(join(dir, `${key}${INITDB_SUFFIX}`), key, 0))?.dataDir ?? null;
}

/** Caches a fresh cluster's data directory; another PGlite version's is removed. */
export async function storeInitdb(dir: string, dataDir: Blob): Promise<void> {
  const key = initdbKey();
  await writeEntry(join(dir, `${key}${INITDB_SUFFIX}`), { format: FORMAT, key, count: 0, role: '' }, dataDir);
  const stale = (await readdir(dir)).filter((name) => name.endsWith(INITDB_SUFFIX) && name !== `${key}${INITDB_SUFFIX}`);
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
}

/** The cached shadow holding the longest prefix of the scripts, or null. A damaged entry is deleted on the way. */
export async function longestCachedPrefix(dir: string, keys: readonly string[]): Promise<CachedShadow | null> {
  const present = new Set(await readdir(dir).catch(() => [] as string[]));
  for (let count = keys.length - 1; count >= 1; count -= 1) {
    const name = `${keys[count]}${ENTRY_SUFFIX}`;
    if (!present.has(name)) continue;
    const entry = await readEntry(join(dir, name), keys[count]!, count);
    if (entry) return entry;
  }
  return null;
}

/** Writes an entry atomically, then trims the folder to the newest entries. */
export async function storeCachedShadow(dir: string, key: string, shadow: CachedShadow): Promise<void> {
  await writeEntry(join(dir, `${key}${ENTRY_SUFFIX}`), { format: FORMAT, key, count: shadow.count, role: shadow.role }, shadow.dataDir);
  await trim(dir);
}

async function writeEntry(path: string, header: Omit<ShadowCacheHeader, 'sha256'>, dataDir: Blob): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const body = Buffer.from(await dataDir.arrayBuffer());
  const full: ShadowCacheHeader = { ...header, sha256: digest(body) };
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(full)}\n`), body]));
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function readEntry(path: string, key: string, count: number): Promise<CachedShadow | null> {
  const bytes = await readFile(path).catch(() => null);
  if (!bytes) return null;
  const newline = bytes.indexOf(0x0a);
  const header = newline > 0 ? parseHeader(bytes.subarray(0, newline).toString('utf8')) : null;
  const body = bytes.subarray(newline + 1);
  if (!header || header.format !== FORMAT || header.key !== key || header.count !== count || header.sha256 !== digest(body)) {
    await rm(path, { force: true });
    return null;
  }
  // Trimming keeps the newest: a used entry counts as new.
  const now = new Date();
  await utimes(path, now, now).catch(() => undefined);
  return { count, role: header.role, dataDir: new Blob([body]) };
}

function parseHeader(line: string): ShadowCacheHeader | null {
  try {
    const value = JSON.parse(line) as Partial<ShadowCacheHeader>;
    const valid =
      typeof value.format === 'number' && typeof value.key === 'string' && typeof value.count === 'number' && typeof value.role === 'string' && typeof value.sha256 === 'string';
    return valid ? (value as ShadowCacheHeader) : null;
  } catch {
    return null;
  }
}

/** A temporary file this old belongs to a run that was killed while writing. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

async function trim(dir: string): Promise<void> {
  const all = await readdir(dir);
  const abandoned = all.filter((name) => name.endsWith('.tmp'));
  await Promise.all(
    abandoned.map(async (name) => {
      const modified = (await stat(join(dir, name)).catch(() => null))?.mtimeMs;
      if (modified !== undefined && Date.now() - modified > ABANDONED_AFTER_MS) await rm(join(dir, name), { force: true });
    }),
  );
  const names = all.filter((name) => name.endsWith(ENTRY_SUFFIX));
  if (names.length <= KEPT_ENTRIES) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, modified: (await stat(join(dir, name)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((left, right) => right.modified - left.modified);
  await Promise.all(dated.slice(KEPT_ENTRIES).map(({ name }) => rm(join(dir, name), { force: true })));
}

function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
