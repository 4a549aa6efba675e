import type { EditState, LocatedModel } from './edit-context.js';
import { locateModelEntry } from './edit-context.js';
import type { LineEdits } from './edit-lines.js';
import { listItemName, parseAttribute, parseList, parseMemberLine, renderAttribute, renderList, renderMemberLine } from './prisma-syntax.js';

/** Block attributes whose first list names fields of their own model. */
const FIELD_LIST_ATTRIBUTES = new Set(['id', 'index', 'unique', 'fulltext']);

/**
 * After a field rename: renames it in the model's `@@id`/`@@index`/`@@unique` lists, in
 * `@relation(fields: [...])` of the model's relation fields, and in
 * `@relation(references: [...])` of every relation field pointing at the model.
 */
export function renameFieldReferences(options: { state: EditState; edits: LineEdits; located: LocatedModel; from: string; to: string }): void {
  const { state, edits, located, from, to } = options;
  const rename = (target: LocatedModel, line: number, keys: (attributeName: string, fieldType: string) => readonly (string | null)[]) => {
    const original = edits.current(target.path, line, target.source.lines[line]!);
    const renamed = renameInLine(original, keys, from, to);
    if (renamed !== original) edits.replace(target.path, line, renamed);
  };
  for (const member of located.members) {
    rename(located, member.line, (name, fieldType) => {
      if (member.kind === 'attribute') return FIELD_LIST_ATTRIBUTES.has(name) ? [null, 'fields'] : [];
      if (name !== 'relation') return [];
      return fieldType === located.entry.model ? ['fields', 'references'] : ['fields'];
    });
  }
  for (const entry of state.schema.index.tables) {
    if (entry.model === located.entry.model || !entry.relations.some((relation) => relation.model === located.entry.model)) continue;
    const other = locateModelEntry(state, entry);
    for (const member of other.members) {
      if (member.kind !== 'field') continue;
      rename(other, member.line, (name, fieldType) => (name === 'relation' && fieldType === located.entry.model ? ['references'] : []));
    }
  }
}

/** Renames `from` in the list arguments `keys` (null: the positional list) of the line's attributes. */
function renameInLine(line: string, keys: (attributeName: string, fieldType: string) => readonly (string | null)[], from: string, to: string): string {
  const syntax = parseMemberLine(line);
  let changed = false;
  const attributes = syntax.attributes.map((raw) => {
    const attribute = parseAttribute(raw);
    const wanted = keys(attribute.name, syntax.type);
    if (attribute.args === null || wanted.length === 0) return raw;
    let touched = false;
    const args = attribute.args.map((arg) => {
      if (!wanted.includes(arg.key) || !arg.value.trim().startsWith('[')) return arg;
      const items = parseList(arg.value);
      if (!items.some((item) => listItemName(item) === from)) return arg;
      touched = true;
      // Keeps per-field options: `title(sort: Desc)` → `headline(sort: Desc)`.
      return { ...arg, value: renderList(items.map((item) => (listItemName(item) === from ? `${to}${item.slice(from.length)}` : item))) };
    });
    changed ||= touched;
    return touched ? renderAttribute({ ...attribute, args }) : raw;
  });
  return changed ? renderMemberLine({ ...syntax, attributes }) : line;
}
