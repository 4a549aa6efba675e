import { objectScope, type StatementCheck } from './check.js';
import { isNode, objectLabel, objectTypeName, statementNode, text, walkTree, withArticle, type ParseNode } from './parse-tree.js';

/**
 * Object types a plan's statements may name: what an ORM's schema holds. Never databases,
 * roles, tablespaces, schemas, extensions, languages, functions, foreign servers and wrappers,
 * foreign tables, publications, subscriptions, event triggers, policies, rules and the like:
 * they reach other databases, other users, the server or code.
 */
export const ALLOWED_OBJECT_TYPES: ReadonlySet<string> = new Set([
  'OBJECT_TABLE',
  'OBJECT_COLUMN',
  'OBJECT_INDEX',
  'OBJECT_SEQUENCE',
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
  'OBJECT_TABCONSTRAINT',
  'OBJECT_DOMCONSTRAINT',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_TRIGGER',
  'OBJECT_ATTRIBUTE',
]);

/** An object type a statement names, with the object's name; `part` when the object is a part of it (`a column of`). */
interface Mention {
  readonly objectType: string | undefined;
  readonly name: string;
  readonly part?: string;
}

/**
 * Where each statement kind names object types, and the verb for messages. The last two are
 * not step kinds today; they are listed so that allowing them later keeps them confined.
 */
const MENTIONS: Readonly<Record<string, { readonly verb: string; readonly mentions: (node: ParseNode) => Mention[] }>> = {
  RenameStmt: { verb: 'renames', mentions: renameMentions },
  CommentStmt: { verb: 'comments on', mentions: (node) => [{ objectType: text(node, 'objtype'), name: objectLabel(node.object) }] },
  DropStmt: {
    verb: 'drops',
    mentions: (node) => (Array.isArray(node.objects) ? node.objects : []).map((object) => ({ objectType: text(node, 'removeType'), name: objectLabel(object) })),
  },
  AlterTableStmt: { verb: 'alters', mentions: (node) => [{ objectType: text(node, 'objtype'), name: objectLabel(node.relation) }] },
  CreateTableAsStmt: {
    verb: 'creates',
    mentions: (node) => [{ objectType: text(node, 'objtype'), name: objectLabel(isNode(node.into) ? node.into.rel : undefined) }],
  },
  AlterObjectSchemaStmt: { verb: 'moves', mentions: (node) => [{ objectType: text(node, 'objectType'), name: objectLabel(node.relation ?? node.object) }] },
  AlterOwnerStmt: { verb: 'changes the owner of', mentions: (node) => [{ objectType: text(node, 'objectType'), name: objectLabel(node.relation ?? node.object) }] },
};

function renameMentions(node: ParseNode): Mention[] {
  const renameType = text(node, 'renameType');
  // The renamed object: `other_db` (subname alone), `posts` (relation), `posts.p` (a policy, column or trigger of it), `mood` (object).
  const holder = node.relation ?? node.object;
  const name = [holder === undefined ? undefined : objectLabel(holder), text(node, 'subname')].filter((part) => part !== undefined).join('.');
  const mentions: Mention[] = [{ objectType: renameType, name }];
  // relationType says what holds the renamed column or attribute; for other renames it is left
  // at its zero value (OBJECT_ACCESS_METHOD) and means nothing.
  if (renameType === 'OBJECT_COLUMN' || renameType === 'OBJECT_ATTRIBUTE') {
    mentions.push({ objectType: text(node, 'relationType'), name: objectLabel(node.relation), part: `${withArticle(objectTypeName(renameType))} of` });
  }
  return mentions;
}

/** Every object type the statement names is on `ALLOWED_OBJECT_TYPES`. */
export const objectTypeProblems: StatementCheck = (ast, context) => {
  const [kind, node] = statementNode(ast);
  const entry = MENTIONS[kind];
  if (!entry) return [];
  return entry.mentions(node).flatMap(({ objectType, name, part }) => {
    if (objectType !== undefined && ALLOWED_OBJECT_TYPES.has(objectType)) return [];
    const what = withArticle(objectTypeName(objectType ?? 'OBJECT_UNKNOWN'));
    return [`${entry.verb} ${part ? `${part} ${what}` : what} ("${name}"); ${objectScope(context)}`];
  });
};

/** Fields that name a tablespace: CREATE TABLE, CREATE INDEX, CREATE TABLE AS, USING INDEX TABLESPACE. */
const TABLESPACE_FIELDS: ReadonlySet<string> = new Set(['tablespacename', 'tableSpace', 'tableSpaceName', 'indexspace']);

/** Tablespaces are directories on the server's disks: where data lives is not the plan's to choose. */
export const tablespaceProblems: StatementCheck = (ast) => {
  const problems: string[] = [];
  walkTree(ast, (key, value) => {
    if (TABLESPACE_FIELDS.has(key) && typeof value === 'string') {
      problems.push(`places data in tablespace "${value}", a storage location on the server's disks; leave TABLESPACE out and let the database place it`);
    }
  });
  return problems;
};
