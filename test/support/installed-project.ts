import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { REPO_ROOT } from './example-project.js';

/**
 * The published packages as a user gets them: packed with `npm pack`, installed from the
 * tarballs into a project outside the repository, run through `node_modules/.bin`.
 */

const run = promisify(execFile);

export const PACKAGES = ['core', 'drizzle', 'prisma', 'typeorm'] as const;
export type PackageFolder = (typeof PACKAGES)[number];

/** One tarball as `npm pack --json` describes it. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  readonly integrity: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly mode: number }>;
}

/** Packs the four packages' built `dist` into `destination`; refuses when a package is not built. */
export async function packPackages(destination: string): Promise<Record<PackageFolder, PackedPackage>> {
  for (const folder of PACKAGES) {
    if (!existsSync(join(REPO_ROOT, 'packages', folder, 'dist', 'index.js'))) {
      throw new Error(`packages/${folder}/dist is missing: run npm run build first`);
    }
  }
  const workspaces = PACKAGES.flatMap((folder) => ['-w', `packages/${folder}`]);
  // --ignore-scripts: what is packed is the build the rest of the suite tests, not a second one.
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...workspaces], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  const packed = JSON.parse(stdout) as Array<Omit<PackedPackage, 'tarball'> & { filename: string }>;
  const byFolder = {} as Record<PackageFolder, PackedPackage>;
  for (const folder of PACKAGES) {
    const found = packed.find((entry) => entry.name === `@orm-ai/${folder}`);
    if (!found) throw new Error(`npm pack produced no @orm-ai/${folder}`);
    byFolder[folder] = { name: found.name, version: found.version, tarball: join(destination, found.filename), integrity: found.integrity, files: found.files };
  }
  return byFolder;
}

/**
 * A project's install: its `package.json` installed from the registry, then the tarballs
 * with one `npm install -D` line, as the README tells a user. Kept in a cache outside the
 * repository (so nothing resolves to the workspace's packages), keyed by the manifest and
 * the tarballs' integrity: a second run with the same build installs nothing, and a
 * changed build reinstalls from npm's own cache (`--prefer-offline`) and replaces the older
 * entry. Returns the install's folder and whether it was installed now.
 */
export async function installProject(options: { name: string; manifest: object; tarballs: readonly PackedPackage[] }): Promise<{ dir: string; installedNow: boolean }> {
  const text = `${JSON.stringify(options.manifest, null, 2)}\n`;
  const hash = createHash('sha256').update(text);
  for (const packed of options.tarballs) hash.update(packed.integrity);
  const root = process.env.ORM_AI_INSTALL_TEST_CACHE ?? join(homedir(), '.cache', 'orm-ai', 'install-test');
  const dir = join(root, `${options.name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, 'installed'))) return { dir, installedNow: false };
  mkdirSync(root, { recursive: true });
  // Installed beside the cache and renamed into place: a failed install leaves no half cache.
  const staging = mkdtempSync(`${dir}.installing-`);
  try {
    writeFileSync(join(staging, 'package.json'), text);
    const npm = (...args: string[]) => run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error', ...args], { cwd: staging, timeout: 600_000 });
    await npm();
    await npm('-D', ...options.tarballs.map((packed) => packed.tarball));
    writeFileSync(join(staging, 'installed'), new Date().toISOString());
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  // Each build makes new tarballs and so a new entry of a few hundred MB: keep only the newest.
  const stale = new RegExp(`^${options.name}-[0-9a-f]{16}$`);
  for (const entry of readdirSync(root)) if (stale.test(entry) && join(root, entry) !== dir) rmSync(join(root, entry), { recursive: true, force: true });
  return { dir, installedNow: true };
}

/** A fresh copy of an example (minus node_modules) outside the repository, its `node_modules` linked to `installDir`'s. */
export function projectCopy(options: { example: string; manifest: object; installDir: string }): { root: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), `orm-ai-install-${options.example}-`));
  cpSync(join(REPO_ROOT, 'examples', options.example), root, {
    recursive: true,
    filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
  });
  writeFileSync(join(root, 'package.json'), `${JSON.stringify(options.manifest, null, 2)}\n`);
  symlinkSync(join(options.installDir, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** `node_modules/.bin/<bin> ...args` in `root`, as a user's shell runs it (the shim's shebang finds this Node). */
export async function runInstalledBin(options: { root: string; bin: string; args: readonly string[]; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(options.root, 'node_modules', '.bin', options.bin), [...options.args], {
      cwd: options.root,
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', ...options.env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The folder Node resolves `name` to from `from`, walking up the `node_modules` folders; null when absent. */
export function resolvePackageDir(from: string, name: string): string | null {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(directory) === directory) return null;
  }
}

/**
 * Every package `start` needs at run time (its dependencies, transitively, as resolved in
 * the install) whose `engines.node` the running Node does not satisfy, with the chain that
 * brought it. Peer dependencies are the user's own packages and are not followed.
 */
export function unsupportedEngines(start: string): string[] {
  const unsupported: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, chain: readonly string[]) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      engines?: { node?: string };
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    const here = [...chain, `${manifest.name}@${manifest.version}`];
    const wanted = manifest.engines?.node;
    if (wanted && !semver.satisfies(process.version, wanted, { includePrerelease: true })) unsupported.push(`${here.join(' > ')} needs node ${wanted}`);
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    for (const name of new Set([...Object.keys(manifest.dependencies ?? {}), ...optional])) {
      const found = resolvePackageDir(dir, name);
      // A platform's optional binary (esbuild's, for one) is absent on the others.
      if (found === null && optional.has(name)) continue;
      if (found === null) throw new Error(`${here.join(' > ')}: its dependency ${name} is not installed`);
      visit(found, here);
    }
  };
  visit(start, []);
  return unsupported;
}
