import { createHash } from 'node:crypto';

/**
 * TypeORM's naming rules, reimplemented so the reader can compute the names TypeORM's
 * metadata builder will give tables, columns and constraints without loading user code.
 * `default` mirrors typeorm 1.x `DefaultNamingStrategy`; `snake` mirrors the widely used
 * `SnakeNamingStrategy` from typeorm-naming-strategies.
 */
export type EntityNamingStrategy = 'default' | 'snake';

/** typeorm's `snakeCase` from util/StringUtils, byte for byte. */
export function snakeCase(value: string): string {
  return value.replaceAll(/([A-Z])([A-Z])([a-z])/g, '$1_$2$3').replaceAll(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** typeorm's `camelCase` from util/StringUtils. */
export function camelCase(value: string): string {
  return value.replaceAll(/^([A-Z])|[\s-_](\w)/g, (_match, p1: string | undefined, p2: string | undefined) => (p2 ? p2.toUpperCase() : p1!.toLowerCase()));
}

/** Table name: the given name, else the class name in snake_case (`BlogPost` → `blog_post`) for both strategies. */
export function tableName(className: string, given: string | null): string {
  return given ?? snakeCase(className);
}

/** Column name: default keeps the property name; snake converts it (an explicit name is kept by both). */
export function columnName(strategy: EntityNamingStrategy, propertyName: string, given: string | null): string {
  if (given !== null) return given;
  return strategy === 'snake' ? snakeCase(propertyName) : propertyName;
}

/** FK column of a `@ManyToOne` without `@JoinColumn({ name })`: `authorId` (default) or `author_id` (snake). */
export function joinColumnName(strategy: EntityNamingStrategy, relation: string, referencedColumn: string): string {
  return strategy === 'snake' ? snakeCase(`${relation}_${referencedColumn}`) : camelCase(`${relation}_${referencedColumn}`);
}

/** Junction table of a `@ManyToMany` + `@JoinTable()`: `<owner table>_<property>_<other table>`, snake_cased. */
export function joinTableName(ownerTable: string, property: string, inverseTable: string): string {
  return snakeCase(`${ownerTable}_${property.replaceAll('.', '_')}_${inverseTable}`);
}

/** Junction column: `postId` (default) or `post_id` (snake) for table `post`, column `id`. */
export function joinTableColumnName(strategy: EntityNamingStrategy, table: string, column: string): string {
  return strategy === 'snake' ? snakeCase(`${table}_${column}`) : camelCase(`${table}_${column}`);
}

/** PostgreSQL enum type TypeORM creates for an enum column without `enumName`. */
export function defaultEnumName(table: string, column: string): string {
  return `${table}_${column.toLowerCase()}_enum`;
}

function hashedName(prefix: string, length: number, table: string, columns: readonly string[], where?: string | null): string {
  const sorted = [...columns].sort();
  let key = `${table.split('.').pop()!.replace('.', '_')}_${sorted.join('_')}`;
  if (where) key += `_${where}`;
  return prefix + createHash('sha1').update(key).digest('hex').slice(0, length);
}

/** `PK_` + 27 hex chars of sha1(`<table>_<sorted columns>`), as DefaultNamingStrategy.primaryKeyName. */
export function primaryKeyName(table: string, columns: readonly string[]): string {
  return hashedName('PK_', 27, table, columns);
}

/** `FK_` + 27 hex chars, as DefaultNamingStrategy.foreignKeyName (the referenced table is not part of it). */
export function foreignKeyName(table: string, columns: readonly string[]): string {
  return hashedName('FK_', 27, table, columns);
}

/** `UQ_` + 27 hex chars, as DefaultNamingStrategy.uniqueConstraintName. */
export function uniqueConstraintName(table: string, columns: readonly string[]): string {
  return hashedName('UQ_', 27, table, columns);
}

/** `IDX_` + 26 hex chars, as DefaultNamingStrategy.indexName (a `where` predicate is part of the key). */
export function indexName(table: string, columns: readonly string[], where?: string | null): string {
  return hashedName('IDX_', 26, table, columns, where);
}

/** `REL_` + 26 hex chars: the unique constraint of a `@OneToOne` join column (relationConstraintName). */
export function relationConstraintName(table: string, columns: readonly string[]): string {
  return hashedName('REL_', 26, table, columns);
}
