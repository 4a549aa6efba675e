import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OrmAiError } from '../errors.js';
import type { FileChange, OrmProject, SourceTypecheck } from '../orm-plugin.js';

/** One run's type checks of the schema source (`startRunTypecheck`). */
export interface RunTypecheck {
  /**
   * Waits for the check of the unedited sources, started when the project was opened, and
   * throws `SCHEMA_READ_FAILED` listing their errors: the user's, at their place in the user's
   * files, reported before any model call or edit.
   */
  requireCleanSources(): Promise<void>;
  /** `checkEdits` with this run's checker and what the start-of-run check found clean. */
  checkEdits(edits: readonly FileChange[]): Promise<OrmAiError | null>;
  /** Stops the checker; a check still under way is abandoned. */
  close(): Promise<void>;
}

/**
 * Opens the project's type checker (`OrmProject.openTypecheck`) and starts checking the
 * unedited schema sources at once, on the checker's worker, while the main thread goes on
 * reading the schema. A project whose schema is no code gets checks that find nothing.
 */
export function startRunTypecheck(project: OrmProject): RunTypecheck {
  const typecheck = project.openTypecheck?.();
  if (!typecheck) return { requireCleanSources: async () => undefined, checkEdits: async () => null, close: async () => undefined };
  const unedited = checkUneditedSources(typecheck);
  // Abandoned when the run fails first (and `close` ends its worker): nobody waits for it then.
  unedited.catch(() => undefined);
  return {
    async requireCleanSources() {
      const result = await unedited;
      if ('error' in result) throw result.error;
    },
    async checkEdits(edits) {
      const result = await unedited;
      return checkEdits({ typecheck, root: project.root, edits, cleanBefore: 'clean' in result ? result.clean : new Set() });
    },
    close: () => typecheck.close(),
  };
}

/**
 * The unedited schema sources as they are on disk: the files found clean, or
 * `SCHEMA_READ_FAILED` listing their errors. A file that cannot be read is left to the ORM's
 * reader, which reports it in its own words.
 */
async function checkUneditedSources(typecheck: SourceTypecheck): Promise<{ clean: ReadonlySet<string> } | { error: OrmAiError }> {
  const read = (path: string) => readFile(path, 'utf8').then((after) => [{ path, after }], () => []);
  const files = (await Promise.all(typecheck.sourceFiles.map(read))).flat();
  const diagnostics = files.length === 0 ? [] : await typecheck.check(files);
  if (diagnostics.length > 0) return { error: preexistingTypeErrors({ before: diagnostics, added: [], modelAsked: false }) };
  return { clean: new Set(files.map((file) => file.path)) };
}

export interface CheckEditsOptions {
  readonly typecheck: SourceTypecheck;
  /** The project root, which relative edit paths start from. */
  readonly root: string;
  readonly edits: readonly FileChange[];
  /** Files known to check as they are (`checkUneditedSources`), absolute: not checked again. */
  readonly cleanBefore: ReadonlySet<string>;
}

/**
 * The type check of the plan's edits, with the blame placed: an error the unedited source
 * already has is the user's (`SCHEMA_READ_FAILED`, at its place in their file, never sent to
 * a model); only errors the edit brought are the plan's (`SOURCE_TYPECHECK_FAILED`, which a
 * corrected plan may fix). Returns null when the edits check.
 *
 * The unedited schema sources were checked at the start of the run (`cleanBefore`); only an
 * edited file outside them (one the ORM's reader found later) is checked as it was, and only
 * when the edited files fail: a run whose edits check pays for no second check.
 */
export async function checkEdits({ typecheck, root, edits, cleanBefore }: CheckEditsOptions): Promise<OrmAiError | null> {
  const after = await typecheck.check(edits.map(({ path, after }) => ({ path, after })));
  if (after.length === 0) return null;
  const unedited = edits.flatMap((edit) => (edit.before === null || cleanBefore.has(resolve(root, edit.path)) ? [] : [{ path: edit.path, after: edit.before }]));
  const before = unedited.length === 0 ? [] : await typecheck.check(unedited);
  const added = withoutPreexisting(after, before);
  if (before.length > 0) return preexistingTypeErrors({ before, added, modelAsked: true });
  return new OrmAiError('SOURCE_TYPECHECK_FAILED', `the edited source does not type-check:\n${indent(added)}`, {
    hint: 'Nothing was written. The plan asks for something the schema source cannot express this way.',
  });
}

/**
 * `before`: the errors the user's files have as they are; `added`: those the plan's edit adds,
 * if known; `modelAsked`: whether a plan was already asked for (the check found them after the edit).
 */
function preexistingTypeErrors({ before, added, modelAsked }: { before: readonly string[]; added: readonly string[]; modelAsked: boolean }): OrmAiError {
  const plansToo = added.length > 0 ? `\n(and ${added.length} error(s) the plan's edit adds, reported once the file checks)` : '';
  return new OrmAiError('SCHEMA_READ_FAILED', `the schema source does not type-check before any change:\n${indent(before)}${plansToo}`, {
    hint: `These errors are in your file as it is, not in the plan: fix them (tsc shows the same), then run again. Nothing was written${modelAsked ? '' : ' and no model was asked'}.`,
  });
}

/**
 * The diagnostics of `after` that `before` lacks, matched by file and message (each one
 * once): an edit moves lines, so the position cannot tell an old error from a new one.
 */
export function withoutPreexisting(after: readonly string[], before: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const diagnostic of before) remaining.set(placeless(diagnostic), (remaining.get(placeless(diagnostic)) ?? 0) + 1);
  return after.filter((diagnostic) => {
    const count = remaining.get(placeless(diagnostic)) ?? 0;
    if (count === 0) return true;
    remaining.set(placeless(diagnostic), count - 1);
    return false;
  });
}

/** `src/schema.ts:12:5 - error TS2322: …` without its line and column. */
function placeless(diagnostic: string): string {
  return diagnostic.replace(/^(.*?):\d+(?::\d+)?(?= - |: )/s, '$1');
}

function indent(lines: readonly string[]): string {
  return lines.map((line) => `  ${line}`).join('\n');
}
