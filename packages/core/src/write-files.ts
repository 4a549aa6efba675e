import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { describeError, OrmAiError } from './errors.js';
import { uninterruptible } from './interrupts.js';
import type { FileChange } from './orm-plugin.js';
import { temporaryPathFor } from './stale-run-files.js';

/**
 * Writes every file or none. Each file must still hold what it held when the plan was made
 * (else someone edited it meanwhile and nothing is written); contents go to temporary
 * files beside their targets first, then are renamed into place, and a failure part-way
 * puts back every file already replaced. Ctrl-C waits for the write to end (it takes
 * milliseconds), so an interrupt leaves all old files or all new ones; a SIGKILL's temporary
 * files are removed by the next run (`removeStaleRunFiles`). Returns the paths written.
 */
export async function writeFilesAtomically(files: readonly FileChange[]): Promise<string[]> {
  return uninterruptible(() => writeAll(files));
}

async function writeAll(files: readonly FileChange[]): Promise<string[]> {
  await assertUnchanged(files);
  const createdDirs: string[] = [];
  const temporary = files.map((file, index) => temporaryPathFor(file.path, index));
  const replaced: FileChange[] = [];
  try {
    for (const [index, file] of files.entries()) {
      createdDirs.push(...(await makeDirectories(dirname(file.path))));
      await writeFile(temporary[index]!, file.after);
    }
    for (const [index, file] of files.entries()) {
      await rename(temporary[index]!, file.path);
      replaced.push(file);
    }
    return files.map((file) => file.path);
  } catch (error) {
    await restore({ replaced, temporary, createdDirs });
    throw new OrmAiError('WRITE_FAILED', `writing ${files.length} file(s) failed and every change was undone: ${describeError(error)}`, {
      hint: 'Check permissions and free space, then run again.',
      cause: error,
    });
  }
}

async function assertUnchanged(files: readonly FileChange[]): Promise<void> {
  for (const file of files) {
    const current = await readFile(file.path, 'utf8').catch(() => null);
    if (current !== file.before) {
      throw new OrmAiError('WRITE_FAILED', `${relative(process.cwd(), file.path) || file.path} changed on disk since the plan was made; nothing was written`, {
        hint: 'Run the command again so the plan starts from the current files.',
      });
    }
  }
}

/** Creates missing directories and returns them, deepest last, so a rollback can remove them. */
async function makeDirectories(directory: string): Promise<string[]> {
  const first = await mkdir(directory, { recursive: true });
  if (first === undefined) return [];
  const created: string[] = [];
  for (let current = directory; current.length >= first.length; current = dirname(current)) created.unshift(current);
  return created;
}

async function restore(options: { replaced: FileChange[]; temporary: string[]; createdDirs: string[] }): Promise<void> {
  for (const file of options.replaced) {
    if (file.before === null) await rm(file.path, { force: true });
    else await writeFile(file.path, file.before);
  }
  for (const path of options.temporary) await rm(path, { force: true });
  for (const directory of [...options.createdDirs].reverse()) await rmdir(directory).catch(() => undefined);
}
