import { Node, SyntaxKind, type Decorator, type EnumMember, type Identifier, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { OrmAiError } from '@orm-ai/core';

/**
 * Static reading of decorator arguments. Values are only ever read from literals, enum
 * members and `() => 'sql'` arrows; the user's code is never executed.
 */

/** `file:line` of a node, for error messages. */
export function locationOf(node: Node): string {
  return `${node.getSourceFile().getFilePath()}:${node.getStartLineNumber()}`;
}

/** SCHEMA_READ_FAILED naming the file, line and source text of the construct not understood. */
export function readError(node: Node, message: string): OrmAiError {
  const excerpt = node.getText().replace(/\s+/g, ' ').slice(0, 120);
  return new OrmAiError('SCHEMA_READ_FAILED', `${locationOf(node)}: ${message}: \`${excerpt}\``, {
    hint: 'Write the decorator options as literals (or enum members) that typeorm-ai can read statically.',
  });
}

/** Local names bound to 'typeorm' exports in a file: local name → exported name. */
export function typeormImports(sourceFile: SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== 'typeorm') continue;
    for (const specifier of declaration.getNamedImports()) {
      names.set(specifier.getAliasNode()?.getText() ?? specifier.getName(), specifier.getName());
    }
  }
  return names;
}

/** The TypeORM decorator name of `decorator` (`Column`, `Entity`, ...) or undefined for other decorators. */
export function typeormDecoratorName(decorator: Decorator, imports: ReadonlyMap<string, string>): string | undefined {
  return imports.get(decorator.getName());
}

/** A statically read value: literals, arrays of them, or raw SQL from `() => 'sql'`. */
export type StaticValue = string | number | boolean | null | { readonly sql: string } | readonly StaticValue[];

/** Reads a literal, enum member, array literal or `() => 'sql'`; throws SCHEMA_READ_FAILED otherwise. */
export function staticValue(node: Node): StaticValue {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken && Node.isNumericLiteral(node.getOperand())) {
    return -Number(node.getOperand().getText());
  }
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  if (Node.isNullLiteral(node)) return null;
  if (Node.isArrayLiteralExpression(node)) return node.getElements().map(staticValue);
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node) || Node.isSatisfiesExpression(node)) return staticValue(node.getExpression());
  if (Node.isArrowFunction(node) && node.getParameters().length === 0) {
    const body = node.getBody();
    const value = Node.isExpression(body) ? staticValue(body) : undefined;
    if (typeof value === 'string') return { sql: value };
  }
  if (Node.isPropertyAccessExpression(node)) {
    const target = node.getExpression();
    const enumDeclaration = Node.isIdentifier(target) ? declarationNamed(target, (file, name) => file.getEnum(name)) : undefined;
    const member = enumDeclaration?.getMember(node.getName()) ?? node.getSymbol()?.getDeclarations()[0];
    if (Node.isEnumMember(member)) {
      const value = enumMemberValue(member);
      if (value !== undefined) return value;
    }
  }
  throw readError(node, 'expected a literal, an enum member or `() => \'sql\'`');
}

/** The properties of an options object literal by name; other shapes throw. */
export function optionsObject(node: Node): Map<string, Node> {
  if (!Node.isObjectLiteralExpression(node)) throw readError(node, 'expected an options object literal');
  return objectEntries(node);
}

export function objectEntries(node: ObjectLiteralExpression): Map<string, Node> {
  const entries = new Map<string, Node>();
  for (const property of node.getProperties()) {
    if (Node.isPropertyAssignment(property)) {
      const name = property.getNameNode();
      entries.set(Node.isStringLiteral(name) ? name.getLiteralValue() : name.getText(), property.getInitializerOrThrow());
    } else if (Node.isShorthandPropertyAssignment(property)) {
      entries.set(property.getName(), property.getNameNode());
    } else {
      throw readError(property, 'expected `name: value` options');
    }
  }
  return entries;
}

export function stringOption(options: ReadonlyMap<string, Node>, key: string): string | null {
  const node = options.get(key);
  if (node === undefined) return null;
  const value = staticValue(node);
  if (typeof value !== 'string') throw readError(node, `expected a string for \`${key}\``);
  return value;
}

export function numberOption(options: ReadonlyMap<string, Node>, key: string): number | null {
  const node = options.get(key);
  if (node === undefined) return null;
  const value = staticValue(node);
  if (typeof value !== 'number') throw readError(node, `expected a number for \`${key}\``);
  return value;
}

export function booleanOption(options: ReadonlyMap<string, Node>, key: string): boolean | null {
  const node = options.get(key);
  if (node === undefined) return null;
  const value = staticValue(node);
  if (typeof value !== 'boolean') throw readError(node, `expected true or false for \`${key}\``);
  return value;
}

/** `['a', 'b']` as strings; other shapes throw. */
export function stringArray(node: Node): string[] {
  const value = staticValue(node);
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) throw readError(node, 'expected an array of strings');
  return value as string[];
}

/** The comment directly above a node (above its decorators), as plain text, or null. */
export function attachedComment(node: Node): string | null {
  const text = node.getSourceFile().getFullText();
  const ranges = node.getLeadingCommentRanges();
  const attached: string[] = [];
  let nextStart = node.getStart(true);
  for (let position = ranges.length - 1; position >= 0; position -= 1) {
    const range = ranges[position]!;
    // A blank line between comment and node means the comment describes something else.
    if ((text.slice(range.getEnd(), nextStart).match(/\n/g) ?? []).length > 1) break;
    attached.unshift(commentText(range.getText()));
    nextStart = range.getPos();
  }
  const joined = attached.join('\n').trim();
  return joined === '' ? null : joined;
}

function commentText(comment: string): string {
  if (comment.startsWith('//')) return comment.slice(2).trim();
  return comment
    .replace(/^\/\*+/, '')
    .replace(/\*+\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*?\s?/, '').trimEnd())
    .join('\n')
    .trim();
}

/**
 * The declaration an identifier names, found without the type checker, whose first question
 * costs seconds (it loads typeorm's declarations and the default libraries): declared in the
 * identifier's file, or imported by name and declared, exported, by exactly one file of the
 * project (the reader resolves imports into it). Otherwise undefined: the caller asks the checker.
 */
export function declarationNamed<Declaration extends Node & { isExported(): boolean }>(
  identifier: Identifier,
  find: (file: SourceFile, name: string) => Declaration | undefined,
): Declaration | undefined {
  const file = identifier.getSourceFile();
  const local = find(file, identifier.getText());
  if (local !== undefined) return local;
  const imported = file
    .getImportDeclarations()
    .flatMap((declaration) => declaration.getNamedImports())
    .find((specifier) => (specifier.getAliasNode() ?? specifier.getNameNode()).getText() === identifier.getText());
  if (imported === undefined) return undefined;
  const name = imported.getNameNode().getText();
  const exported = file
    .getProject()
    .getSourceFiles()
    .flatMap((source) => {
      const found = find(source, name);
      return found?.isExported() ? [found] : [];
    });
  return exported.length === 1 ? exported[0] : undefined;
}

/**
 * An enum member's value from its initializer (a string or number literal) or, without one,
 * the one before it plus one, as TypeScript numbers them; what that cannot tell (a computed
 * member) comes from the checker.
 */
export function enumMemberValue(member: EnumMember): string | number | undefined {
  const initializer = member.getInitializer();
  if (initializer === undefined) {
    const previous = member.getPreviousSibling((sibling): sibling is EnumMember => Node.isEnumMember(sibling));
    if (previous === undefined) return 0;
    const before = enumMemberValue(previous);
    return typeof before === 'number' ? before + 1 : member.getValue();
  }
  if (Node.isStringLiteral(initializer) || Node.isNoSubstitutionTemplateLiteral(initializer)) return initializer.getLiteralValue();
  if (Node.isNumericLiteral(initializer)) return initializer.getLiteralValue();
  return member.getValue();
}
