import { columnModel, normalizeColumnType, tableModel, type ColumnModel, type EnumModel, type ReferentialAction, type SchemaModel, type TableModel } from '@orm-ai/core';
import type { EntityMetadata } from 'typeorm';

// Not exported from typeorm's root in 1.x: taken from the entity metadata's own type.
type ColumnMetadata = EntityMetadata['columns'][number];
import type { BuiltMetadata } from './schema-builder/entity-metadata.js';


/**
 * The neutral model of the tables TypeORM's schema builder would create from this metadata:
 * the same entity filter (`RdbmsSchemaBuilder.entityToSyncMetadatas`), the same column list
 * (`Table.create`: no virtual properties) and the driver's own type and default
 * normalization, so the model is what `migration:generate` compares against the database.
 */
export function modelFromMetadata(built: BuiltMetadata): SchemaModel {
  const synced = built.metadatas.filter((metadata) => metadata.synchronize && metadata.tableType !== 'entity-child' && metadata.tableType !== 'view');
  const enums = new Map<string, EnumModel>();
  const tables = synced.map((metadata) => tableOf(metadata, built, enums));
  return { dialect: 'postgresql', tables, enums: [...enums.values()] };
}

function tableOf(metadata: EntityMetadata, built: BuiltMetadata, enums: Map<string, EnumModel>): TableModel {
  const { driver } = built;
  const columns = metadata.columns.filter((column) => !column.isVirtualProperty);
  const primary = columns.filter((column) => column.isPrimary).map((column) => column.databaseName);
  // Single-column uniques sit on the column (the model's convention); wider ones on the table.
  const columnUniques = new Map<string, string>();
  const uniques: TableModel['uniques'] = [];
  for (const unique of metadata.uniques) {
    const names = unique.columns.map((column) => column.databaseName);
    if (names.length === 1 && !columnUniques.has(names[0]!)) columnUniques.set(names[0]!, unique.name);
    else uniques.push({ name: unique.name, columns: names });
  }
  return tableModel({
    name: metadata.tableName,
    columns: columns.map((column) =>
      columnOf({ column, table: metadata.tableName, built, enums, soleKey: primary.length === 1 && column.isPrimary, uniqueName: columnUniques.get(column.databaseName) ?? null }),
    ),
    primaryKey: primary.length > 1 ? { name: primaryKeyName(metadata, primary, built), columns: primary } : null,
    // `@Index(name, { synchronize: false })` without columns names an index only the migrations
    // declare (a GIN index, say): TypeORM knows no columns for it, nor does the model.
    indexes: metadata.indices.filter((index) => index.columns.length > 0).map(indexOf),
    foreignKeys: metadata.foreignKeys.map((foreignKey) => ({
      name: foreignKey.name,
      columns: [...foreignKey.columnNames],
      referencedTable: foreignKey.referencedEntityMetadata.tableName,
      referencedColumns: [...foreignKey.referencedColumnNames],
      onDelete: referentialAction(foreignKey.onDelete),
      onUpdate: referentialAction(foreignKey.onUpdate),
    })),
    uniques,
    // Named by the metadata builder as the schema builder names them: the given name, else the naming strategy's checkConstraintName.
    checks: metadata.checks.map((check) => ({ name: check.name, expression: check.expression })),
    comment: metadata.comment ?? null,
  });
}

type IndexMetadata = EntityMetadata['indices'][number];

/**
 * An index as PostgresQueryRunner creates it: `USING gist` when spatial, else `USING <type>`
 * for `@Index({ type })` (1.x has it; older metadata has no `type`), else btree. TypeORM declares no
 * operator classes or key order, and `fulltext` is MySQL's: PostgreSQL gets a plain index.
 */
function indexOf(index: IndexMetadata): TableModel['indexes'][number] {
  const type: unknown = (index as { type?: unknown }).type;
  return {
    name: index.name,
    columns: index.columns.map((column) => column.databaseName),
    unique: index.isUnique,
    method: index.isSpatial ? 'gist' : typeof type === 'string' ? type : 'btree',
    where: index.where ?? null,
  };
}

interface ColumnOfOptions {
  readonly column: ColumnMetadata;
  readonly table: string;
  readonly built: BuiltMetadata;
  readonly enums: Map<string, EnumModel>;
  readonly soleKey: boolean;
  readonly uniqueName: string | null;
}

function columnOf(options: ColumnOfOptions): ColumnModel {
  const { column, built } = options;
  const type = columnType(options);
  return columnModel({
    name: column.databaseName,
    type,
    nullable: column.isNullable,
    default: defaultOf(column, built),
    primaryKey: options.soleKey,
    unique: options.uniqueName !== null,
    uniqueName: options.uniqueName,
    // The typings omit 'identity', which `@PrimaryGeneratedColumn('identity')` sets.
    identity: column.isGenerated && (column.generationStrategy as string) === 'identity' ? (column.generatedIdentity === 'ALWAYS' ? 'always' : 'by default') : null,
    comment: column.comment ?? null,
  });
}

/** Serial keys keep their serial type (what the plan speaks); enums are named as PostgreSQL names their type. */
function columnType(options: ColumnOfOptions): string {
  const { column, built } = options;
  const driverType = String(built.driver.normalizeType(column));
  if (driverType === 'enum' || driverType === 'simple-enum') {
    // PostgresQueryRunner.buildEnumName: `<table>_<column in lower case>_enum` unless named.
    const name = column.enumName ?? `${options.table}_${column.databaseName.toLowerCase()}_enum`;
    const values = (column.enum ?? []).map((value: unknown) => String(value));
    if (!options.enums.has(name)) options.enums.set(name, { name, values });
    return `${name}${column.isArray ? '[]' : ''}`;
  }
  if (column.isGenerated && column.generationStrategy === 'increment') {
    const serial: Record<string, string> = { integer: 'serial', int: 'serial', int4: 'serial', bigint: 'bigserial', int8: 'bigserial', smallint: 'smallserial', int2: 'smallserial' };
    const found = serial[driverType];
    if (found !== undefined) return found;
  }
  const length = built.driver.getColumnLength(column);
  const args = length ? [length] : column.precision != null ? (column.scale != null ? [column.precision, column.scale] : [column.precision]) : [];
  const base = normalizeColumnType(driverType);
  return normalizeColumnType(`${base}${args.length > 0 ? `(${args.join(',')})` : ''}${column.isArray ? '[]' : ''}`);
}

function defaultOf(column: ColumnMetadata, built: BuiltMetadata): string | null {
  if (column.isGenerated && column.generationStrategy === 'uuid') {
    // The query runner writes `DEFAULT <driver.uuidGenerator>` for generated uuid keys.
    const generator = (built.driver as unknown as { uuidGenerator?: string }).uuidGenerator;
    return generator ?? (built.uuidExtension === 'pgcrypto' ? 'gen_random_uuid()' : 'uuid_generate_v4()');
  }
  // The driver quotes numbers (`DEFAULT '0'`); PostgreSQL stores a number's default as the number.
  if (typeof column.default === 'number') return String(column.default);
  const normalized: unknown = built.driver.normalizeDefault(column);
  return typeof normalized === 'string' ? normalized : null;
}

function primaryKeyName(metadata: EntityMetadata, columns: readonly string[], built: BuiltMetadata): string {
  const given = metadata.primaryColumns[0]?.primaryKeyConstraintName;
  return given ?? built.namingStrategy.primaryKeyName(metadata.tableName, [...columns]);
}

function referentialAction(action: string | undefined): ReferentialAction {
  const lowered = (action ?? 'NO ACTION').toLowerCase();
  const known: readonly ReferentialAction[] = ['no action', 'restrict', 'cascade', 'set null', 'set default'];
  return known.find((candidate) => candidate === lowered) ?? 'no action';
}
