import { Node, type CallExpression, type ObjectLiteralExpression, type SourceFile, type VariableStatement } from 'ts-morph';
import { drizzleCoreOf, PG_CORE, type DrizzleCore } from './drizzle-core.js';
import { importBindings, readError, stringValue } from './source-utils.js';

/**
 * Finds the exported `pgTable(...)` / `pgEnum(...)` (or `sqliteTable(...)`) declarations of one schema file.
 * drizzle-kit only sees exported declarations, so unexported ones are skipped like it does.
 */

/** An exported `pgTable(...)` with the nodes the reader walks. */
export interface TableDeclaration {
  readonly name: string;
  readonly filePath: string;
  readonly variableName: string;
  readonly statement: VariableStatement;
  readonly call: CallExpression;
  readonly columnsObject: ObjectLiteralExpression;
  /** The third argument (`(t) => [...]`), if any. */
  readonly configArgument: Node | undefined;
}

/** An exported `pgEnum(...)` with its values. */
export interface EnumDeclaration {
  readonly name: string;
  readonly filePath: string;
  readonly variableName: string;
  readonly statement: VariableStatement;
  readonly call: CallExpression;
  readonly values: string[];
}

/** Names exported through `export { a, b }` lists (without a module specifier). */
function exportListNames(sourceFile: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const declaration of sourceFile.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    for (const specifier of declaration.getNamedExports()) names.add(specifier.getName());
  }
  return names;
}

/**
 * Exported pgTable and pgEnum declarations of `sourceFile`, in source order. Other pg-core
 * objects (policies, views, sequences, roles, factory-made tables) are refused, unless
 * `skipOtherObjects` says the model has them from drizzle-kit: then they are only not editable.
 */
export function collectDeclarations(
  sourceFile: SourceFile,
  options: { skipOtherObjects: boolean; core?: DrizzleCore } = { skipOtherObjects: false },
): { tables: TableDeclaration[]; enums: EnumDeclaration[] } {
  const core = drizzleCoreOf(sourceFile, options.core ?? PG_CORE);
  const imports = coreImports(sourceFile, core);
  const exported = exportListNames(sourceFile);
  const result = { tables: [] as TableDeclaration[], enums: [] as EnumDeclaration[] };
  for (const statement of sourceFile.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      const call = declaration.getInitializer();
      if (!Node.isCallExpression(call) || (!statement.isExported() && !exported.has(declaration.getName()))) continue;
      const callee = call.getExpression();
      const kind = Node.isIdentifier(callee) ? imports.get(callee.getText()) : undefined;
      if (kind === undefined) {
        if (!options.skipOtherObjects) assertNotFactoryTable(call, sourceFile, imports, core);
        continue;
      }
      const base = { filePath: sourceFile.getFilePath(), variableName: declaration.getName(), statement, call };
      if (kind === core.tableFunction) result.tables.push(tableDeclaration(base, kind));
      else if (kind === core.enumFunction) result.enums.push(enumDeclaration(base));
      else if (core.unsupportedObjects.has(kind) && !options.skipOtherObjects) throw readError(call, `${kind}() declarations are not supported yet`);
    }
  }
  return result;
}

/** Local names of the file's imports from `core`; a namespace import would hide tables, so it is refused. */
export function coreImports(sourceFile: SourceFile, core: DrizzleCore): Map<string, string> {
  const imports = new Map<string, string>();
  for (const [local, binding] of importBindings(sourceFile)) {
    if (binding.module !== core.module) continue;
    if (binding.imported === '*' || binding.imported === 'default') {
      const declaration = sourceFile
        .getImportDeclarations()
        .find((candidate) => candidate.getNamespaceImport()?.getText() === local || candidate.getDefaultImport()?.getText() === local)!;
      const hint = `Import the builders by name: import { ${core.tableFunction}, text } from '${core.module}'.`;
      throw readError(declaration, `namespace imports of ${core.module} are not supported`, hint);
    }
    imports.set(local, binding.imported);
  }
  return imports;
}

/**
 * Refuses exported tables built by a factory (`pgTableCreator(...)`, `pgSchema(...).table`)
 * declared in the same file: skipping them would silently drop tables from the model.
 */
function assertNotFactoryTable(call: CallExpression, sourceFile: SourceFile, imports: ReadonlyMap<string, string>, core: DrizzleCore): void {
  let root: Node = call.getExpression();
  while (Node.isPropertyAccessExpression(root)) root = root.getExpression();
  if (!Node.isIdentifier(root)) return;
  const factory = sourceFile.getVariableDeclaration(root.getText())?.getInitializer();
  const factoryCallee = Node.isCallExpression(factory) ? factory.getExpression() : undefined;
  const kind = Node.isIdentifier(factoryCallee) ? imports.get(factoryCallee.getText()) : undefined;
  if (kind !== undefined && core.unsupportedObjects.has(kind)) throw readError(call, `tables declared through ${kind}() are not supported yet`);
}

type DeclarationBase = Pick<TableDeclaration, 'filePath' | 'variableName' | 'statement' | 'call'>;

function tableDeclaration(base: DeclarationBase, tableFunction: string): TableDeclaration {
  const [nameNode, columns, config, extra] = base.call.getArguments();
  const name = stringValue(nameNode);
  if (name === undefined) throw readError(base.call, `${tableFunction} name must be a string literal`);
  if (!Node.isObjectLiteralExpression(columns)) {
    const hint = 'The column-builder callback form `(t) => ({ ... })` is not supported yet.';
    throw readError(columns ?? base.call, `${tableFunction} columns must be an object literal`, hint);
  }
  if (extra !== undefined) throw readError(extra, `unexpected fourth ${tableFunction} argument`);
  return { ...base, name, columnsObject: columns, configArgument: config };
}

function enumDeclaration(base: DeclarationBase): EnumDeclaration {
  const [nameNode, valuesNode] = base.call.getArguments();
  const name = stringValue(nameNode);
  if (name === undefined) throw readError(base.call, 'pgEnum name must be a string literal');
  if (!Node.isArrayLiteralExpression(valuesNode)) throw readError(base.call, 'pgEnum values must be an array of string literals');
  const values = valuesNode.getElements().map((element) => {
    const value = stringValue(element);
    if (value === undefined) throw readError(element, 'pgEnum values must be string literals');
    return value;
  });
  if (values.length === 0) throw readError(base.call, 'pgEnum needs at least one value');
  return { ...base, name, values };
}
