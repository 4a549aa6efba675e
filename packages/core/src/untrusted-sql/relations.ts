import { relationScope, type CheckContext, type StatementCheck } from './check.js';
import { identifiers, isNode, statementNode, text, walkTree, type ParseNode } from './parse-tree.js';

/** A relation or other schema object the statement names, as written (`public.posts`, `pg_authid`). */
interface ObjectReference {
  readonly catalog?: string | undefined;
  readonly schema?: string | undefined;
  readonly name: string;
  /** True when the statement reads it (FROM, USING, LIKE), false when it changes or creates it. */
  readonly reading: boolean;
}

/** Where a relation is read: FROM of any query (subqueries, CTEs and view bodies included), DELETE ... USING, CREATE TABLE (LIKE ...). */
const READ_POSITIONS: ReadonlySet<string> = new Set(['fromClause', 'usingClause', 'TableLikeClause']);

/**
 * Every relation the statement names (each RangeVar, wherever it sits) and every qualified
 * name in its object lists is in a managed schema; unqualified names may not start with
 * `pg_`, since pg_catalog comes first on every search path (`pg_authid` is pg_catalog.pg_authid).
 */
export const relationProblems: StatementCheck = (ast, context) =>
  [...rangeVariables(ast), ...namedObjects(ast)].flatMap((reference) => {
    const problem = referenceProblem(reference, context);
    return problem === null ? [] : [problem];
  });

function referenceProblem(reference: ObjectReference, context: CheckContext): string | null {
  const { catalog, schema, name } = reference;
  const label = [catalog, schema, name].filter((part) => part !== undefined).join('.');
  const verb = reference.reading ? 'reads' : 'touches';
  const scope = relationScope(context);
  if (catalog !== undefined) return `${verb} ${label}, which names a database; ${scope}`;
  if (schema === undefined) {
    if (!name.toLowerCase().startsWith('pg_')) return null;
    return `${verb} ${name}, a system catalog relation (unqualified pg_ names resolve to pg_catalog first): catalogs describe other objects, roles, sessions and the server, not this schema; ${scope}`;
  }
  if (context.managedSchemas.includes(schema)) return null;
  if (isSystemSchema(schema)) return `${verb} ${label}, in the system schema ${schema}: catalogs describe other objects, roles, sessions and the server, not this schema; ${scope}`;
  return `${verb} ${label}, in schema "${schema}", which the ORM does not manage; ${scope}`;
}

/** pg_catalog, information_schema, pg_toast and the per-session pg_temp_N / pg_toast_temp_N. */
function isSystemSchema(schema: string): boolean {
  return schema === 'information_schema' || schema.toLowerCase().startsWith('pg_');
}

/**
 * RangeVars anywhere in the tree. Fields typed RangeVar (`relation`, `view`, `sequence`,
 * `into.rel`, `pktable`, a partition's `name`, ...) come unwrapped, so RangeVars are found by
 * their shape (a string `relname`, which no other raw parse node has) rather than by key.
 */
function rangeVariables(ast: ParseNode): ObjectReference[] {
  const found: ObjectReference[] = [];
  const visit = (node: unknown, reading: boolean): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, reading));
    if (!isNode(node)) return;
    const name = text(node, 'relname');
    if (name !== undefined) found.push({ catalog: text(node, 'catalogname'), schema: text(node, 'schemaname'), name, reading });
    for (const [key, value] of Object.entries(node)) visit(value, reading || READ_POSITIONS.has(key));
  };
  visit(ast, false);
  return found;
}

/** Object types whose qualified names end with a part of a relation: `[schema.]table.column`. */
const PARTS_OF_RELATIONS: ReadonlySet<string> = new Set(['OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

/** Where statements name objects by qualified name rather than by RangeVar, with the object type. */
const NAME_FIELDS: Readonly<Record<string, (node: ParseNode) => Array<{ objectType: string; name: unknown }>>> = {
  DropStmt: (node) => (Array.isArray(node.objects) ? node.objects : []).map((name) => ({ objectType: text(node, 'removeType') ?? '', name })),
  CommentStmt: (node) => [{ objectType: text(node, 'objtype') ?? '', name: node.object }],
  RenameStmt: (node) => (node.object === undefined ? [] : [{ objectType: text(node, 'renameType') ?? '', name: node.object }]),
  CreateEnumStmt: (node) => [typeNameList(node.typeName)],
  AlterEnumStmt: (node) => [typeNameList(node.typeName)],
  CreateDomainStmt: (node) => [typeNameList(node.domainname)],
  AlterDomainStmt: (node) => [typeNameList(node.typeName)],
  CreateSeqStmt: ownedBy,
  AlterSeqStmt: ownedBy,
};

function typeNameList(names: unknown): { objectType: string; name: unknown } {
  return { objectType: 'OBJECT_TYPE', name: { List: { items: names } } };
}

/** `OWNED BY [schema.]table.column` of a sequence. */
function ownedBy(node: ParseNode): Array<{ objectType: string; name: unknown }> {
  const options = Array.isArray(node.options) ? node.options : [];
  return options.flatMap((option) =>
    isNode(option) && isNode(option.DefElem) && text(option.DefElem, 'defname') === 'owned_by' ? [{ objectType: 'OBJECT_COLUMN', name: option.DefElem.arg }] : [],
  );
}

function namedObjects(ast: ParseNode): ObjectReference[] {
  const [kind, node] = statementNode(ast);
  const names = NAME_FIELDS[kind]?.(node) ?? [];
  return names.flatMap(({ objectType, name }) => {
    const parts = namespacedParts(objectType, name);
    const last = parts.at(-1);
    return last === undefined ? [] : [{ catalog: parts.at(-3), schema: parts.at(-2), name: last, reading: false }];
  });
}

/**
 * The `[catalog.][schema.]name` parts of the schema object a name belongs to: the table of
 * a column or trigger, the domain of a domain constraint. Bare names (a database, a role, a
 * schema) belong to no schema and give nothing; object-types.ts refuses them.
 */
function namespacedParts(objectType: string, name: unknown): string[] {
  if (!isNode(name)) return [];
  if (isNode(name.TypeName)) return identifiers(name.TypeName.names);
  if (isNode(name.ObjectWithArgs)) return identifiers(name.ObjectWithArgs.objname);
  if (!isNode(name.List)) return [];
  const items = Array.isArray(name.List.items) ? name.List.items : [];
  // A domain constraint is named [domain type, constraint].
  const first: unknown = items[0];
  if (isNode(first) && isNode(first.TypeName)) return identifiers(first.TypeName.names);
  const parts = identifiers(items);
  return PARTS_OF_RELATIONS.has(objectType) ? parts.slice(0, -1) : parts;
}
