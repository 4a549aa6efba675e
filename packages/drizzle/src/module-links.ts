import path from 'node:path';
import type { SourceFile } from 'ts-morph';
import { importBindings } from './source-utils.js';

/**
 * Follows identifiers across the schema files without a type checker: a name declared at
 * the top of the file, or imported by a relative import from another schema file.
 */

/** Key of a top-level declaration: `${absolute file path}#${variable name}`. */
export function declarationKey(filePath: string, name: string): string {
  return `${filePath}#${name}`;
}

const EXTENSION_SWAPS: ReadonlyArray<readonly [string, string]> = [
  ['.js', '.ts'],
  ['.mjs', '.mts'],
  ['.jsx', '.tsx'],
];

/** The schema file a relative module specifier points at, or undefined (package imports, files not read). */
export function resolveRelativeModule(options: {
  fromFile: string;
  specifier: string;
  files: ReadonlySet<string>;
}): string | undefined {
  if (!options.specifier.startsWith('.')) return undefined;
  const target = path.posix.resolve(path.posix.dirname(options.fromFile), options.specifier);
  const candidates = [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`];
  for (const [from, to] of EXTENSION_SWAPS) {
    if (target.endsWith(from)) candidates.push(target.slice(0, -from.length) + to);
  }
  return candidates.find((candidate) => options.files.has(candidate));
}

/**
 * The declaration a local name in `sourceFile` refers to: a top-level variable of the same
 * file, or the export of another schema file it was imported from (aliases followed).
 * Returns the declaration key, or undefined when the name leads outside the schema files.
 */
export function resolveName(options: {
  sourceFile: SourceFile;
  name: string;
  files: ReadonlySet<string>;
}): string | undefined {
  const filePath = options.sourceFile.getFilePath();
  const { variables, imports } = topLevelNames(options.sourceFile);
  if (variables.has(options.name)) return declarationKey(filePath, options.name);
  const binding = imports.get(options.name);
  if (binding === undefined || binding.imported === '*' || binding.imported === 'default') return undefined;
  const target = resolveRelativeModule({ fromFile: filePath, specifier: binding.module, files: options.files });
  return target === undefined ? undefined : declarationKey(target, binding.imported);
}

/**
 * A file's top-level variables and import bindings, computed once per version of its text:
 * every reference in a schema of a thousand tables is resolved here, and scanning the file
 * for each made reading quadratic. ts-morph gives an edited file a new compiler node, so an
 * edit is never answered from the old names.
 */
const namesByVersion = new WeakMap<object, { variables: ReadonlySet<string>; imports: ReturnType<typeof importBindings> }>();

function topLevelNames(sourceFile: SourceFile): { variables: ReadonlySet<string>; imports: ReturnType<typeof importBindings> } {
  const version = sourceFile.compilerNode;
  let names = namesByVersion.get(version);
  if (names === undefined) {
    const variables = new Set(sourceFile.getVariableStatements().flatMap((statement) => statement.getDeclarations().map((declaration) => declaration.getName())));
    names = { variables, imports: importBindings(sourceFile) };
    namesByVersion.set(version, names);
  }
  return names;
}

/** The specifier to import `toFile` from `fromFile`, in the style of the file's other relative imports. */
export function relativeSpecifier(options: { fromFile: string; toFile: string; sourceFile: SourceFile }): string {
  let relative = path.posix.relative(path.posix.dirname(options.fromFile), options.toFile);
  if (!relative.startsWith('.')) relative = `./${relative}`;
  const withoutExtension = relative.replace(/\.(m?)ts$/, '');
  const existing = options.sourceFile
    .getImportDeclarations()
    .map((declaration) => declaration.getModuleSpecifierValue())
    .filter((specifier) => specifier.startsWith('.'));
  const omitsExtension = existing.length > 0 && existing.every((specifier) => !/\.[cm]?[jt]s$/.test(specifier));
  if (omitsExtension) return withoutExtension;
  return relative.endsWith('.mts') ? `${withoutExtension}.mjs` : `${withoutExtension}.js`;
}
