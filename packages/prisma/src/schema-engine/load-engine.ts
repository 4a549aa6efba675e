import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: WasmExports } }>;
};

interface WasmBindgenGlue extends SchemaEngineWasm {
  __wbg_set_wasm(exports: WasmExports): void;
}

interface PanicRegistry {
  set_message(message: string): void;
}

let loading: Promise<SchemaEngineWasm> | undefined;

/**
 * Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`), once
 * per process: later calls share the instance. Nothing is downloaded and no native binary
 * runs. Throws `MIGRATION_GENERATE_FAILED` when the package's files cannot be loaded.
 *
 * @example
 * const { SchemaEngine } = await loadSchemaEngineWasm();
 * const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, boundAdapterFactory);
 */
export function loadSchemaEngineWasm(): Promise<SchemaEngineWasm> {
  loading ??= instantiate().catch((error: unknown) => {
    loading = undefined;
    throw new OrmAiError('MIGRATION_GENERATE_FAILED', `Prisma's schema engine (WebAssembly) did not load: ${describeError(error)}`, {
      hint: 'Reinstall @prisma/schema-engine-wasm; its version must match @prisma/internals.',
      cause: error,
    });
  });
  return loading;
}

async function instantiate(): Promise<SchemaEngineWasm> {
  // The package's entry imports the .wasm as an ES module, which Node cannot do without a
  // flag; its bindings module takes the instance through __wbg_set_wasm instead.
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as WasmBindgenGlue;
  const entry = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm');
  const bytes = await readFile(join(dirname(entry), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(glue) });
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
