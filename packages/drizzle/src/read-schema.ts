import path from 'node:path';
import { Node, Project, ts, type CallExpression, type SourceFile } from 'ts-morph';
import { type EnumModel, OrmAiError, type SchemaModel, type TableModel, tableModel } from '@orm-ai/core';
import { collectDeclarations, type EnumDeclaration, type TableDeclaration } from './schema-declarations.js';
import { declarationKey } from './module-links.js';
import { defaultForeignKeyName, defaultUniqueName, type DrizzleCasing } from './naming.js';
import { columnIdentity, readColumn, type ColumnReadScope } from './read-columns.js';
import { readTableConfig, tableConfigEntries } from './read-table-config.js';
import { attachedComment, importBindings, readError } from './source-utils.js';

/** Per column: the TypeScript property key and the db name it declares. */
export interface DrizzleColumnEntry {
  readonly key: string;
  readonly name: string;
  /** False when the db name is derived from the key (no name argument). */
  readonly explicitName: boolean;
}

/** Where a pgTable lives; find its call again with `getVariableDeclaration(variableName)` in `filePath`. */
export interface DrizzleTableEntry {
  readonly name: string;
  readonly filePath: string;
  readonly variableName: string;
  /** Offset and line of the `pgTable(...)` call in the file as read (stale once the file is edited). */
  readonly callStart: number;
  readonly line: number;
  readonly columns: readonly DrizzleColumnEntry[];
  /** Shape of the third argument: `(t) => [...]`, legacy `(t) => ({...})`, or none. */
  readonly configForm: 'array' | 'object' | null;
}

/** Where a pgEnum lives; find it again with `getVariableDeclaration(variableName)` in `filePath`. */
export interface DrizzleEnumEntry {
  readonly name: string;
  readonly filePath: string;
  readonly variableName: string;
  readonly callStart: number;
  readonly line: number;
}

/** A schema file and the imports the editor extends. */
export interface DrizzleFileEntry {
  readonly path: string;
  /** Named imports (imported names, in source order) of the file's 'drizzle-orm/pg-core' import, or null. */
  readonly pgCoreImports: readonly string[] | null;
  /** True when `sql` is imported from 'drizzle-orm'. */
  readonly importsSql: boolean;
}

/** What the editor needs to find declarations in the source again. */
export interface DrizzleSchemaIndex {
  readonly casing: DrizzleCasing | null;
  readonly files: readonly DrizzleFileEntry[];
  readonly tables: readonly DrizzleTableEntry[];
  readonly enums: readonly DrizzleEnumEntry[];
}

/** A read schema: the neutral model, the source index, and the ts-morph project holding the files. */
export interface DrizzleSchema {
  readonly model: SchemaModel;
  readonly index: DrizzleSchemaIndex;
  readonly project: Project;
}

/** A ts-morph project configured to resolve schema files and drizzle-orm like a bundler would. */
export function createSchemaProject(): Project {
  return new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
  });
}

/**
 * Reads exported `pgTable(...)` and `pgEnum(...)` declarations of `files` statically (the
 * user's code is never executed). `casing` is drizzle's option for columns declared without
 * a name. Throws OrmAiError('SCHEMA_READ_FAILED') naming file:line for anything it cannot
 * interpret; drizzle-only details ($type, $defaultFn, $onUpdate, relations()) are skipped.
 */
export function readDrizzleSchema(options: { files: readonly string[]; casing?: DrizzleCasing }): DrizzleSchema {
  const project = createSchemaProject();
  const paths = options.files.map((file) => path.resolve(file));
  for (const filePath of paths) {
    try {
      project.addSourceFileAtPath(filePath);
    } catch (error) {
      throw new OrmAiError('SCHEMA_READ_FAILED', `cannot read schema file ${filePath}`, {
        hint: 'Check the schema paths in the drizzle config.',
        cause: error,
      });
    }
  }
  const files = paths.map((filePath) => project.getSourceFileOrThrow(filePath).getFilePath());
  return { ...readSchemaFromProject({ project, files, casing: options.casing ?? null }), project };
}

/** Reads the model and index from files already in `project` (the editor re-reads its in-memory edits). */
export function readSchemaFromProject(options: {
  project: Project;
  files: readonly string[];
  casing: DrizzleCasing | null;
}): { model: SchemaModel; index: DrizzleSchemaIndex } {
  const fileSet = new Set(options.files);
  const perFile = options.files.map((filePath) => {
    const sourceFile = options.project.getSourceFileOrThrow(filePath);
    return { sourceFile, scope: fileScope(sourceFile), ...collectDeclarations(sourceFile) };
  });
  const enums = new Map(perFile.flatMap((file) => file.enums.map((decl) => [declarationKey(decl.filePath, decl.variableName), decl.name] as const)));
  const columnKeys = new Map<string, readonly ReturnType<typeof columnIdentity>[]>();
  const tables = new Map<string, { name: string; columns: ReadonlyMap<string, string> }>();
  for (const decl of perFile.flatMap((file) => file.tables)) {
    const identities = decl.columnsObject.getProperties().map((property) => columnIdentity(property, options.casing));
    const key = declarationKey(decl.filePath, decl.variableName);
    columnKeys.set(key, identities);
    tables.set(key, { name: decl.name, columns: new Map(identities.map((identity) => [identity.key, identity.name])) });
  }
  const modelTables: TableModel[] = [];
  for (const file of perFile) {
    const scope: ColumnReadScope = { ...file.scope, casing: options.casing, files: fileSet, enums, tables };
    for (const decl of file.tables) modelTables.push(readTable(decl, scope));
  }
  assertUniqueNames(perFile.flatMap((file) => file.tables));
  const index: DrizzleSchemaIndex = {
    casing: options.casing,
    files: perFile.map((file) => fileEntry(file.sourceFile)),
    tables: perFile.flatMap((file) => file.tables.map((decl) => tableEntry(decl, columnKeys))),
    enums: perFile.flatMap((file) => file.enums.map(enumEntry)),
  };
  const modelEnums: EnumModel[] = perFile.flatMap((file) => file.enums.map((decl) => ({ name: decl.name, values: decl.values })));
  return { model: { dialect: 'postgresql', tables: modelTables, enums: modelEnums }, index };
}

function fileScope(sourceFile: SourceFile): Pick<ColumnReadScope, 'sourceFile' | 'pgCore' | 'sql'> {
  const bindings = importBindings(sourceFile);
  const pgCore = new Map<string, string>();
  const sqlNames = new Set<string>();
  for (const [local, binding] of bindings) {
    if (binding.module === 'drizzle-orm/pg-core') pgCore.set(local, binding.imported);
    if (binding.module === 'drizzle-orm' && binding.imported === 'sql') sqlNames.add(local);
  }
  const sql = {
    isSqlTag: (name: string) => sqlNames.has(name),
    substitute: (expression: Node): string => {
      throw readError(expression, 'sql`...` with ${...} substitutions cannot be read as a static SQL default');
    },
  };
  return { sourceFile, pgCore, sql };
}

function readTable(decl: TableDeclaration, scope: ColumnReadScope): TableModel {
  const read = decl.columnsObject.getProperties().map((property) => {
    if (!Node.isPropertyAssignment(property)) throw readError(property, 'expected a column declared as `key: builder(...)`');
    return readColumn(property, scope);
  });
  const columnsByKey = new Map(read.map((column) => [column.key, column.column.name]));
  const config = decl.configArgument === undefined
    ? { indexes: [], foreignKeys: [], uniques: [], primaryKey: null }
    : readTableConfig({ argument: decl.configArgument, table: decl.name, columns: columnsByKey, scope });
  const columnForeignKeys = read.flatMap(({ column, references }) =>
    references.map((reference) => {
      const fk = { columns: [column.name], referencedTable: reference.table, referencedColumns: [reference.column] };
      return { name: defaultForeignKeyName({ table: decl.name, ...fk }), ...fk, onDelete: reference.onDelete, onUpdate: reference.onUpdate };
    }),
  );
  return tableModel({
    name: decl.name,
    columns: read.map(({ column }) => (column.unique && column.uniqueName === null ? { ...column, uniqueName: defaultUniqueName(decl.name, [column.name]) } : column)),
    primaryKey: config.primaryKey,
    indexes: config.indexes,
    foreignKeys: [...columnForeignKeys, ...config.foreignKeys],
    uniques: config.uniques,
    comment: attachedComment(decl.statement),
  });
}

function assertUniqueNames(tables: readonly TableDeclaration[]): void {
  const seen = new Map<string, CallExpression>();
  for (const decl of tables) {
    const previous = seen.get(decl.name);
    if (previous !== undefined) {
      throw readError(decl.call, `table "${decl.name}" is also declared at ${previous.getSourceFile().getFilePath()}:${previous.getStartLineNumber()}`);
    }
    seen.set(decl.name, decl.call);
  }
}

function fileEntry(sourceFile: SourceFile): DrizzleFileEntry {
  const pgCore = sourceFile.getImportDeclarations().find((declaration) => declaration.getModuleSpecifierValue() === 'drizzle-orm/pg-core');
  const importsSql = sourceFile
    .getImportDeclarations()
    .filter((declaration) => declaration.getModuleSpecifierValue() === 'drizzle-orm')
    .some((declaration) => declaration.getNamedImports().some((named) => named.getName() === 'sql'));
  return {
    path: sourceFile.getFilePath(),
    pgCoreImports: pgCore === undefined ? null : pgCore.getNamedImports().map((named) => named.getName()),
    importsSql,
  };
}

function tableEntry(decl: TableDeclaration, columnKeys: ReadonlyMap<string, readonly DrizzleColumnEntry[]>): DrizzleTableEntry {
  return {
    name: decl.name,
    filePath: decl.filePath,
    variableName: decl.variableName,
    callStart: decl.call.getStart(),
    line: decl.call.getStartLineNumber(),
    columns: columnKeys.get(declarationKey(decl.filePath, decl.variableName)) ?? [],
    configForm: decl.configArgument === undefined ? null : tableConfigEntries(decl.configArgument).form,
  };
}

function enumEntry(decl: EnumDeclaration): DrizzleEnumEntry {
  const { name, filePath, variableName, call } = decl;
  return { name, filePath, variableName, callStart: call.getStart(), line: call.getStartLineNumber() };
}
