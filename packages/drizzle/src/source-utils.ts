import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import { OrmAiError } from '@orm-ai/core';

/**
 * Small static-analysis helpers over ts-morph nodes shared by the schema reader and the
 * editor. Nothing here executes user code.
 */

/** `path:line` of a node, for error messages. */
export function locationOf(node: Node): string {
  return `${node.getSourceFile().getFilePath()}:${node.getStartLineNumber()}`;
}

/** The node's source on one line, shortened: how errors name a construct. */
export function excerpt(node: Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A SCHEMA_READ_FAILED error naming file:line and the expression that could not be read. */
export function readError(node: Node, message: string, hint?: string): OrmAiError {
  return new OrmAiError('SCHEMA_READ_FAILED', `${locationOf(node)}: ${message}: \`${excerpt(node)}\``, {
    hint: hint ?? 'Rewrite the expression in a form drizzle-ai understands, or declare it outside the schema files it reads.',
  });
}

/** The value of a string literal or substitution-free template, else undefined. */
export function stringValue(node: Node | undefined): string | undefined {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return undefined;
}

/** A literal value read from source: JSON-like data plus bigint. */
export type StaticValue = string | number | bigint | boolean | null | StaticValue[] | { [key: string]: StaticValue };

const NOT_STATIC = Symbol('not static');
type Evaluated = StaticValue | typeof NOT_STATIC;

/** Evaluates literals, arrays and plain object literals; undefined when anything is not a literal. */
export function staticValue(node: Node): { value: StaticValue } | undefined {
  const value = evaluate(node);
  return value === NOT_STATIC ? undefined : { value };
}

function evaluate(node: Node): Evaluated {
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) {
    return evaluate(node.getExpression());
  }
  const text = stringValue(node);
  if (text !== undefined) return text;
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (Node.isBigIntLiteral(node)) return BigInt(node.getText().slice(0, -1));
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  if (Node.isNullLiteral(node)) return null;
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken) {
    const operand = evaluate(node.getOperand());
    if (typeof operand === 'number') return -operand;
    if (typeof operand === 'bigint') return -operand;
    return NOT_STATIC;
  }
  if (Node.isArrayLiteralExpression(node)) return evaluateArray(node.getElements());
  if (Node.isObjectLiteralExpression(node)) return evaluateObject(node.getProperties());
  return NOT_STATIC;
}

function evaluateArray(elements: Node[]): Evaluated {
  const values: StaticValue[] = [];
  for (const element of elements) {
    const value = evaluate(element);
    if (value === NOT_STATIC) return NOT_STATIC;
    values.push(value);
  }
  return values;
}

function evaluateObject(properties: Node[]): Evaluated {
  const result: { [key: string]: StaticValue } = {};
  for (const property of properties) {
    if (!Node.isPropertyAssignment(property)) return NOT_STATIC;
    const key = propertyKey(property);
    const initializer = property.getInitializer();
    if (key === undefined || initializer === undefined) return NOT_STATIC;
    const value = evaluate(initializer);
    if (value === NOT_STATIC) return NOT_STATIC;
    result[key] = value;
  }
  return result;
}

/** The key of a property assignment (`a:`, `'a':`, `"a":`), undefined for computed keys. */
export function propertyKey(property: Node): string | undefined {
  if (!Node.isPropertyAssignment(property) && !Node.isShorthandPropertyAssignment(property)) return undefined;
  const name = property.getNameNode();
  if (Node.isIdentifier(name)) return name.getText();
  if (Node.isStringLiteral(name) || Node.isNumericLiteral(name)) return String(name.getLiteralValue());
  return undefined;
}

/** One `.name(args)` link of a method chain. */
export interface ChainLink {
  readonly name: string;
  readonly call: CallExpression;
}

/**
 * Splits `base(...).a(...).b(...)` into the innermost call and the chained calls in source
 * order. Returns undefined when the expression is not such a chain.
 */
export function unwindChain(expression: Node): { base: CallExpression; links: ChainLink[] } | undefined {
  const links: ChainLink[] = [];
  let current: Node = expression;
  while (Node.isCallExpression(current)) {
    const callee = current.getExpression();
    if (Node.isPropertyAccessExpression(callee) && Node.isCallExpression(callee.getExpression())) {
      links.unshift({ name: callee.getName(), call: current });
      current = callee.getExpression();
      continue;
    }
    return { base: current, links };
  }
  return undefined;
}

/** Comment text without markers: `/** a *\/` → `a`, consecutive `// a` lines joined with newlines. */
export function commentText(raw: string): string {
  if (raw.startsWith('//')) return raw.replace(/^\/\/\/?\s?/, '').trimEnd();
  const body = raw.replace(/^\/\*\*?/, '').replace(/\*\/$/, '');
  const lines = body.split('\n').map((line) => line.replace(/^\s*\*?\s?/, '').trimEnd());
  while (lines[0] === '') lines.shift();
  while (lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

/**
 * The comments directly above a node: the contiguous block of leading comments with no
 * blank line between them and the node (a comment separated by a blank line describes
 * something else, e.g. a section header). Returns ranges as [pos, end] offsets.
 */
export function attachedCommentRanges(node: Node): Array<{ pos: number; end: number; text: string }> {
  const text = node.getSourceFile().getFullText();
  const ranges = node.getLeadingCommentRanges();
  const attached: Array<{ pos: number; end: number; text: string }> = [];
  let nextStart = node.getStart();
  for (let position = ranges.length - 1; position >= 0; position -= 1) {
    const range = ranges[position]!;
    const gap = text.slice(range.getEnd(), nextStart);
    if ((gap.match(/\n/g) ?? []).length > 1) break;
    attached.unshift({ pos: range.getPos(), end: range.getEnd(), text: range.getText() });
    nextStart = range.getPos();
  }
  return attached;
}

/** The comment attached above a node as plain text, or null. */
export function attachedComment(node: Node): string | null {
  const ranges = attachedCommentRanges(node);
  if (ranges.length === 0) return null;
  const text = ranges.map((range) => commentText(range.text)).join('\n').trim();
  return text === '' ? null : text;
}

/** Import bindings of a file: local name → module specifier and imported name (`*` for namespaces). */
export function importBindings(sourceFile: SourceFile): Map<string, { module: string; imported: string }> {
  const bindings = new Map<string, { module: string; imported: string }>();
  for (const declaration of sourceFile.getImportDeclarations()) {
    const module = declaration.getModuleSpecifierValue();
    for (const specifier of declaration.getNamedImports()) {
      bindings.set(specifier.getAliasNode()?.getText() ?? specifier.getName(), { module, imported: specifier.getName() });
    }
    const namespace = declaration.getNamespaceImport();
    if (namespace !== undefined) bindings.set(namespace.getText(), { module, imported: '*' });
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport !== undefined) bindings.set(defaultImport.getText(), { module, imported: 'default' });
  }
  return bindings;
}
