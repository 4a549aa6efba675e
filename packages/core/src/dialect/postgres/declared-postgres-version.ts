import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A PostgreSQL major version a project declares, and the files that declare it. */
export interface DeclaredPostgresVersion {
  readonly major: number;
  /** Relative to the project root: `docker-compose.yml`, `.github/workflows/ci.yml`. */
  readonly files: readonly string[];
}

/** Compose files at the project root, by the names `docker compose` looks for, then the overrides people add. */
const COMPOSE_FILE = /^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/;

/**
 * Images whose tag names PostgreSQL's major version, each with the pattern of that tag:
 * `postgres:16`, `postgres:16.4-alpine`, `postgis/postgis:16-3.4`, `pgvector/pgvector:pg16`,
 * `bitnami/postgresql:16`. An image without a version (`postgres`, `postgres:latest`,
 * `postgres:${PG}`) declares nothing.
 */
const IMAGE_LINE = /^\s*(?:-\s*)?image:\s*["']?(?:docker\.io\/)?(?:library\/)?(postgres|postgis\/postgis|pgvector\/pgvector|bitnami\/postgresql):(pg)?(\d+)(?:[.\-_][\w.-]*)?["']?\s*(?:#.*)?$/;

/**
 * The PostgreSQL major version the project runs, read from the `image:` of its compose files
 * at the root and the service containers of `.github/workflows`: the one place a project
 * states its server's version in a form a tool can read without guessing. When files
 * declare different versions the oldest is taken (the migration has to be safe on each).
 * Null when nothing declares one.
 */
export async function declaredPostgresVersion(root: string): Promise<DeclaredPostgresVersion | null> {
  const found = new Map<number, string[]>();
  for (const file of await candidateFiles(root)) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const major of imageVersions(text)) found.set(major, [...(found.get(major) ?? []), file]);
  }
  if (found.size === 0) return null;
  const major = Math.min(...found.keys());
  return { major, files: [...new Set(found.get(major))] };
}

/** The PostgreSQL majors named by `image:` lines of one YAML file. */
export function imageVersions(yaml: string): number[] {
  const majors: number[] = [];
  for (const line of yaml.split(/\r?\n/)) {
    const match = IMAGE_LINE.exec(line);
    // pgvector's tags are `pg16`; the others start with the version itself.
    if (match && (match[1] === 'pgvector/pgvector') === (match[2] === 'pg')) majors.push(Number(match[3]));
  }
  return majors;
}

async function candidateFiles(root: string): Promise<string[]> {
  const list = async (folder: string) => (await readdir(join(root, folder), { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isFile()).map((entry) => entry.name);
  const compose = (await list('.')).filter((name) => COMPOSE_FILE.test(name)).sort();
  const workflows = (await list('.github/workflows')).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => `.github/workflows/${name}`);
  return [...compose, ...workflows];
}
