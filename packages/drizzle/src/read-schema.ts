import path from 'node:path';
import { Node, Project, ts, type CallExpression, type SourceFile } from 'ts-morph';
import { type EnumModel, findTable, OrmAiError, type SchemaModel, type TableModel } from '@orm-ai/core';
import { collectDeclarations, type EnumDeclaration, type TableDeclaration } from './schema-declarations.js';
import { declarationKey } from './module-links.js';
import { drizzleCoreOf, PG_CORE, type DrizzleCore } from './drizzle-core.js';
import type { DrizzleCasing } from './naming.js';
import { columnIdentity, type ColumnReadScope } from './read-columns.js';
import { tableConfigEntries } from './read-table-config.js';
import { readTable, type StaticTable, type UnreadableConstruct } from './read-table.js';
import { importBindings, readError } from './source-utils.js';

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
  /** What the static reader could not interpret; the model holds drizzle-kit's facts for this table then. */
  readonly unreadable: readonly UnreadableConstruct[];
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
  /** Named imports (imported names, in source order) of the file's core module import ('drizzle-orm/pg-core' or sqlite-core), or null. */
  readonly coreImports: readonly string[] | null;
  /** True when `sql` is imported from 'drizzle-orm'. */
  readonly importsSql: boolean;
}

/** What the editor needs to find declarations in the source again. */
export interface DrizzleSchemaIndex {
  readonly casing: DrizzleCasing | null;
  /** The project's core module: what a file importing none declares with. */
  readonly core: DrizzleCore;
  /** The third-argument form a table without one gets: `object` before drizzle-orm 0.36, or where the files use it. */
  readonly newConfigForm: 'array' | 'object';
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

/** Options shared by the readers: see `readDrizzleSchema`. */
export interface SchemaReadOptions {
  readonly casing?: DrizzleCasing | null;
  /**
   * The model as drizzle-kit serializes the schema. A table with constructs the static reader
   * cannot interpret takes its model from here (and lists them in `unreadable`); without a
   * fallback such a construct is an error, as is any table missing from it.
   */
  readonly fallback?: SchemaModel;
  /** The installed drizzle-orm's table-config form, used when no table of the files has one. */
  readonly configForm?: 'array' | 'object';
  /** The project's core module (from its config's dialect); pg-core unless given. */
  readonly core?: DrizzleCore;
}

/**
 * Reads exported `pgTable(...)` and `pgEnum(...)` declarations of `files` statically (the
 * user's code is never executed): where each lives, for the editor, and the model of what it
 * can interpret. `casing` is drizzle's option for columns declared without a name. Throws
 * OrmAiError('SCHEMA_READ_FAILED') naming file:line for anything it cannot interpret and the
 * fallback does not cover; drizzle-only details ($type, $defaultFn, relations()) are skipped.
 */
export function readDrizzleSchema(options: SchemaReadOptions & { files: readonly string[] }): DrizzleSchema {
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
  return { ...readSchemaFromProject({ ...options, project, files }), project };
}

/** Reads the model and index from files already in `project` (the editor re-reads its in-memory edits). */
export function readSchemaFromProject(options: SchemaReadOptions & { project: Project; files: readonly string[] }): {
  model: SchemaModel;
  index: DrizzleSchemaIndex;
} {
  const casing = options.casing ?? null;
  const core = options.core ?? PG_CORE;
  const fileSet = new Set(options.files);
  const perFile = options.files.map((filePath) => {
    const sourceFile = options.project.getSourceFileOrThrow(filePath);
    const declarations = collectDeclarations(sourceFile, { skipOtherObjects: options.fallback !== undefined, core });
    return { sourceFile, scope: fileScope(sourceFile, drizzleCoreOf(sourceFile, core)), ...declarations };
  });
  const enums = new Map(perFile.flatMap((file) => file.enums.map((decl) => [declarationKey(decl.filePath, decl.variableName), decl.name] as const)));
  const columnKeys = new Map<string, readonly ReturnType<typeof columnIdentity>[]>();
  const tables = new Map<string, { name: string; columns: ReadonlyMap<string, string> }>();
  const identityOf = (property: Node) => {
    try {
      return columnIdentity(property, casing);
    } catch {
      // A spread or computed property: its columns exist only in drizzle-kit's view.
      return undefined;
    }
  };
  for (const decl of perFile.flatMap((file) => file.tables)) {
    const identities = decl.columnsObject.getProperties().flatMap((property) => identityOf(property) ?? []);
    const key = declarationKey(decl.filePath, decl.variableName);
    columnKeys.set(key, identities);
    tables.set(key, { name: decl.name, columns: new Map(identities.map((identity) => [identity.key, identity.name])) });
  }
  const read = new Map<TableDeclaration, StaticTable>();
  for (const file of perFile) {
    const scope: ColumnReadScope = { ...file.scope, casing, files: fileSet, enums, tables };
    for (const decl of file.tables) read.set(decl, readTable(decl, scope, (property) => identityOf(property)?.name ?? null));
  }
  assertUniqueNames(perFile.flatMap((file) => file.tables));
  const modelTables = [...read].map(([decl, table]) => tableOrFallback(decl, table, options.fallback));
  const tableEntries = perFile.flatMap((file) => file.tables.map((decl) => tableEntry(decl, columnKeys, read.get(decl)!.unreadable)));
  const index: DrizzleSchemaIndex = {
    casing,
    core,
    newConfigForm: tableEntries.find((entry) => entry.configForm !== null)?.configForm ?? options.configForm ?? 'array',
    files: perFile.map((file) => fileEntry(file.sourceFile, file.scope.core)),
    tables: tableEntries,
    enums: perFile.flatMap((file) => file.enums.map(enumEntry)),
  };
  const modelEnums: EnumModel[] = perFile.flatMap((file) => file.enums.map((decl) => ({ name: decl.name, values: decl.values })));
  return { model: { dialect: core.dialect, tables: modelTables, enums: modelEnums }, index };
}

function fileScope(sourceFile: SourceFile, core: DrizzleCore): Pick<ColumnReadScope, 'sourceFile' | 'core' | 'coreImports' | 'sql'> {
  const coreImports = new Map<string, string>();
  const sqlNames = new Set<string>();
  for (const [local, binding] of importBindings(sourceFile)) {
    if (binding.module === core.module) coreImports.set(local, binding.imported);
    if (binding.module === 'drizzle-orm' && binding.imported === 'sql') sqlNames.add(local);
  }
  const sql = {
    isSqlTag: (name: string) => sqlNames.has(name),
    substitute: (expression: Node): string => {
      throw readError(expression, 'sql`...` with ${...} substitutions cannot be read as a static SQL default');
    },
  };
  return { sourceFile, core, coreImports, sql };
}

/** The statically read table when complete, else drizzle-kit's view of it (with the source's comments). */
function tableOrFallback(decl: TableDeclaration, table: StaticTable, fallback: SchemaModel | undefined): TableModel {
  const first = table.unreadable[0];
  if (first === undefined) return table.model;
  const known = fallback === undefined ? undefined : findTable(fallback, decl.name);
  if (known === undefined) {
    throw new OrmAiError('SCHEMA_READ_FAILED', `${first.location}: ${first.reason}`, {
      hint: 'Rewrite the expression in a form drizzle-ai understands, or declare it outside the schema files it reads.',
    });
  }
  const comments = new Map(table.model.columns.map((column) => [column.name, column.comment]));
  return {
    ...known,
    comment: table.model.comment,
    columns: known.columns.map((column) => ({ ...column, comment: comments.get(column.name) ?? column.comment })),
  };
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

function fileEntry(sourceFile: SourceFile, core: DrizzleCore): DrizzleFileEntry {
  const coreImport = sourceFile.getImportDeclarations().find((declaration) => declaration.getModuleSpecifierValue() === core.module);
  const importsSql = sourceFile
    .getImportDeclarations()
    .filter((declaration) => declaration.getModuleSpecifierValue() === 'drizzle-orm')
    .some((declaration) => declaration.getNamedImports().some((named) => named.getName() === 'sql'));
  return {
    path: sourceFile.getFilePath(),
    coreImports: coreImport === undefined ? null : coreImport.getNamedImports().map((named) => named.getName()),
    importsSql,
  };
}

function tableEntry(
  decl: TableDeclaration,
  columnKeys: ReadonlyMap<string, readonly DrizzleColumnEntry[]>,
  unreadable: readonly UnreadableConstruct[],
): DrizzleTableEntry {
  return {
    name: decl.name,
    filePath: decl.filePath,
    variableName: decl.variableName,
    callStart: decl.call.getStart(),
    // ts-morph counts the newlines before the node on every call; the compiler's line map is built once per file.
    line: decl.call.getSourceFile().compilerNode.getLineAndCharacterOfPosition(decl.call.getStart()).line + 1,
    columns: columnKeys.get(declarationKey(decl.filePath, decl.variableName)) ?? [],
    configForm: configFormOf(decl.configArgument),
    unreadable,
  };
}

function configFormOf(argument: Node | undefined): DrizzleTableEntry['configForm'] {
  if (argument === undefined) return null;
  try {
    return tableConfigEntries(argument).form;
  } catch {
    // Listed in `unreadable`; the editor refuses to touch it.
    return null;
  }
}

function enumEntry(decl: EnumDeclaration): DrizzleEnumEntry {
  const { name, filePath, variableName, call } = decl;
  return { name, filePath, variableName, callStart: call.getStart(), line: call.getStartLineNumber() };
}
