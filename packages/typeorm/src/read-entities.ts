import path from 'node:path';
import { Node, Project, ts, type ClassDeclaration, type Decorator, type SourceFile } from 'ts-morph';
import { OrmAiError, type EnumModel, type SchemaModel, type TableModel } from '@orm-ai/core';
import { readError, typeormImports } from './entity-source.js';
import { readTableParts, resolveTable, type ReadEntity } from './read-entity-table.js';
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

/** What the editor needs to find declarations in the source again. */
export interface EntityIndex {
  readonly namingStrategy: EntityNamingStrategy;
  readonly files: readonly string[];
  readonly tables: readonly EntityTableEntry[];
  readonly enums: readonly EntityEnumEntry[];
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
export function readEntities(options: { files: readonly string[]; namingStrategy?: EntityNamingStrategy }): EntitySchema {
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
  project.resolveSourceFileDependencies();
  const files = options.files.map((file) => project.getSourceFileOrThrow(path.resolve(file)).getFilePath());
  return { ...readEntitiesFromProject({ project, files, namingStrategy: options.namingStrategy ?? 'default' }), project };
}

/** Reads the model and index from files already in `project` (the editor re-reads its in-memory edits). */
export function readEntitiesFromProject(options: {
  project: Project;
  files: readonly string[];
  namingStrategy: EntityNamingStrategy;
}): { model: SchemaModel; index: EntityIndex } {
  const naming = options.namingStrategy;
  const entities: ReadEntity[] = [];
  for (const filePath of options.files) {
    const sourceFile = options.project.getSourceFileOrThrow(filePath);
    for (const { declaration, decorator } of entityClasses(sourceFile)) {
      entities.push(readTableParts({ declaration, decorator, imports: typeormImports(sourceFile), naming }));
    }
  }
  assertUniqueTables(entities);
  const resolved = entities.map((entity) => resolveTable({ entity, entities, naming }));
  const tables: TableModel[] = resolved.flatMap((result) => result.tables);
  const enums = collectEnums(entities);
  return {
    model: { dialect: 'postgresql', tables, enums: enums.map((entry) => entry.model) },
    index: { namingStrategy: naming, files: options.files, tables: resolved.flatMap((result) => result.entries), enums: enums.map((entry) => entry.entry) },
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
