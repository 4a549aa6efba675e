import { describeError, type ConfiguredDatabase, type DialectName, type EnumModel, OrmAiError, type SchemaModel, type TableModel } from '@orm-ai/core';
import { parsePrismaSource, type ParsedSource, type SourceBlock } from './prisma-source.js';
import { prismaMessage, type DmmfEnum, type SchemaFileTuple } from './prisma-wasm.js';
import { BUNDLED_SCHEMA_TOOLS, type PrismaSchemaTools } from './schema-tools.js';
import { implicitJoinTables } from './read-join-tables.js';
import { readTable } from './read-model.js';

/** A schema file: its path (as the caller names it) and content. */
export interface PrismaSourceFile {
  readonly path: string;
  readonly content: string;
}

/** Per column: the Prisma field and the database column it declares (`@map` or the field name). */
export interface PrismaColumnEntry {
  readonly name: string;
  readonly field: string;
}

/** A relation field of a model, from either side of the relation. */
export interface PrismaRelationEntry {
  readonly field: string;
  /** The related model's name. */
  readonly model: string;
  /** Prisma's relation name (explicit, or derived like `PostToUser`); both sides share it. */
  readonly relationName: string;
  readonly list: boolean;
  readonly optional: boolean;
  /** Fields holding the foreign key on this side; empty on the back-relation side. */
  readonly fields: readonly string[];
  readonly references: readonly string[];
  /** The constraint name when this side holds the foreign key, else null. */
  readonly foreignKey: string | null;
}

/** Where a table's model is declared, and how its fields name its columns. */
export interface PrismaTableEntry {
  /** Database table name (`@@map` or the model name). */
  readonly name: string;
  readonly model: string;
  readonly filePath: string;
  readonly columns: readonly PrismaColumnEntry[];
  readonly relations: readonly PrismaRelationEntry[];
}

/** Where an enum is declared and how its Prisma names map to database values. */
export interface PrismaEnumEntry {
  /** Database type name (`@@map` or the enum name). */
  readonly name: string;
  readonly enumName: string;
  readonly filePath: string;
  /** Prisma value names and the database values they declare (`@map` or the name). */
  readonly values: readonly { readonly name: string; readonly value: string }[];
}

/** What the editor needs to find declarations in the source again. */
export interface PrismaSchemaIndex {
  readonly files: readonly string[];
  /** Generator `previewFeatures` (partial indexes need `partialIndexes`). */
  readonly previewFeatures: readonly string[];
  readonly tables: readonly PrismaTableEntry[];
  readonly enums: readonly PrismaEnumEntry[];
}

/** A read schema: the neutral model and the source index. */
export interface PrismaSchema {
  readonly model: SchemaModel;
  readonly index: PrismaSchemaIndex;
}

/** A parsed file and the block where each model / enum is declared. */
export interface SourceMap {
  readonly files: ReadonlyMap<string, ParsedSource>;
  blockOf(kind: 'model' | 'enum', name: string): { filePath: string; block: SourceBlock } | undefined;
}

/**
 * Reads `files` (one schema, possibly split over several files) with Prisma's own validator
 * (`getDMMF`, WebAssembly, offline) into the neutral model. Only `provider = "postgresql"`
 * is supported. Throws OrmAiError('SCHEMA_READ_FAILED') with Prisma's validation message,
 * or naming file:line for what the model cannot represent.
 */
export async function readPrismaSchema(options: { files: readonly PrismaSourceFile[]; tools?: PrismaSchemaTools | undefined }): Promise<PrismaSchema> {
  const tools = options.tools ?? BUNDLED_SCHEMA_TOOLS;
  const tuples = options.files.map((file): SchemaFileTuple => [file.path, file.content]);
  const previewFeatures = await checkDatasource(tools, tuples);
  const dmmf = await prismaCall(tools, () => tools.dmmf(tuples));
  const sources = sourceMap(options.files);
  const enums = dmmf.datamodel.enums.map((item) => enumEntry(item, sources));
  const tables: TableModel[] = [];
  const tableEntries: PrismaTableEntry[] = [];
  for (const model of dmmf.datamodel.models) {
    const located = sources.blockOf('model', model.name);
    // Views (preview feature) come through DMMF as models; they are not tables.
    if (located === undefined) continue;
    const read = readTable({ model, datamodel: dmmf.datamodel, located, sources, enums });
    tables.push(read.table);
    tableEntries.push(read.entry);
  }
  // Tables in the database that no model declares: no index entry, so the editor cannot change them.
  tables.push(...implicitJoinTables(dmmf.datamodel, tables));
  const modelEnums: EnumModel[] = enums.map((entry) => ({ name: entry.name, values: entry.values.map((value) => value.value) }));
  return {
    model: { dialect: 'postgresql', tables, enums: modelEnums },
    index: { files: options.files.map((file) => file.path), previewFeatures, tables: tableEntries, enums },
  };
}

async function prismaCall<T>(tools: PrismaSchemaTools, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new OrmAiError('SCHEMA_READ_FAILED', `Prisma rejected the schema: ${prismaMessage(error)}`, {
      hint: tools.rejectionHint ?? 'Run `prisma validate` and fix the schema first.',
      cause: error,
    });
  }
}

/** Prisma's connectors (`activeProvider`), by the database they are. */
const DIALECTS: Readonly<Record<string, DialectName | null>> = { postgresql: 'postgresql', mysql: 'mysql', sqlite: 'sqlite', sqlserver: null, mongodb: null, cockroachdb: null };

/**
 * The database the datasource block's `provider` names, for core to pick its dialect before
 * the schema is read. Throws `SCHEMA_READ_FAILED` when Prisma rejects the schema or it has no datasource.
 */
export async function readPrismaDatabase(options: { files: readonly PrismaSourceFile[]; tools?: PrismaSchemaTools | undefined }): Promise<ConfiguredDatabase> {
  const tools = options.tools ?? BUNDLED_SCHEMA_TOOLS;
  const config = await prismaCall(tools, () => tools.config(options.files.map((file): SchemaFileTuple => [file.path, file.content])));
  const datasource = config.datasources[0];
  if (datasource === undefined) throw noDatasource();
  return { dialect: DIALECTS[datasource.activeProvider] ?? null, setting: `provider = ${JSON.stringify(datasource.provider)}`, file: datasource.sourceFilePath };
}

function noDatasource(): OrmAiError {
  return new OrmAiError('SCHEMA_READ_FAILED', 'the Prisma schema has no datasource block', { hint: 'Add `datasource db { provider = "postgresql" }` to the schema.' });
}

/** Checks the datasource is PostgreSQL; returns the generators' preview features. */
async function checkDatasource(tools: PrismaSchemaTools, tuples: readonly SchemaFileTuple[]): Promise<string[]> {
  const config = await prismaCall(tools, () => tools.config(tuples));
  const datasource = config.datasources[0];
  if (datasource === undefined) throw noDatasource();
  if (datasource.activeProvider !== 'postgresql') {
    throw new OrmAiError('SCHEMA_READ_FAILED', `datasource provider "${datasource.provider}" is not supported: prisma-ai supports only "postgresql"`, {
      hint: 'Use prisma-ai with a PostgreSQL datasource.',
    });
  }
  return [...new Set(config.generators.flatMap((generator) => generator.previewFeatures))];
}

function sourceMap(files: readonly PrismaSourceFile[]): SourceMap {
  const parsed = new Map<string, ParsedSource>();
  for (const file of files) {
    try {
      parsed.set(file.path, parsePrismaSource(file.content));
    } catch (error) {
      throw new OrmAiError('SCHEMA_READ_FAILED', `cannot parse ${file.path}: ${describeError(error)}`, {
        hint: 'The file is valid for Prisma but not for @mrleebo/prisma-ast; please report the construct.',
        cause: error,
      });
    }
  }
  return {
    files: parsed,
    blockOf(kind, name) {
      for (const [filePath, source] of parsed) {
        const block = source.blocks.find((candidate) => candidate.kind === kind && candidate.name === name);
        if (block !== undefined) return { filePath, block };
      }
      return undefined;
    },
  };
}

function enumEntry(item: DmmfEnum, sources: SourceMap): PrismaEnumEntry {
  const located = sources.blockOf('enum', item.name);
  return {
    name: item.dbName ?? item.name,
    enumName: item.name,
    filePath: located?.filePath ?? '',
    values: item.values.map((value) => ({ name: value.name, value: value.dbName ?? value.name })),
  };
}
