import { Node, SyntaxKind, ts, type ImportDeclaration, type SourceFile } from 'ts-morph';
import { applyChanges, codeStyleOf, lineEnd, quoted, type TextChange } from '@orm-ai/core/typescript';
import { insertListItems, removeListItem, removeStatement } from './text-edits.js';

/** A named import an edit needs: `{ module: 'drizzle-orm', name: 'sql' }`. */
export interface ImportNeed {
  readonly module: string;
  readonly name: string;
  readonly typeOnly?: boolean;
}

/** The local name under which `name` from `module` is imported, or `name` itself when it is not imported yet. */
export function localImportName(sourceFile: SourceFile, module: string, name: string): string {
  for (const declaration of valueImports(sourceFile, module)) {
    const specifier = declaration.getNamedImports().find((named) => named.getName() === name);
    if (specifier !== undefined) return specifier.getAliasNode()?.getText() ?? name;
  }
  return name;
}

function valueImports(sourceFile: SourceFile, module: string): ImportDeclaration[] {
  return sourceFile
    .getImportDeclarations()
    .filter((declaration) => declaration.getModuleSpecifierValue() === module)
    .filter((declaration) => !declaration.isTypeOnly() && declaration.getNamespaceImport() === undefined);
}

const byName = (a: string, b: string): number => a.toLowerCase().localeCompare(b.toLowerCase());

/**
 * Changes adding the missing `needs` to the file's imports: into the existing import of the
 * module (at the alphabetical position when its list is sorted, else appended), or as a new
 * import declaration after the last one, in the file's quote and semicolon style.
 */
export function importChanges(sourceFile: SourceFile, needs: readonly ImportNeed[]): TextChange[] {
  const changes: TextChange[] = [];
  const modules = [...new Set(needs.map((need) => need.module))];
  for (const module of modules) {
    const wanted = dedupe(needs.filter((need) => need.module === module));
    const declaration = valueImports(sourceFile, module).find((candidate) => candidate.getNamedImports().length > 0);
    const present = new Set(valueImports(sourceFile, module).flatMap((candidate) => candidate.getNamedImports().map((named) => named.getName())));
    const missing = wanted.filter((need) => !present.has(need.name));
    if (missing.length === 0) continue;
    if (declaration === undefined) changes.push(newImport(sourceFile, module, missing));
    else changes.push(...addToDeclaration(declaration, missing));
  }
  return changes;
}

function dedupe(needs: readonly ImportNeed[]): ImportNeed[] {
  const byKey = new Map<string, ImportNeed>();
  for (const need of needs) if (!byKey.has(need.name)) byKey.set(need.name, need);
  return [...byKey.values()].sort((a, b) => byName(a.name, b.name));
}

function specifierText(need: ImportNeed): string {
  return need.typeOnly === true ? `type ${need.name}` : need.name;
}

function addToDeclaration(declaration: ImportDeclaration, missing: readonly ImportNeed[]): TextChange[] {
  const items = declaration.getNamedImports();
  const names = items.map((item) => item.getName());
  const sorted = names.every((name, position) => position === 0 || byName(names[position - 1]!, name) <= 0);
  if (!sorted) return [insertListItems({ items, texts: missing.map(specifierText) })];
  // Group the needs by the existing item they go before, so each insertion point gets one change.
  const groups = new Map<number, string[]>();
  for (const need of missing) {
    const found = names.findIndex((name) => byName(need.name, name) < 0);
    const position = found === -1 ? items.length : found;
    groups.set(position, [...(groups.get(position) ?? []), specifierText(need)]);
  }
  return [...groups].map(([position, texts]) => insertListItems({ items, position, texts }));
}

function newImport(sourceFile: SourceFile, module: string, needs: readonly ImportNeed[]): TextChange {
  const imports = sourceFile.getImportDeclarations();
  const { quote, semicolon } = codeStyleOf(sourceFile);
  const text = `import { ${needs.map(specifierText).join(', ')} } from ${quoted(module, quote)}${semicolon}`;
  const last = imports.at(-1);
  if (last === undefined) return { start: 0, end: 0, text: `${text}\n\n` };
  const end = lineEnd(sourceFile.getFullText(), last.getEnd());
  return { start: end, end, text: `\n${text}` };
}

/** Local names of the file's named imports that are used outside import declarations. */
export function usedImportNames(sourceFile: SourceFile): Set<string> {
  const imported = new Set(sourceFile.getImportDeclarations().flatMap((declaration) => declaration.getNamedImports().map(localName)));
  const used = new Set<string>();
  // The compiler's own nodes, not ts-morph's wrappers: a 1,000-table schema has some 100,000 identifiers.
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && imported.has(node.text) && !isMemberName(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile.compilerNode);
  return used;
}

/** `x.name`, `{ name: ... }`: an identifier that names a member, not the imported binding. */
function isMemberName(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === identifier;
  const named = ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertySignature(parent);
  return named && parent.name === identifier;
}

function localName(specifier: Node): string {
  return specifier.asKindOrThrow(SyntaxKind.ImportSpecifier).getAliasNode()?.getText() ?? specifier.asKindOrThrow(SyntaxKind.ImportSpecifier).getName();
}

/**
 * Removes named imports the edits made unused: names used before (`usedBefore`) and no longer
 * used now. Imports that were already unused are left alone. A declaration losing its last
 * named import is removed when it has no default import. Applies the edits to `sourceFile`.
 */
export function removeNewlyUnusedImports(sourceFile: SourceFile, usedBefore: ReadonlySet<string>): void {
  // One removal per pass: each removal must see its real neighbours (commas, line breaks).
  for (let pass = 0; pass < 1000; pass += 1) {
    const change = nextUnusedImportRemoval(sourceFile, usedBefore);
    if (change === undefined) return;
    applyChanges(sourceFile, change);
  }
}

function nextUnusedImportRemoval(sourceFile: SourceFile, usedBefore: ReadonlySet<string>): TextChange[] | undefined {
  const usedNow = usedImportNames(sourceFile);
  for (const declaration of sourceFile.getImportDeclarations()) {
    const items = declaration.getNamedImports();
    const stale = items.find((item) => usedBefore.has(localName(item)) && !usedNow.has(localName(item)));
    if (stale === undefined) continue;
    if (items.length === 1 && declaration.getDefaultImport() === undefined) return [removeStatement(declaration)];
    return removeListItem({ item: stale, items });
  }
  return undefined;
}
