import internals from '@prisma/internals';

/**
 * Prisma's own schema tooling (validation, DMMF, configuration, formatting), compiled to
 * WebAssembly and run in-process: no engine binary, no network. `@prisma/internals` is
 * CommonJS whose named exports Node's ESM loader cannot detect, hence the default import.
 */

/** A schema source file as Prisma takes it: `[path, content]`. */
export type SchemaFileTuple = [path: string, content: string];

/** DMMF types, derived from `getDMMF` itself (`@prisma/dmmf` is not a direct dependency). */
export type DmmfDocument = Awaited<ReturnType<typeof internals.getDMMF>>;
export type DmmfDatamodel = DmmfDocument['datamodel'];
export type DmmfModel = DmmfDatamodel['models'][number];
export type DmmfField = DmmfModel['fields'][number];
export type DmmfEnum = DmmfDatamodel['enums'][number];
export type DmmfIndex = DmmfDatamodel['indexes'][number];
export type PrismaConfig = Awaited<ReturnType<typeof internals.getConfig>>;

/** Validates the files together and returns their DMMF; throws Prisma's validation error. */
export function prismaDmmf(files: readonly SchemaFileTuple[]): Promise<DmmfDocument> {
  return internals.getDMMF({ datamodel: [...files] });
}

/** The datasource and generator blocks of the files; throws Prisma's validation error. */
export function prismaConfig(files: readonly SchemaFileTuple[]): Promise<PrismaConfig> {
  return internals.getConfig({ datamodel: [...files] });
}

/** Prisma's formatter (`prisma format`) over the files, in the same order. */
export function prismaFormat(files: readonly SchemaFileTuple[]): Promise<SchemaFileTuple[]> {
  return internals.formatSchema({ schemas: [...files] }, { tabSize: 2, insertSpaces: true });
}

/** Prisma's error text without its terminal colours and trailing CLI banner. */
export function prismaMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // eslint-disable-next-line no-control-regex
  const plain = raw.replace(/\u001b\[[0-9;]*m/g, '');
  return plain
    .replace(/\n*\[Context: [^\]]*\]\s*/g, '\n')
    .replace(/\n*Prisma CLI Version : .*$/s, '')
    .trim();
}
