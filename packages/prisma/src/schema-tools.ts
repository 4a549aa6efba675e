import { createRequire } from 'node:module';
import { join } from 'node:path';
import { installedPackage } from '@orm-ai/core';
import { bundledSchemaEngineVersion } from './schema-engine/load-engine.js';
import { findProjectPrisma } from './schema-engine/project-prisma.js';
import { prismaConfig, prismaDmmf, type DmmfDocument, type PrismaConfig, type SchemaFileTuple } from './prisma-wasm.js';

/** Prisma's validator and DMMF for one Prisma version. */
export interface PrismaSchemaTools {
  /** Where they come from, for messages: `bundled`, or the package and version. */
  readonly source: string;
  /** What to do when these tools reject a schema the project's own Prisma may accept. */
  readonly rejectionHint?: string;
  /** Validates the files together and returns their DMMF; throws Prisma's validation error. */
  dmmf(files: readonly SchemaFileTuple[]): Promise<DmmfDocument>;
  /** The datasource and generator blocks; throws Prisma's validation error. */
  config(files: readonly SchemaFileTuple[]): Promise<PrismaConfig>;
}

/** The bundled tools (`@prisma/internals` 7.10), which reject a datasource `url`. */
export const BUNDLED_SCHEMA_TOOLS: PrismaSchemaTools = { source: 'bundled', dmmf: prismaDmmf, config: prismaConfig };

/** The package of Prisma's validator and DMMF, published at every engines version. */
export const PRISMA_SCHEMA_WASM = '@prisma/prisma-schema-wasm';

interface PrismaSchemaWasm {
  get_dmmf(params: string): string;
  get_config(params: string): string;
}

/**
 * The validator and DMMF of the project's own Prisma: `@prisma/prisma-schema-wasm` at the
 * project's engines version when installed, else the bundled ones. The bundled (Prisma 7)
 * validator rejects the connection URLs every Prisma 6 datasource has; those are blanked
 * for it (same length, so line and column numbers in messages stay right), as the model
 * does not depend on them and the project's schema engine validates the whole file later.
 */
export function projectSchemaTools(root: string): PrismaSchemaTools {
  const project = findProjectPrisma(root);
  if (project === null || project.engineVersion === bundledSchemaEngineVersion()) return BUNDLED_SCHEMA_TOOLS;
  const installed = installedPackage(root, PRISMA_SCHEMA_WASM);
  if (installed !== null && installed.version === project.engineVersion) {
    const wasm = createRequire(join(installed.path, 'package.json'))(installed.path) as PrismaSchemaWasm;
    return wasmSchemaTools(wasm, `${PRISMA_SCHEMA_WASM}@${installed.version}`);
  }
  return {
    source: `bundled (project: prisma ${project.prismaVersion}; add ${PRISMA_SCHEMA_WASM}@${project.engineVersion} for its own validator)`,
    // Prisma 7.10's validator also refuses what only older versions know (preview features such as "metrics").
    rejectionHint: `This was checked by Prisma 7.10's validator, not the project's prisma ${project.prismaVersion}: run \`prisma validate\`; if it passes, add ${PRISMA_SCHEMA_WASM}@${project.engineVersion} as a devDependency so prisma-ai validates with the project's own Prisma.`,
    dmmf: (files) => prismaDmmf(files.map(blankUrls)),
    config: (files) => prismaConfig(files.map(blankUrls)),
  };
}

function wasmSchemaTools(wasm: PrismaSchemaWasm, source: string): PrismaSchemaTools {
  return {
    source,
    dmmf: async (files) => JSON.parse(callWasm(() => wasm.get_dmmf(JSON.stringify({ prismaSchema: files, noColor: true })))) as DmmfDocument,
    config: async (files) => {
      // Prisma 6 resolves `env("...")` here; the URLs are never used, so unset variables are fine.
      const result = JSON.parse(callWasm(() => wasm.get_config(JSON.stringify({ prismaSchema: files, ignoreEnvVarErrors: true })))) as {
        config: PrismaConfig;
        errors: Array<{ message: string }>;
      };
      if (result.errors.length > 0) throw new Error(result.errors.map((error) => error.message).join('\n'));
      return result.config;
    },
  };
}

/** The wasm throws its error as a JSON string (`{ error_code, message }`); as an Error with that message. */
function callWasm(call: () => string): string {
  try {
    return call();
  } catch (error) {
    if (typeof error !== 'string') throw error;
    let message = error;
    try {
      message = (JSON.parse(error) as { message?: string }).message ?? error;
    } catch {
      // Not JSON: the text is the message.
    }
    throw new Error(message);
  }
}

const DATASOURCE_URL = /^(\s*)(url|directUrl|shadowDatabaseUrl)\s*=.*$/;

/** The file with its datasource blocks' connection URL lines turned to spaces of the same length. */
export function blankUrls([path, content]: SchemaFileTuple): SchemaFileTuple {
  const lines = content.split('\n');
  let inDatasource = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (/^\s*datasource\s+\w+\s*\{/.test(line)) inDatasource = true;
    else if (inDatasource && /^\s*\}/.test(line)) inDatasource = false;
    else if (inDatasource && DATASOURCE_URL.test(line)) lines[index] = line.replace(/[^\r]/g, ' ');
  }
  return [path, lines.join('\n')];
}
