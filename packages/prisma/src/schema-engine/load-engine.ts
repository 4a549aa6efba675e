import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, OrmAiError } from '@orm-ai/core';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** What the loaded WebAssembly module offers: the engine class and its build's version (git hash). */
export interface SchemaEngineWasm {
  readonly SchemaEngine: typeof SchemaEngine;
  readonly version: () => string;
}

type WasmExports = Record<string, unknown>;

/** The part of the WebAssembly global used here (`lib` has no DOM types). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<CompiledWasm>;
  instantiate(module: CompiledWasm, imports: Record<string, object>): Promise<{ exports: WasmExports }>;
};

/** A compiled WebAssembly module (opaque here). */
interface CompiledWasm {
  readonly __compiledWasm?: never;
}

interface WasmBindgenGlue extends SchemaEngineWasm {
  __wbg_set_wasm(exports: WasmExports): void;
}

interface PanicRegistry {
  set_message(message: string): void;
}

const compiling = new Map<string, Promise<CompiledWasm>>();
let instances = 0;

/** The folder of the `@prisma/schema-engine-wasm` this package depends on (Prisma 7.10's engine). */
export function bundledSchemaEngineDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm'));
}

/** The bundled engine's version: `<version>-<n>.<engine commit>`, as `@prisma/engines-version` names it. */
export function bundledSchemaEngineVersion(): string {
  return (JSON.parse(readFileSync(join(bundledSchemaEngineDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Loads Prisma's schema engine compiled to WebAssembly from the `@prisma/schema-engine-wasm`
 * package in `packageDir` (default: the bundled one): a new instance on every call, from a
 * module compiled once per folder and process. One instance per engine session, because
 * Prisma 6.19's engine (7.1.1-3) panics (`RuntimeError: unreachable`) when a second session
 * starts on the instance an earlier one used. Its JS API is the same from Prisma 6.6 to 7.x
 * (checked against 7.1.1-3: only `diff` takes an extra `shadowDatabaseUrl`). Nothing is
 * downloaded and no native binary runs. Throws `MIGRATION_GENERATE_FAILED` when the
 * package's files cannot be loaded.
 *
 * @example
 * const { SchemaEngine } = await loadSchemaEngineWasm();
 * const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, boundAdapterFactory);
 */
export async function loadSchemaEngineWasm(packageDir: string = bundledSchemaEngineDir()): Promise<SchemaEngineWasm> {
  try {
    return await instantiate(packageDir);
  } catch (error) {
    compiling.delete(packageDir);
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `Prisma's schema engine (WebAssembly) in ${packageDir} did not load: ${describeError(error)}`, {
      hint: 'Reinstall @prisma/schema-engine-wasm at the version of the project\'s @prisma/engines-version.',
      cause: error,
    });
  }
}

async function instantiate(packageDir: string): Promise<SchemaEngineWasm> {
  let compiled = compiling.get(packageDir);
  if (compiled === undefined) {
    compiled = readFile(join(packageDir, 'schema_engine_bg.wasm')).then((bytes) => WebAssembly.compile(bytes));
    compiling.set(packageDir, compiled);
  }
  // The package's entry imports the .wasm as an ES module, which Node cannot do without a
  // flag; its bindings module takes the instance through __wbg_set_wasm instead. The bindings
  // hold that instance in module state, so each instance gets its own copy of the module (a
  // URL of its own), which also lets two engine versions live side by side.
  instances += 1;
  const glue = (await import(`${pathToFileURL(join(packageDir, 'schema_engine_bg.js')).href}?instance=${instances}`)) as WasmBindgenGlue;
  const instance = await WebAssembly.instantiate(await compiled, { './schema_engine_bg.js': withUnrefTimers(glue) });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  installPanicRegistry();
  return { SchemaEngine: glue.SchemaEngine, version: glue.version };
}

/**
 * The engine races each advisory-lock query against a 10 s `setTimeout` it never clears
 * (the bindings import no `clearTimeout`): left as is, every migration applied keeps Node
 * alive 10 s after the work is done. Its timers are unref'd here; `keepAliveWhile` holds
 * the process open during engine calls instead.
 */
function withUnrefTimers(glue: WasmBindgenGlue): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...timerArgs: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | null)?.unref?.();
      return timer;
    };
  }
  return imports;
}

/** Runs `work` holding the process open: the engine's own timers do not (see `withUnrefTimers`). */
export async function keepAliveWhile<T>(work: () => Promise<T>): Promise<T> {
  const handle = setInterval(() => undefined, 60_000);
  try {
    return await work();
  } finally {
    clearInterval(handle);
  }
}

/**
 * The engine's panic hook hands its message to `global.PRISMA_WASM_PANIC_REGISTRY`; without
 * one, a panic surfaces as a bare `RuntimeError: unreachable`. `@prisma/internals` installs
 * its own when loaded: keep it.
 */
function installPanicRegistry(): void {
  const scope = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  scope.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastPanicMessage = message;
    },
  };
}

let lastPanicMessage: string | undefined;

/** The message of the engine's last panic, when our registry caught it. */
export function lastSchemaEnginePanic(): string | undefined {
  return lastPanicMessage;
}
