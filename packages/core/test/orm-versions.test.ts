import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrmAiError } from '../src/errors.js';
import { installedPackage, requireSupportedVersions, type SupportedPackage } from '../src/orm-versions.js';

const made: string[] = [];
afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A workspace with packages installed as npm lays them out: `<dir>/node_modules/<name>/package.json`. */
function workspace(installs: Record<string, Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'orm-versions-'));
  made.push(root);
  for (const [directory, packages] of Object.entries(installs)) {
    for (const [name, version] of Object.entries(packages)) {
      const at = join(root, directory, 'node_modules', name);
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'package.json'), JSON.stringify({ name, version }));
    }
  }
  return root;
}

const drizzle: SupportedPackage[] = [
  { name: 'drizzle-orm', range: '>=0.30.0 <0.46.0', described: '0.30 to 0.45' },
  { name: 'drizzle-kit', range: '>=0.20.0 <0.32.0', described: '0.20 to 0.31' },
];

function refusal(run: () => unknown): OrmAiError {
  try {
    run();
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the installed ORM versions', () => {
  it('are read from the nearest node_modules walking up, as require finds them', () => {
    const root = workspace({ '.': { 'drizzle-kit': '0.31.1' }, 'apps/web': { 'drizzle-kit': '0.24.2' } });
    expect(installedPackage(join(root, 'apps/web'), 'drizzle-kit')?.version).toBe('0.24.2');
    expect(installedPackage(join(root, 'apps/api'), 'drizzle-kit')?.version).toBe('0.31.1');
    expect(installedPackage(join(root, 'apps/api'), 'drizzle-orm')).toBeNull();
  });

  it('inside the supported ranges pass, prereleases included', () => {
    const root = workspace({ '.': { 'drizzle-orm': '0.34.1', 'drizzle-kit': '0.31.0-beta.2' } });
    expect(requireSupportedVersions(root, drizzle).map((found) => [found.name, found.version, found.supported])).toEqual([
      ['drizzle-orm', '0.34.1', true],
      ['drizzle-kit', '0.31.0-beta.2', true],
    ]);
  });

  it('outside a range are refused with the installed version and the supported range', () => {
    const root = workspace({ '.': { 'drizzle-orm': '0.29.5', 'drizzle-kit': '0.31.1' } });
    const error = refusal(() => requireSupportedVersions(root, drizzle));
    expect(error.code).toBe('UNSUPPORTED_ORM_VERSION');
    expect(error.message).toContain('drizzle-orm 0.29.5 is outside the supported versions (0.30 to 0.45)');
    expect(error.message).not.toContain('drizzle-kit');
    expect(error.hint).toContain('upgrade');
  });

  it('that are missing are named with the supported range, and the hint says to install', () => {
    const root = workspace({ '.': { 'drizzle-orm': '0.50.0' } });
    const error = refusal(() => requireSupportedVersions(root, drizzle));
    expect(error.message).toContain('drizzle-orm 0.50.0 is outside the supported versions (0.30 to 0.45)');
    expect(error.message).toContain('drizzle-kit is not installed (supported: 0.20 to 0.31)');
    expect(error.hint).toContain('npm install');
  });
});
