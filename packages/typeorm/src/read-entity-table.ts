import { Node, type ClassDeclaration, type Decorator, type PropertyDeclaration } from 'ts-morph';
import { columnModel, OrmAiError, parseColumnType, tableModel, type ColumnModel, type ForeignKeyModel, type TableModel } from '@orm-ai/core';
import { attachedComment, optionsObject, readError, staticValue, stringOption, typeormImports } from './entity-source.js';
import { COLUMN_DECORATORS, readColumnDecorator, type ReadColumn, type ReadEnumType } from './read-entity-columns.js';
import { readIndexDecorator, readUniqueDecorator, type RawIndex, type RawUnique } from './read-entity-indexes.js';
import { RELATION_DECORATORS, readRelation, type RawRelation, type RelationKind } from './read-entity-relations.js';
import type { EntityColumnEntry, EntityConstraintEntry, EntityRelationEntry, EntityTableEntry } from './read-entities.js';
import * as naming from './naming.js';

/** One `@Entity` class as written, before relations are resolved. */
export interface ReadEntity {
  readonly declaration: ClassDeclaration;
  readonly table: string;
  readonly explicitName: boolean;
  readonly columns: readonly ReadColumn[];
  readonly relations: readonly RawRelation[];
  readonly indexes: readonly RawIndex[];
  readonly uniques: readonly RawUnique[];
  readonly enumColumns: ReadonlyArray<{ column: string; enumType: ReadEnumType; node: Node }>;
  /**
   * Properties the static reader could not read (file:line and why). The entity still
   * resolves, so relations to it read, but the editor must not change it.
   */
  readonly problems: readonly string[];
}

/** Reads an entity class's own declarations. */
export function readTableParts(options: {
  declaration: ClassDeclaration;
  decorator: Decorator;
  imports: ReadonlyMap<string, string>;
  naming: naming.EntityNamingStrategy;
}): ReadEntity {
  const { declaration, imports } = options;
  const className = declaration.getName();
  if (className === undefined) throw readError(declaration, 'an @Entity class needs a name');
  const given = entityName(options.decorator);
  const table = naming.tableName(className, given);
  const columns: ReadColumn[] = [];
  const relations: RawRelation[] = [];
  const indexes: RawIndex[] = [];
  const uniques: RawUnique[] = [];
  for (const decorator of declaration.getDecorators()) {
    const kind = imports.get(decorator.getName());
    if (kind === 'Index') indexes.push(...[readIndexDecorator(decorator, null)].filter((index) => index !== null));
    if (kind === 'Unique') uniques.push(readUniqueDecorator(decorator, null));
  }
  const readProperty = (property: PropertyDeclaration, imports: ReadonlyMap<string, string>): void => {
    const decorators = new Map<string, Decorator>();
    for (const decorator of property.getDecorators()) {
      const kind = imports.get(decorator.getName());
      if (kind !== undefined) decorators.set(kind, decorator);
    }
    for (const [kind, decorator] of decorators) {
      if (COLUMN_DECORATORS.has(kind)) {
        columns.push(readColumnDecorator({ kind, decorator, property, table, naming: options.naming, comment: attachedComment(property) }));
      } else if (RELATION_DECORATORS.has(kind)) {
        relations.push(readRelation({ kind: kind as RelationKind, decorator, property, siblings: decorators }));
      } else if (kind === 'Index') indexes.push(...[readIndexDecorator(decorator, property.getName())].filter((index) => index !== null));
      else if (kind === 'Unique') uniques.push(readUniqueDecorator(decorator, property.getName()));
      else if (!['JoinColumn', 'JoinTable', 'RelationId'].includes(kind)) throw readError(decorator, `@${kind} is not supported`);
    }
  };
  const problems: string[] = [];
  // TypeORM collects columns up the class chain (an abstract base with id/createdAt is the
  // NestJS habit); the base's own file says which decorators come from typeorm.
  const properties = [declaration, ...baseClassesOf(declaration)].flatMap((owner) => {
    const ownerImports = owner === declaration ? imports : typeormImports(owner.getSourceFile());
    return owner.getProperties().map((property) => ({ property, imports: ownerImports }));
  });
  for (const { property, imports: propertyImports } of properties) {
    try {
      readProperty(property, propertyImports);
    } catch (error) {
      if (!(error instanceof OrmAiError) || error.code !== 'SCHEMA_READ_FAILED') throw error;
      problems.push(error.message);
    }
  }
  const enumColumns = columns.flatMap((read) => (read.enumType === null ? [] : [{ column: read.column.name, enumType: read.enumType, node: declaration }]));
  return { declaration, table, explicitName: given !== null, columns, relations, indexes, uniques, enumColumns, problems };
}

/** The classes `declaration` extends, nearest first (only those declared in project files). */
function baseClassesOf(declaration: ClassDeclaration): ClassDeclaration[] {
  const bases: ClassDeclaration[] = [];
  // getBaseClass() asks the type checker, which loads typeorm's declarations (seconds): not for a class that extends nothing.
  if (declaration.getExtends() === undefined) return bases;
  for (let base = declaration.getBaseClass(); base !== undefined && !bases.includes(base); base = base.getBaseClass()) bases.push(base);
  return bases;
}

/** The name given to `@Entity('name')` or `@Entity({ name })`, or null. */
export function entityName(decorator: Decorator): string | null {
  const [arg] = decorator.getArguments();
  if (arg === undefined) return null;
  if (Node.isObjectLiteralExpression(arg)) return stringOption(optionsObject(arg), 'name');
  const value = staticValue(arg);
  if (typeof value !== 'string') throw readError(arg, 'expected @Entity(\'name\') or @Entity({ name })');
  return value;
}

/** Builds the entity's table (and the junction tables of its `@JoinTable` relations) and index entries. */
export function resolveTable(options: { entity: ReadEntity; entities: readonly ReadEntity[]; naming: naming.EntityNamingStrategy }): { tables: TableModel[]; entries: EntityTableEntry[] } {
  const { entity, entities } = options;
  const { table } = entity;
  const columns: ColumnModel[] = entity.columns.map((read) => read.column);
  const entries: EntityColumnEntry[] = entity.columns.map((read) => ({ property: read.property, name: read.column.name, explicitName: read.explicitName, source: 'column' }));
  const byProperty = new Map(entity.columns.map((read) => [read.property, read.column.name]));
  const foreignKeys: ForeignKeyModel[] = [];
  const uniques: TableModel['uniques'] = [];
  const relations: EntityRelationEntry[] = [];
  const constraints: EntityConstraintEntry[] = [];
  const junctions: Array<{ property: string; explicitName: boolean; table: TableModel }> = [];
  for (const relation of entity.relations) {
    const target = targetOf(relation, entities);
    const property = relation.property.getName();
    const owning = relation.kind === 'ManyToOne' || (relation.kind === 'OneToOne' && relation.joinColumn !== null);
    let joinColumn: string | null = null;
    if (owning) {
      const referenced = referencedColumn(target, relation.joinColumn?.referencedColumnName ?? null, relation.property);
      joinColumn = relation.joinColumn?.name ?? naming.joinColumnName(options.naming, property, referenced.name);
      if (!columns.some((column) => column.name === joinColumn)) {
        columns.push(columnModel({ name: joinColumn, type: referenceType(referenced.type), nullable: relation.nullable }));
        entries.push({ property, name: joinColumn, explicitName: relation.joinColumn?.name != null, source: 'relation' });
      }
      byProperty.set(property, joinColumn);
      if (relation.createForeignKey) {
        const name = relation.joinColumn?.foreignKeyConstraintName ?? naming.foreignKeyName(table, [joinColumn]);
        constraints.push({ kind: 'foreign_key', name, property, decoratorStart: null });
        foreignKeys.push({
          name,
          columns: [joinColumn],
          referencedTable: target.table,
          referencedColumns: [referenced.name],
          onDelete: relation.onDelete ?? 'no action',
          onUpdate: relation.onUpdate ?? 'no action',
        });
      }
      if (relation.kind === 'OneToOne') uniques.push({ name: naming.relationConstraintName(table, [joinColumn]), columns: [joinColumn] });
    }
    if (relation.kind === 'ManyToMany' && relation.joinTable !== null) {
      junctions.push({ property, explicitName: relation.joinTable.name !== null, table: junctionTable({ entity, target, relation, naming: options.naming }) });
    }
    relations.push({ property, kind: relation.kind, targetClass: target.declaration.getName()!, targetTable: target.table, joinColumn });
  }
  const dbColumns = (raw: { node: Node; properties: readonly string[] }) =>
    raw.properties.map((property) => byProperty.get(property) ?? fail(raw.node, `"${property}" is not a column property of ${entity.declaration.getName()}`));
  const indexes = entity.indexes.map((raw) => {
    const names = dbColumns(raw);
    const name = raw.name ?? naming.indexName(table, names, raw.where);
    constraints.push({ kind: 'index', name, property: propertyOf(raw.node), decoratorStart: raw.node.getStart() });
    return { name, columns: names, unique: raw.unique, method: raw.method, where: raw.where };
  });
  for (const raw of entity.uniques) {
    const names = dbColumns(raw);
    const name = raw.name ?? naming.uniqueConstraintName(table, names);
    constraints.push({ kind: 'unique', name, property: propertyOf(raw.node), decoratorStart: raw.node.getStart() });
    uniques.push({ name, columns: names });
  }
  const uniqueNames = new Map<string, string>();
  for (const read of entity.columns) {
    if (!read.column.unique) continue;
    const name = naming.uniqueConstraintName(table, [read.column.name]);
    uniqueNames.set(read.column.name, name);
    constraints.push({ kind: 'unique', name, property: read.property, decoratorStart: null });
  }
  const primary = entity.columns.filter((read) => read.primary).map((read) => read.column.name);
  if (primary.length === 0) throw readError(entity.declaration, `entity ${entity.declaration.getName()} has no primary column`);
  const model = tableModel({
    name: table,
    columns: columns.map((column) => ({
      ...column,
      primaryKey: primary.length === 1 && column.name === primary[0] ? true : column.primaryKey,
      uniqueName: uniqueNames.get(column.name) ?? null,
    })),
    primaryKey: primary.length > 1 ? { name: naming.primaryKeyName(table, primary), columns: primary } : null,
    indexes,
    foreignKeys,
    uniques,
    comment: attachedComment(entity.declaration),
  });
  const location = { className: entity.declaration.getName()!, filePath: entity.declaration.getSourceFile().getFilePath(), line: entity.declaration.getStartLineNumber() };
  const entry: EntityTableEntry = { name: table, ...location, explicitName: entity.explicitName, columns: entries, relations, constraints, junction: null };
  const junctionEntries = junctions.map(({ property, explicitName, table: junction }): EntityTableEntry => ({
    name: junction.name,
    ...location,
    explicitName,
    columns: junction.columns.map((column) => ({ property, name: column.name, explicitName: false, source: 'relation' })),
    relations: [],
    constraints: [],
    junction: { ownerTable: table, property },
  }));
  return { tables: [model, ...junctions.map((junction) => junction.table)], entries: [entry, ...junctionEntries] };
}

function propertyOf(decorator: Node): string | null {
  const parent = decorator.getParent();
  return Node.isPropertyDeclaration(parent) ? parent.getName() : null;
}

function fail(node: Node, message: string): never {
  throw readError(node, message);
}

function targetOf(relation: RawRelation, entities: readonly ReadEntity[]): ReadEntity {
  const { target } = relation;
  const found = entities.find((entity) => (typeof target === 'string' ? entity.declaration.getName() === target : entity.declaration === target));
  if (found === undefined) throw readError(relation.property, 'the relation target is not an @Entity class in the entity files');
  return found;
}

/** The referenced column: `referencedColumnName` (a property) or the target's single primary column. */
function referencedColumn(target: ReadEntity, property: string | null, node: Node): ColumnModel {
  const candidates = property === null ? target.columns.filter((read) => read.primary) : target.columns.filter((read) => read.property === property);
  if (candidates.length !== 1) throw readError(node, `cannot tell which column of "${target.table}" the relation references (composite keys are not supported)`);
  return candidates[0]!.column;
}

/** A referencing column's type: serial keys are referenced by plain integers. */
function referenceType(type: string): string {
  const parsed = parseColumnType(type);
  if (!parsed.ok) return type;
  const plain: Record<string, string> = { serial: 'integer', bigserial: 'bigint', smallserial: 'smallint' };
  return plain[type] ?? type;
}

function junctionTable(options: { entity: ReadEntity; target: ReadEntity; relation: RawRelation; naming: naming.EntityNamingStrategy }): TableModel {
  const { entity, target, relation } = options;
  const joinTable = relation.joinTable!;
  const name = joinTable.name ?? naming.joinTableName(entity.table, relation.property.getName(), target.table);
  const ownerKey = referencedColumn(entity, null, relation.property);
  const inverseKey = referencedColumn(target, null, relation.property);
  const ownerColumn = joinTable.joinColumn ?? naming.joinTableColumnName(options.naming, entity.table, ownerKey.name);
  const inverseColumn = joinTable.inverseJoinColumn ?? naming.joinTableColumnName(options.naming, target.table, inverseKey.name);
  if (ownerColumn === inverseColumn) throw readError(relation.property, 'self-referencing @ManyToMany junction tables are not supported');
  const inverse = target.relations.find((candidate) => candidate.property.getName() === relation.inverseProperty);
  const fk = (column: string, key: ColumnModel, referenced: string, side: RawRelation | undefined): ForeignKeyModel => ({
    name: naming.foreignKeyName(name, [column]),
    columns: [column],
    referencedTable: referenced,
    referencedColumns: [key.name],
    onDelete: side?.onDelete ?? 'cascade',
    onUpdate: side?.onUpdate ?? 'cascade',
  });
  return tableModel({
    name,
    columns: [
      columnModel({ name: ownerColumn, type: referenceType(ownerKey.type), nullable: false }),
      columnModel({ name: inverseColumn, type: referenceType(inverseKey.type), nullable: false }),
    ],
    primaryKey: { name: naming.primaryKeyName(name, [ownerColumn, inverseColumn]), columns: [ownerColumn, inverseColumn] },
    indexes: [ownerColumn, inverseColumn].map((column) => ({ name: naming.indexName(name, [column]), columns: [column], unique: false, method: 'btree' as const, where: null })),
    foreignKeys: [fk(ownerColumn, ownerKey, entity.table, relation), fk(inverseColumn, inverseKey, target.table, inverse)],
  });
}
