import { Node, type ClassDeclaration, type Decorator, type PropertyDeclaration } from 'ts-morph';
import type { ReferentialAction } from '@orm-ai/core';
import { booleanOption, declarationNamed, optionsObject, readError, stringOption } from './entity-source.js';

export const RELATION_DECORATORS = new Set(['ManyToOne', 'OneToMany', 'OneToOne', 'ManyToMany']);
export type RelationKind = 'ManyToOne' | 'OneToMany' | 'OneToOne' | 'ManyToMany';

const RELATION_OPTIONS = new Set(['nullable', 'onDelete', 'onUpdate', 'createForeignKeyConstraints', 'eager', 'cascade', 'lazy', 'persistence', 'orphanedRowAction', 'deferrable']);
const ACTIONS: Readonly<Record<string, ReferentialAction>> = {
  'NO ACTION': 'no action',
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
};

/** A relation decorator as written, before the target entity is known. */
export interface RawRelation {
  readonly kind: RelationKind;
  readonly property: PropertyDeclaration;
  /** The target class declaration, or its name when given as a string. */
  readonly target: ClassDeclaration | string;
  /** The property named by the inverse-side arrow (`(user) => user.posts`), or null. */
  readonly inverseProperty: string | null;
  readonly nullable: boolean;
  readonly onDelete: ReferentialAction | null;
  readonly onUpdate: ReferentialAction | null;
  readonly createForeignKey: boolean;
  readonly joinColumn: { readonly name: string | null; readonly referencedColumnName: string | null; readonly foreignKeyConstraintName: string | null } | null;
  readonly joinTable: { readonly name: string | null; readonly joinColumn: string | null; readonly inverseJoinColumn: string | null } | null;
}

/** Reads a relation decorator and the `@JoinColumn` / `@JoinTable` beside it. */
export function readRelation(options: { kind: RelationKind; decorator: Decorator; property: PropertyDeclaration; siblings: ReadonlyMap<string, Decorator> }): RawRelation {
  const { kind, decorator, property, siblings } = options;
  const [targetArg, ...rest] = decorator.getArguments();
  if (targetArg === undefined) throw readError(decorator, `@${kind} needs a target entity`);
  let inverseProperty: string | null = null;
  let opts = new Map<string, Node>();
  for (const arg of rest) {
    if (Node.isObjectLiteralExpression(arg)) opts = optionsObject(arg);
    else inverseProperty = inverseName(arg);
  }
  for (const [key, node] of opts) {
    if (!RELATION_OPTIONS.has(key)) throw readError(node.getParentOrThrow(), `option \`${key}\` of @${kind} is not supported`);
  }
  return {
    kind,
    property,
    target: relationTarget(targetArg),
    inverseProperty,
    nullable: booleanOption(opts, 'nullable') ?? true,
    onDelete: action(opts, 'onDelete'),
    onUpdate: action(opts, 'onUpdate'),
    createForeignKey: booleanOption(opts, 'createForeignKeyConstraints') ?? true,
    joinColumn: joinColumn(siblings.get('JoinColumn')),
    joinTable: joinTable(siblings.get('JoinTable')),
  };
}

function relationTarget(node: Node): ClassDeclaration | string {
  if (Node.isStringLiteral(node)) return node.getLiteralValue();
  const body = Node.isArrowFunction(node) ? node.getBody() : undefined;
  if (Node.isIdentifier(body)) {
    const named = declarationNamed(body, (file, name) => file.getClass(name));
    if (named !== undefined) return named;
    const symbol = body.getSymbol();
    const declaration = (symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol)?.getDeclarations().find(Node.isClassDeclaration);
    if (declaration !== undefined) return declaration;
  }
  throw readError(node, 'expected the target entity as `() => Class`');
}

function inverseName(node: Node): string {
  if (Node.isStringLiteral(node)) return node.getLiteralValue();
  const body = Node.isArrowFunction(node) ? node.getBody() : undefined;
  if (Node.isPropertyAccessExpression(body)) return body.getName();
  throw readError(node, 'expected the inverse side as `(entity) => entity.property`');
}

function action(opts: ReadonlyMap<string, Node>, key: string): ReferentialAction | null {
  const value = stringOption(opts, key);
  if (value === null) return null;
  const mapped = ACTIONS[value.toUpperCase()];
  if (mapped === undefined) throw readError(opts.get(key)!, `unknown referential action "${value}"`);
  return mapped;
}

function joinColumn(decorator: Decorator | undefined): RawRelation['joinColumn'] {
  if (decorator === undefined) return null;
  const [arg] = decorator.getArguments();
  if (arg === undefined) return { name: null, referencedColumnName: null, foreignKeyConstraintName: null };
  const opts = optionsObject(arg);
  return {
    name: stringOption(opts, 'name'),
    referencedColumnName: stringOption(opts, 'referencedColumnName'),
    foreignKeyConstraintName: stringOption(opts, 'foreignKeyConstraintName'),
  };
}

function joinTable(decorator: Decorator | undefined): RawRelation['joinTable'] {
  if (decorator === undefined) return null;
  const [arg] = decorator.getArguments();
  if (arg === undefined) return { name: null, joinColumn: null, inverseJoinColumn: null };
  const opts = optionsObject(arg);
  const side = (key: string) => {
    const node = opts.get(key);
    return node === undefined ? null : stringOption(optionsObject(node), 'name');
  };
  return { name: stringOption(opts, 'name'), joinColumn: side('joinColumn'), inverseJoinColumn: side('inverseJoinColumn') };
}
