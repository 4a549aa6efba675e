import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';

/**
 * What a run killed with SIGKILL (or a power cut) leaves in a project, removed by the next
 * run: temporary files beside the user's files (`schema.ts.orm-ai-<pid>-<n>.tmp`, from
 * `writeFilesAtomically`) and staging folders (`node_modules/.cache/orm-ai/stage-<pid>-<hex>`,
 * from `stageSources`). Only those whose process is gone: a run going on beside this one keeps
 * its own. Ctrl-C and SIGTERM clean up at once (see `interrupts.ts`).
 */

/** `<target>.orm-ai-<pid>-<n>.tmp`: the name `writeFilesAtomically` gives a file before renaming it into place. */
export function temporaryPathFor(target: string, index: number): string {
  return `${target}.orm-ai-${process.pid}-${index}.tmp`;
}

/** The folder every staging folder of a project lives in. */
export function stagingRoot(projectRoot: string): string {
  return join(projectRoot, 'node_modules', '.cache', 'orm-ai');
}

/** `stage-<pid>-<hex>`: a staging folder's name says which process made it. */
export function stagingFolderName(suffix: string): string {
  return `stage-${process.pid}-${suffix}`;
}

const TEMPORARY_FILE = /\.orm-ai-(\d+)-\d+\.tmp$/;
const STAGING_FOLDER = /^stage-(\d+)-[0-9a-f]+$/;
/** Staging folders of versions that did not name the process: removed once clearly abandoned. */
const UNOWNED_STAGING_FOLDER = /^stage-[0-9a-f]+$/;
const UNOWNED_AGE_MS = 60 * 60 * 1000;

/**
 * Removes stale temporary files under `projectRoot` (not looking into node_modules or .git)
 * and stale staging folders; returns the paths removed. Failures are skipped: this is
 * housekeeping, and the run goes on.
 */
export async function removeStaleRunFiles(projectRoot: string): Promise<string[]> {
  const removed: string[] = [];
  const remove = async (path: string, options: { recursive?: boolean } = {}) => {
    await rm(path, { force: true, ...options })
      .then(() => removed.push(path))
      .catch(() => undefined);
  };
  const temporary = await glob('**/*.orm-ai-*-*.tmp', { cwd: projectRoot, absolute: true, dot: true, ignore: ['**/node_modules/**', '**/.git/**'] }).catch(() => []);
  for (const path of temporary) {
    const pid = TEMPORARY_FILE.exec(path)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) await remove(path);
  }
  const root = stagingRoot(projectRoot);
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const pid = STAGING_FOLDER.exec(name)?.[1];
    const stale = pid !== undefined ? !isRunning(Number(pid)) : UNOWNED_STAGING_FOLDER.test(name) && (await olderThan(join(root, name), UNOWNED_AGE_MS));
    if (stale) await remove(join(root, name), { recursive: true });
  }
  return removed;
}

/** Whether a process with this id exists (on this machine: a project is not shared live across machines). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > ms;
}
