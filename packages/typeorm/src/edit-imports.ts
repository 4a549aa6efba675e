import path from 'node:path';
import type { SourceFile } from 'ts-morph';
import type { TextChange } from '@orm-ai/core/typescript';

/**
 * Adds missing named imports: into the existing import of `module` (kept sorted when it was
 * sorted, else appended), or as a new import after the last one.
 */
export function ensureNamedImports(sourceFile: SourceFile, module: string, names: readonly string[]): TextChange[] {
  const declaration = sourceFile.getImportDeclarations().find((candidate) => candidate.getModuleSpecifierValue() === module && !candidate.isTypeOnly());
  const present = new Set(declaration?.getNamedImports().map((named) => named.getAliasNode()?.getText() ?? named.getName()) ?? []);
  const missing = [...new Set(names)].filter((name) => !present.has(name));
  if (missing.length === 0) return [];
  if (declaration === undefined || declaration.getNamedImports().length === 0) {
    const last = sourceFile.getImportDeclarations().at(-1);
    const line = `import { ${[...missing].sort().join(', ')} } from '${module}';`;
    if (last === undefined) return [{ start: 0, end: 0, text: `${line}\n` }];
    return [{ start: last.getEnd(), end: last.getEnd(), text: `\n${line}` }];
  }
  const named = declaration.getNamedImports();
  const existing = named.map((item) => item.getName());
  const sorted = existing.every((name, position) => position === 0 || existing[position - 1]!.localeCompare(name) <= 0);
  const text = sourceFile.getFullText();
  const multiline = text.slice(declaration.getStart(), named[0]!.getStart()).includes('\n');
  const indent = multiline ? /[ \t]*$/.exec(text.slice(0, named[0]!.getStart()))![0] : '';
  const changes: TextChange[] = [];
  for (const name of missing) {
    const before = sorted ? named.find((item) => item.getName().localeCompare(name) > 0) : undefined;
    if (before !== undefined) {
      changes.push({ start: before.getStart(), end: before.getStart(), text: multiline ? `${name},\n${indent}` : `${name}, ` });
    } else {
      const last = named.at(-1)!;
      changes.push({ start: last.getEnd(), end: last.getEnd(), text: multiline ? `,\n${indent}${name}` : `, ${name}` });
    }
  }
  return changes;
}

/** The specifier to import `target` from `sourceFile`, with `.js` when the file's relative imports use it. */
export function relativeSpecifier(sourceFile: SourceFile, target: string): string {
  let specifier = path.relative(path.dirname(sourceFile.getFilePath()), target).replace(/\.ts$/, '').split(path.sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const relativeIn = (file: SourceFile) => file.getImportDeclarations().map((declaration) => declaration.getModuleSpecifierValue()).filter((value) => value.startsWith('.'));
  // A new file has no imports yet: follow the project's other files.
  const own = relativeIn(sourceFile);
  const relative = own.length > 0 ? own : sourceFile.getProject().getSourceFiles().flatMap(relativeIn);
  const extensionless = relative.length > 0 && relative.every((value) => !value.endsWith('.js'));
  return extensionless ? specifier : `${specifier}.js`;
}

/** Imports `name` (a class or enum) declared in `target` unless the file declares or imports it already. */
export function ensureDeclarationImport(sourceFile: SourceFile, name: string, target: string): TextChange[] {
  if (sourceFile.getFilePath() === target) return [];
  return ensureNamedImports(sourceFile, relativeSpecifier(sourceFile, target), [name]);
}
