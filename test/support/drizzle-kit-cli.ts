import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './example-project.js';

const DRIZZLE_KIT = join(REPO_ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');

/**
 * The workspace's drizzle-kit CLI run in a project (its paths are relative to the working
 * directory). `generate` exits 0 even on failure, so its words are what count; `check` exits
 * 1 on a malformed or colliding snapshot and only warns (on stderr) about the journal's order.
 */
export function drizzleKit(root: string, args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [DRIZZLE_KIT, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status, stdout, stderr };
}

/** What `drizzle-kit generate` printed: `No schema changes, nothing to migrate` when the migrations hold the schema. */
export function drizzleKitGenerate(root: string, args: readonly string[] = []): string {
  return drizzleKit(root, ['generate', ...args]).stdout;
}
