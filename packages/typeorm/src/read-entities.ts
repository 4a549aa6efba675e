import { existsSync } from 'node:fs';
import path from 'node:path';
import { Node, Project, ts, type ClassDeclaration, type Decorator, type SourceFile } from 'ts-morph';
import { OrmAiError, type EnumModel, type SchemaModel, type TableModel } from '@orm-ai/core';
import { readError, typeormImports } from './entity-source.js';
import { entityName, readTableParts, resolveTable, type ReadEntity } from './read-entity-table.js';
import { tableName } from './naming.js';
import type { EntityNamingStrategy } from './naming.js';

/** Per column: the entity property and the db column name it maps to. */
export interface EntityColumnEntry {
  /** The property declaring the column; for a relation's join column, the relation property. */
  readonly property: string;
  readonly name: string;
  /** True when the db name is written in the source (`name: '...'` or `@JoinColumn({ name })`). */
  readonly explicitName: boolean;
  readonly source: 'column' | 'relation';
}

/** Per relation property: what it points at and the join column it owns, if any. */
export interface EntityRelationEntry {
  readonly property: string;
  readonly kind: 'ManyToOne' | 'OneToMany' | 'OneToOne' | 'ManyToMany';
  readonly targetClass: string;
  readonly targetTable: string;
  readonly joinColumn: string | null;
}

/** A named index, unique or foreign key and the decorator declaring it (offset in the file as read). */
export interface EntityConstraintEntry {
  readonly kind: 'index' | 'unique' | 'foreign_key';
  readonly name: string;
  /** The property carrying the decorator (or the relation), null for class decorators. */
  readonly property: string | null;
  /** Start offset of the `@Index` / `@Unique` decorator; null for `unique: true` and relations. */
  readonly decoratorStart: number | null;
}

/** Where an entity class lives; find it again with `getClassOrThrow(className)` in `filePath`. */
export interface EntityTableEntry {
  readonly name: string;
  readonly className: string;
  readonly filePath: string;
  readonly line: number;
  /** False when the table name is derived from the class name. */
  readonly explicitName: boolean;
  readonly columns: readonly EntityColumnEntry[];
  readonly relations: readonly EntityRelationEntry[];
  readonly constraints: readonly EntityConstraintEntry[];
  /** For a `@ManyToMany` junction table: the owning table and property (className/filePath are the owner's). */
  readonly junction: { readonly ownerTable: string; readonly property: string } | null;
}

/** An enum type used by enum columns; `tsEnum` is the TypeScript enum passed as `enum:` (null for array literals). */
export interface EntityEnumEntry {
  readonly name: string;
  readonly tsEnum: { readonly name: string; readonly filePath: string } | null;
}

/**
 * An `@Entity` class the static reader cannot follow (an option it cannot read, a custom
 * naming strategy, a column its reading disagrees with TypeORM about). The model still has
 * its table, from TypeORM's metadata; only a plan that touches it is refused, with `reason`.
 */
export interface UnreadableEntity {
  readonly declaration: ClassDeclaration;
  readonly className: string;
  /** The table, when the decorator at least names it (or the reading got that far). */
  readonly table: string | null;
  readonly filePath: string;
  readonly line: number;
  readonly reason: string;
}

/** What the editor needs to find declarations in the source again. */
export interface EntityIndex {
  readonly namingStrategy: EntityNamingStrategy;
  readonly files: readonly string[];
  readonly tables: readonly EntityTableEntry[];
  readonly enums: readonly EntityEnumEntry[];
  readonly unreadable: readonly UnreadableEntity[];
}

/** A read schema: the neutral model, the source index and the ts-morph project holding the files. */
export interface EntitySchema {
  readonly model: SchemaModel;
  readonly index: EntityIndex;
  readonly project: Project;
}

/** A ts-morph project that resolves `./x.js` imports to `./x.ts` and accepts legacy decorators. */
export function createEntityProject(): Project {
  return new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      experimentalDecorators: true,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
  });
}

/**
 * Reads the `@Entity` classes of `files` statically with ts-morph (user code never runs) into
 * the neutral model, computing every name as TypeORM's metadata builder would: tables default
 * to the class name in snake_case (`BlogPost` → `blog_post`, DefaultNamingStrategy.tableName),
 * columns to the property name (`snake` strategy: snake_case), constraints get TypeORM's hashed
 * `PK_`/`FK_`/`UQ_`/`IDX_` names, and `@ManyToMany` + `@JoinTable` junction tables appear as
 * tables. Throws OrmAiError('SCHEMA_READ_FAILED') naming file:line for anything not understood.
 */
export function readEntities(options: { files: readonly string[]; namingStrategy?: EntityNamingStrategy; metadataModel?: SchemaModel }): EntitySchema {
  const project = createEntityProject();
  for (const file of options.files) {
    try {
      project.addSourceFileAtPath(path.resolve(file));
    } catch (error) {
      throw new OrmAiError('SCHEMA_READ_FAILED', `cannot read entity file ${path.resolve(file)}`, {
        hint: 'Check the entities listed in the data source.',
        cause: error,
      });
    }
  }
  // Imported enum files become project files, so the editor can edit and report them.
  addRelativeImports(project);
  const files = options.files.map((file) => project.getSourceFileOrThrow(path.resolve(file)).getFilePath());
  const read = readEntitiesFromProject({ project, files, namingStrategy: options.namingStrategy ?? 'default' });
  return { ...(options.metadataModel ? agreeWithMetadata(read, options.metadataModel, project) : read), project };
}

/** Reads the model and index from files already in `project` (the editor re-reads its in-memory edits). */
export function readEntitiesFromProject(options: {
  project: Project;
  files: readonly string[];
  namingStrategy: EntityNamingStrategy;
}): { model: SchemaModel; index: EntityIndex } {
  const naming = options.namingStrategy;
  const read: ReadEntity[] = [];
  const unreadable: UnreadableEntity[] = [];
  for (const filePath of options.files) {
    const sourceFile = options.project.getSourceFileOrThrow(filePath);
    for (const { declaration, decorator } of entityClasses(sourceFile)) {
      const entity = unlessUnreadable(declaration, unreadable, () => readTableParts({ declaration, decorator, imports: typeormImports(sourceFile), naming }));
      if (entity !== undefined) read.push(entity);
    }
  }
  assertUniqueTables(read);
  // An entity whose relation targets an unreadable one cannot be resolved either: it joins
  // them, and the rest resolve again without it.
  let entities = read;
  let resolved: Array<ReturnType<typeof resolveTable>> = [];
  for (let failedBefore = -1; failedBefore !== unreadable.length; ) {
    failedBefore = unreadable.length;
    const current = entities;
    resolved = [];
    for (const entity of current) {
      const result = unlessUnreadable(entity.declaration, unreadable, () => resolveTable({ entity, entities: current, naming }), entity.table);
      if (result !== undefined) resolved.push(result);
    }
    entities = current.filter((entity) => !unreadable.some((entry) => entry.declaration === entity.declaration));
  }
  // Entities with unreadable properties resolve (relations to them read) but are not editable.
  for (const entity of entities.filter((candidate) => candidate.problems.length > 0)) {
    unreadable.push({ declaration: entity.declaration, className: entity.declaration.getName()!, table: entity.table, filePath: entity.declaration.getSourceFile().getFilePath(), line: entity.declaration.getStartLineNumber(), reason: entity.problems.join('; ') });
  }
  const editable = new Set(entities.filter((entity) => entity.problems.length === 0).map((entity) => entity.table));
  resolved = resolved.map((result) => ({
    tables: result.tables.filter((table) => editable.has(result.entries[0]?.name ?? '')),
    entries: result.entries.filter(() => editable.has(result.entries[0]?.name ?? '')),
  }));
  const tables: TableModel[] = resolved.flatMap((result) => result.tables);
  const enums = collectEnums(entities);
  return {
    model: { dialect: 'postgresql', tables, enums: enums.map((entry) => entry.model) },
    index: { namingStrategy: naming, files: options.files, tables: resolved.flatMap((result) => result.entries), enums: enums.map((entry) => entry.entry), unreadable },
  };
}

/** Runs one entity's reading; a SCHEMA_READ_FAILED becomes an unreadable entry instead of failing the whole read. */
function unlessUnreadable<T>(declaration: ClassDeclaration, unreadable: UnreadableEntity[], read: () => T, table: string | null = null): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof OrmAiError) || error.code !== 'SCHEMA_READ_FAILED') throw error;
    unreadable.push({
      declaration,
      className: declaration.getName() ?? '(anonymous class)',
      table: table ?? declaredTableName(declaration),
      filePath: declaration.getSourceFile().getFilePath(),
      line: declaration.getStartLineNumber(),
      reason: error.message,
    });
    return undefined;
  }
}

/** The table an entity class declares, for naming it in errors; null when even that cannot be read. */
function declaredTableName(declaration: ClassDeclaration): string | null {
  const decorator = declaration.getDecorators().find((candidate) => typeormImports(declaration.getSourceFile()).get(candidate.getName()) === 'Entity');
  const className = declaration.getName();
  if (decorator === undefined || className === undefined) return null;
  try {
    return tableName(className, entityName(decorator));
  } catch {
    return null;
  }
}

/**
 * Tables whose static reading disagrees with TypeORM's metadata (other column names: a custom
 * naming strategy, columns from a base class or an embedded class) move to `unreadable`, so
 * the editor never edits a class it reads differently from TypeORM.
 */
function agreeWithMetadata(read: { model: SchemaModel; index: EntityIndex }, metadata: SchemaModel, project: Project): { model: SchemaModel; index: EntityIndex } {
  const disagreeing = new Map<string, string>();
  for (const table of read.model.tables) {
    const actual = metadata.tables.find((candidate) => candidate.name === table.name);
    if (actual === undefined) {
      disagreeing.set(table.name, `TypeORM names no table "${table.name}" (a naming strategy the editor does not model?)`);
      continue;
    }
    const names = (columns: readonly { name: string }[]) => columns.map((column) => column.name).sort().join(', ');
    if (names(table.columns) !== names(actual.columns)) {
      disagreeing.set(table.name, `the editor reads the columns ${names(table.columns)}, TypeORM has ${names(actual.columns)} (inherited, embedded or custom-named columns)`);
    }
  }
  if (disagreeing.size === 0) return read;
  const moved = read.index.tables.filter((entry) => entry.junction === null && disagreeing.has(entry.name));
  const unreadable: UnreadableEntity[] = moved.flatMap((entry) => {
    const declaration = project.getSourceFile(entry.filePath)?.getClass(entry.className);
    return declaration === undefined ? [] : [{ declaration, className: entry.className, table: entry.name, filePath: entry.filePath, line: entry.line, reason: disagreeing.get(entry.name)! }];
  });
  return {
    model: { ...read.model, tables: read.model.tables.filter((table) => !disagreeing.has(table.name)) },
    index: { ...read.index, tables: read.index.tables.filter((entry) => !disagreeing.has(entry.name) && !(entry.junction && disagreeing.has(entry.junction.ownerTable))), unreadable: [...read.index.unreadable, ...unreadable] },
  };
}

function entityClasses(sourceFile: SourceFile): Array<{ declaration: ClassDeclaration; decorator: Decorator }> {
  const imports = typeormImports(sourceFile);
  return sourceFile.getClasses().flatMap((declaration) => {
    const decorator = declaration.getDecorators().find((candidate) => imports.get(candidate.getName()) === 'Entity');
    return decorator === undefined ? [] : [{ declaration, decorator }];
  });
}

function assertUniqueTables(entities: readonly ReadEntity[]): void {
  const seen = new Map<string, ClassDeclaration>();
  for (const entity of entities) {
    const previous = seen.get(entity.table);
    if (previous !== undefined) {
      throw readError(entity.declaration, `table "${entity.table}" is also declared by ${previous.getName()} at ${previous.getSourceFile().getFilePath()}:${previous.getStartLineNumber()}`);
    }
    seen.set(entity.table, entity.declaration);
  }
}

function collectEnums(entities: readonly ReadEntity[]): Array<{ model: EnumModel; entry: EntityEnumEntry }> {
  const byName = new Map<string, { model: EnumModel; entry: EntityEnumEntry; node: Node }>();
  for (const entity of entities) {
    for (const { column, enumType, node } of entity.enumColumns) {
      const previous = byName.get(enumType.name);
      if (previous === undefined) {
        byName.set(enumType.name, { model: { name: enumType.name, values: [...enumType.values] }, entry: { name: enumType.name, tsEnum: enumType.tsEnum }, node });
      } else if (previous.model.values.join('\u0000') !== enumType.values.join('\u0000')) {
        throw readError(node, `enum "${enumType.name}" of column "${column}" has other values than at line ${previous.node.getStartLineNumber()}`);
      }
    }
  }
  return [...byName.values()].map(({ model, entry }) => ({ model, entry }));
}

/**
 * Adds the files the project's files import by relative path, transitively, as Bundler
 * resolution finds them (`./x.js` is `./x.ts`). Not `resolveSourceFileDependencies()`: that
 * also parses typeorm's declaration files, seconds of work the reader never looks at (a
 * question only the type checker answers still finds them, through its own program).
 */
function addRelativeImports(project: Project): void {
  const pending = [...project.getSourceFiles()];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const specifiers = [...file.getImportDeclarations(), ...file.getExportDeclarations()].flatMap((declaration) => declaration.getModuleSpecifierValue() ?? []);
    for (const specifier of specifiers.filter((value) => value.startsWith('./') || value.startsWith('../'))) {
      const base = path.resolve(path.dirname(file.getFilePath()), specifier);
      const stem = base.replace(/\.(c|m)?jsx?$/, '');
      const candidates = [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${stem}.d.ts`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
      const found = candidates.find((candidate) => existsSync(candidate));
      if (found === undefined || project.getSourceFile(found) !== undefined) continue;
      pending.push(project.addSourceFileAtPath(found));
    }
  }
}
