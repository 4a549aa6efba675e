import { OrmAiError } from '../errors.js';
import type { FileChange, OrmProject } from '../orm-plugin.js';

/**
 * The type check of the plan's edits (`OrmProject.checkEdits`), with the blame placed: an
 * error the unedited source already has is the user's (`SCHEMA_READ_FAILED`, at its place in
 * their file, never sent to a model); only errors the edit brought are the plan's
 * (`SOURCE_TYPECHECK_FAILED`, which a corrected plan may fix). Returns null when the edits check.
 *
 * The unedited files are checked only when the edited ones fail: a run whose edits check pays
 * for one check, as before, and a failing run pays for a second, cheaper than a model call
 * spent on an error no plan can fix.
 */
export async function checkEdits(project: OrmProject, edits: readonly FileChange[]): Promise<OrmAiError | null> {
  if (!project.checkEdits) return null;
  const after = await project.checkEdits(edits);
  if (after.length === 0) return null;
  const unedited = edits.flatMap((edit) => (edit.before === null ? [] : [{ ...edit, after: edit.before }]));
  const before = unedited.length === 0 ? [] : await project.checkEdits(unedited);
  const added = withoutPreexisting(after, before);
  if (before.length > 0) {
    const plansToo = added.length > 0 ? `\n(and ${added.length} error(s) the plan's edit adds, reported once the file checks)` : '';
    return new OrmAiError('SCHEMA_READ_FAILED', `the schema source does not type-check before any change:\n${indent(before)}${plansToo}`, {
      hint: 'These errors are in your file as it is, not in the plan: fix them (tsc shows the same), then run again. Nothing was written.',
    });
  }
  return new OrmAiError('SOURCE_TYPECHECK_FAILED', `the edited source does not type-check:\n${indent(added)}`, {
    hint: 'Nothing was written. The plan asks for something the schema source cannot express this way.',
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
