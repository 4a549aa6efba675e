/**
 * Small readers of libpg_query's JSON parse tree, shared by the checks in this folder.
 * Nodes typed `Node` in PostgreSQL's structs come wrapped in their type (`{ RangeVar: {...} }`);
 * fields of a fixed struct type come bare (`AlterTableStmt.relation` is the RangeVar itself).
 */

/** One object of the parse tree: a node's fields, or a wrapper keyed by its node type. */
export type ParseNode = { readonly [key: string]: unknown };

export function isNode(value: unknown): value is ParseNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The statement's node type and its fields: `['RenameStmt', { renameType: ... }]`. */
export function statementNode(ast: ParseNode): [kind: string, node: ParseNode] {
  const kind = Object.keys(ast)[0] ?? 'Unknown';
  const node = ast[kind];
  return [kind, isNode(node) ? node : {}];
}

/** A string field of a node, or undefined. */
export function text(node: ParseNode, field: string): string | undefined {
  const value = node[field];
  return typeof value === 'string' ? value : undefined;
}

/** The identifiers of a name list (`[{ String: { sval: 'public' } }, ...]` → `['public', ...]`). */
export function identifiers(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) => (isNode(item) && isNode(item.String) ? (text(item.String, 'sval') ?? '') : ''));
}

/**
 * Calls `visit` with every field of every object in the tree, depth first, with the field's
 * key (a node type such as `FuncCall`, or a field name such as `fromClause`). When `visit`
 * returns `'skip'`, the walk does not descend into that value.
 */
export function walkTree(tree: unknown, visit: (key: string, value: unknown) => 'skip' | void): void {
  if (Array.isArray(tree)) {
    for (const item of tree) walkTree(item, visit);
    return;
  }
  if (!isNode(tree)) return;
  for (const [key, value] of Object.entries(tree)) {
    if (visit(key, value) !== 'skip') walkTree(value, visit);
  }
}

/** How a message names a node that names an object: `other_db`, `public.posts`, `mood`. */
export function objectLabel(node: unknown): string {
  if (!isNode(node)) return '?';
  if (isNode(node.String)) return text(node.String, 'sval') ?? '?';
  if (isNode(node.List)) return (Array.isArray(node.List.items) ? node.List.items : []).map(objectLabel).join('.');
  if (isNode(node.TypeName)) return identifiers(node.TypeName.names).join('.');
  if (isNode(node.ObjectWithArgs)) return identifiers(node.ObjectWithArgs.objname).join('.');
  const relation = text(node, 'relname');
  if (relation !== undefined) return [text(node, 'catalogname'), text(node, 'schemaname'), relation].filter((part) => part !== undefined).join('.');
  return '?';
}

/** `OBJECT_MATVIEW` → `materialized view`, for messages. */
export function objectTypeName(objectType: string): string {
  return OBJECT_TYPE_NAMES[objectType] ?? objectType.replace(/^OBJECT_/, '').replaceAll('_', ' ').toLowerCase();
}

/** `a database`, `an extension`. */
export function withArticle(noun: string): string {
  return /^[aeio]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

const OBJECT_TYPE_NAMES: Readonly<Record<string, string>> = {
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_TABCONSTRAINT: 'table constraint',
  OBJECT_DOMCONSTRAINT: 'domain constraint',
  OBJECT_FDW: 'foreign-data wrapper',
  OBJECT_DEFACL: 'default privilege',
  OBJECT_AMOP: 'access method operator',
  OBJECT_AMPROC: 'access method support function',
  OBJECT_STATISTIC_EXT: 'extended statistics object',
  OBJECT_TSCONFIGURATION: 'text search configuration',
  OBJECT_TSDICTIONARY: 'text search dictionary',
  OBJECT_TSPARSER: 'text search parser',
  OBJECT_TSTEMPLATE: 'text search template',
  OBJECT_LARGEOBJECT: 'large object',
  OBJECT_PARAMETER_ACL: 'server parameter privilege',
  OBJECT_PUBLICATION_NAMESPACE: 'publication schema',
  OBJECT_PUBLICATION_REL: 'publication table',
  OBJECT_ATTRIBUTE: 'composite type attribute',
};
