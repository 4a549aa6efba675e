import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Node, Project, ts } from 'ts-morph';

/** The modules a TypeScript file imports, as the compiler's pre-processor finds them. */
export function importSpecifiers(content: string): string[] {
  return ts.preProcessFile(content, true, true).importedFiles.map((reference) => reference.fileName);
}

/** The project file a relative specifier names (`./entities/User`, `./user.js`), or null. */
export function resolveRelativeImport(directory: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  // ESM TypeScript imports name the emitted `.js`; the source is the `.ts` beside it.
  for (const base of [specifier, specifier.replace(/\.(c|m)?js$/, '.$1ts')]) {
    for (const suffix of ['', '.ts', '.mts', '.cts', '/index.ts']) {
      const candidate = resolve(directory, base + suffix);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return null;
}

/** The string globs in a data source file's `entities: [...]` (classes are found through imports). */
export function entityGlobsIn(content: string): string[] {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('data-source.ts', content);
  const globs: string[] = [];
  file.forEachDescendant((node) => {
    if (!Node.isPropertyAssignment(node) || node.getName() !== 'entities') return;
    const value = node.getInitializer();
    if (!Node.isArrayLiteralExpression(value)) return;
    for (const element of value.getElements()) if (Node.isStringLiteral(element)) globs.push(element.getLiteralValue());
  });
  return globs;
}
