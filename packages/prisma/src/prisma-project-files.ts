import { isAbsolute, join, resolve } from 'node:path';
import { OrmAiError, describeError } from '@orm-ai/core';
import { loadConfigFromFile } from '@prisma/config';
import internals from '@prisma/internals';

/** Where a Prisma project keeps its schema and migrations, found as the Prisma CLI finds them. */
export interface PrismaProjectFiles {
  /** The directory of `prisma.config.ts`, or the working directory without one. */
  readonly root: string;
  readonly configPath: string | null;
  /** Every `.prisma` file of the schema (one, or a folder's worth), with its content. */
  readonly schemaFiles: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** `migrations.path` from the config, else `migrations` beside the schema. */
  readonly migrationsDir: string;
}

/**
 * Finds the schema the way the Prisma CLI does: `--schema`, else `prisma.config.ts`'s
 * `schema`, else the default locations (`prisma/schema.prisma`, `schema.prisma`); a folder
 * holds a multi-file schema.
 */
export async function findPrismaProjectFiles(options: { cwd: string; schemaPath?: string | undefined }): Promise<PrismaProjectFiles> {
  const loaded = await loadConfigTolerantOfEnv(options.cwd);
  if (loaded.error && loaded.error._tag !== 'ConfigFileNotFound') {
    const cause = 'error' in loaded.error ? loaded.error.error : undefined;
    throw new OrmAiError('CONFIG_INVALID', `prisma.config.ts failed to load: ${describeError(cause ?? loaded.error._tag)}`, {
      hint: 'Fix the config so `prisma validate` loads it, then run again.',
      cause,
    });
  }
  const configPath = loaded.error ? null : (loaded.resolvedPath ?? null);
  const root = configPath ? resolve(configPath, '..') : options.cwd;
  const config = loaded.error ? undefined : loaded.config;
  const schemaPathFromArgs = options.schemaPath && !isAbsolute(options.schemaPath) ? resolve(options.cwd, options.schemaPath) : options.schemaPath;
  const { createSchemaPathInput, getSchemaWithPath } = internals;
  let schema;
  try {
    schema = await getSchemaWithPath({ schemaPath: createSchemaPathInput({ schemaPathFromArgs, schemaPathFromConfig: config?.schema, baseDir: root }), cwd: options.cwd });
  } catch (error) {
    throw new OrmAiError('CONFIG_NOT_FOUND', `no Prisma schema found: ${describeError(error)}`, {
      hint: 'Run inside a Prisma project (prisma/schema.prisma or prisma.config.ts), or pass --schema path/to/schema.prisma.',
      cause: error,
    });
  }
  const configured = config?.migrations?.path;
  const migrationsDir = configured ? resolve(root, configured) : join(schema.schemaRootDir, 'migrations');
  return {
    root,
    configPath,
    schemaFiles: schema.schemas.map(([path, content]) => ({ path, content })),
    migrationsDir,
  };
}

/** A URL standing in for an unset variable: only paths are read from the config, nothing connects. */
const UNSET_VARIABLE = 'postgresql://orm-ai-unset-variable.invalid/unset';
/** Bounds the retries: each one fills one more variable. */
const MAX_UNSET_VARIABLES = 10;

/**
 * Loads `prisma.config.ts`. Prisma's `env("X")` throws when X is unset (Prisma's own CLI then
 * fails too), but only the schema and migrations paths are needed here, not the connection:
 * so each variable it names is set to a placeholder for the load, and restored afterwards.
 */
async function loadConfigTolerantOfEnv(configRoot: string): Promise<Awaited<ReturnType<typeof loadConfigFromFile>>> {
  const filled: string[] = [];
  try {
    for (;;) {
      const loaded = await loadConfigFromFile({ configRoot });
      const missing = loaded.error?._tag === 'ConfigLoadError' ? unsetVariable(loaded.error.error) : null;
      if (missing === null || filled.length >= MAX_UNSET_VARIABLES || process.env[missing] !== undefined) return loaded;
      process.env[missing] = UNSET_VARIABLE;
      filled.push(missing);
    }
  } finally {
    for (const name of filled) delete process.env[name];
  }
}

/** The variable a `PrismaConfigEnvError` names (matched by name: the project's copy of `@prisma/config` is not ours). */
function unsetVariable(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== 'PrismaConfigEnvError') return null;
  return /environment variable: ([^\s.]+)\.?$/.exec(error.message)?.[1] ?? null;
}
