import { locateField, type EditState, type LocatedModel } from './edit-context.js';
import type { LineEdits } from './edit-lines.js';
import { argValue, attributeName, parseAttribute, renderAttribute, renderMemberLine, withArg } from './prisma-syntax.js';

/**
 * After a foreign key column changes nullability: Prisma requires a relation field to be
 * optional exactly when one of its `fields` is, so the relation field follows. Prisma's
 * implicit onDelete depends on that arity (Restrict for required, SetNull for optional), so a
 * relation becoming optional gets `onDelete: Restrict` written out: the database action stays.
 */
export function syncRelationArity(options: { state: EditState; edits: LineEdits; located: LocatedModel; field: string; optional: boolean }): void {
  const { edits, located } = options;
  const optionalField = (name: string) =>
    name === options.field ? options.optional : located.table.columns.find((column) => column.name === columnOf(located, name))?.nullable === true;
  for (const relation of located.entry.relations) {
    if (!relation.fields.includes(options.field)) continue;
    const optional = relation.fields.some(optionalField);
    if (optional === relation.optional) continue;
    const field = locateField(located, relation.field);
    const attributes = field.syntax.attributes.map((raw) => {
      if (attributeName(raw) !== 'relation' || !optional) return raw;
      const attribute = parseAttribute(raw);
      return argValue(attribute, 'onDelete') === undefined ? renderAttribute(withArg(attribute, 'onDelete', 'Restrict')) : raw;
    });
    edits.replace(located.path, field.line, renderMemberLine({ ...field.syntax, optional, attributes }));
  }
}

function columnOf(located: LocatedModel, field: string): string | undefined {
  return located.entry.columns.find((column) => column.field === field)?.name;
}
