import { createRequire } from 'node:module';
import Module from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ts } from 'ts-morph';

/**
 * Compiler options for the user's files. Decorator metadata is the point: TypeORM reads
 * `design:type` to infer a `@Column()`'s type, and esbuild-based loaders (tsx) emit none.
 */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2021,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  inlineSourceMap: true,
  // ES2021 keeps class fields assigned in the constructor, the semantics TypeORM expects.
  useDefineForClassFields: false,
};

const TS_EXTENSIONS = ['.ts', '.cts', '.mts'] as const;

/** What a `.ts` hook needs from Node's CommonJS loader; these are not in its public types. */
interface CjsModule {
  _compile(code: string, filename: string): void;
}
type ExtensionHandler = (module: CjsModule, filename: string) => void;
type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;
interface CjsLoaderInternals {
  _extensions: Record<string, ExtensionHandler | undefined>;
  _resolveFilename: ResolveFilename;
  _cache: Record<string, unknown>;
}

/** Where core stages edited copies of the project (`stageSources`): project code, though under node_modules. */
const STAGING_FOLDER = `${path.sep}node_modules${path.sep}.cache${path.sep}orm-ai${path.sep}`;

export interface TypeScriptLoaderOptions {
  /**
   * Files under this directory (and not under `node_modules`) are compiled; anything
   * else keeps Node's own handling. Usually the folder of the user's data source file.
   */
  readonly projectRoot: string;
}

/** An installed loader: `require` loads the user's TypeScript until `uninstall()`. */
export interface TypeScriptLoader {
  /** Requires one file (absolute, or relative to `projectRoot`) as CommonJS. */
  require(file: string): unknown;
  /** The user's files compiled so far, absolute: where the editor finds entity classes and their base classes. */
  compiledFiles(): string[];
  /**
   * Restores Node's loader and forgets every module this loader compiled, so the next
   * loader reads the files afresh (the tool edits entity files between loads).
   */
  uninstall(): void;
}

/**
 * Installs a CommonJS require hook that compiles the user's `.ts`/`.cts`/`.mts` files with
 * the TypeScript compiler (experimentalDecorators, emitDecoratorMetadata, CommonJS,
 * ES2021) in memory: no build step, nothing written to the project.
 *
 * Handles: imports between the user's files, including NodeNext-style `./user.entity.js`
 * specifiers that name a `.ts` source, and imports of packages (`typeorm`) resolved from the
 * user's project as usual. Only one loader may be installed at a time.
 *
 * Not covered: files that need ESM semantics (top-level await, `import.meta`), tsconfig
 * `paths` aliases (`@/entities`), and other tsconfig options that change emitted code
 * (the user's `target`, custom `jsx`). Such projects need a build step or `ts-node`.
 *
 * @example
 * const loader = installTypeScriptLoader({ projectRoot: '/app/src' });
 * try { const exports = loader.require('./data-source.ts'); } finally { loader.uninstall(); }
 */
export function installTypeScriptLoader(options: TypeScriptLoaderOptions): TypeScriptLoader {
  const loader = Module as unknown as CjsLoaderInternals;
  if (installed) throw new Error('a TypeScript loader is already installed; uninstall it first');
  installed = true;
  // Decorator metadata is written through Reflect.metadata: make sure it exists even if
  // the user's files do not import reflect-metadata before their first decorator.
  createRequire(import.meta.url)('reflect-metadata');
  const root = path.resolve(options.projectRoot);
  const compiled = new Set<string>();
  const previousHandlers = new Map(TS_EXTENSIONS.map((ext) => [ext, loader._extensions[ext]] as const));
  const previousResolve = loader._resolveFilename;

  const isUserFile = (file: string): boolean =>
    file.startsWith(root + path.sep) && (!file.split(path.sep).includes('node_modules') || file.includes(STAGING_FOLDER));

  const compile: ExtensionHandler = (module, filename) => {
    if (!isUserFile(filename)) {
      const fallback = previousHandlers.get(path.extname(filename) as (typeof TS_EXTENSIONS)[number]);
      if (fallback) return fallback(module, filename);
    }
    compiled.add(filename);
    module._compile(transpile(filename), filename);
  };
  for (const ext of TS_EXTENSIONS) loader._extensions[ext] = compile;

  loader._resolveFilename = function resolveFilename(request, parent, ...rest) {
    try {
      return previousResolve.call(this, request, parent, ...rest);
    } catch (error) {
      const alternative = typeScriptSourceFor(request, parent?.filename ?? undefined);
      if (alternative && isUserFile(alternative)) return alternative;
      throw error;
    }
  };

  const requireFromRoot = createRequire(path.join(root, 'noop.js'));
  return {
    require: (file) => requireFromRoot(path.resolve(root, file)),
    compiledFiles: () => [...compiled].sort(),
    uninstall() {
      for (const [ext, handler] of previousHandlers) {
        if (handler) loader._extensions[ext] = handler;
        else delete loader._extensions[ext];
      }
      loader._resolveFilename = previousResolve;
      for (const file of compiled) delete loader._cache[file];
      installed = false;
    },
  };
}

let installed = false;

function transpile(filename: string): string {
  const source = readFileSync(filename, 'utf8');
  const output = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: filename, reportDiagnostics: false });
  return output.outputText;
}

/** `./user.entity.js` written in a `.ts` file means `./user.entity.ts` (NodeNext style). */
function typeScriptSourceFor(request: string, parentFile: string | undefined): string | undefined {
  if (!parentFile || !(request.startsWith('./') || request.startsWith('../'))) return undefined;
  const base = path.resolve(path.dirname(parentFile), request);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.cjs$/, '.cts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    path.join(base, 'index.ts'),
  ];
  return candidates.find((candidate) => candidate !== base && existsSync(candidate));
}
