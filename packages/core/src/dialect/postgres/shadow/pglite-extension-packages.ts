import type { Extension, PGlite, PGliteInterface } from '@electric-sql/pglite';

/**
 * Extensions PGlite's own package lacks but Electric publishes beside it, one package each,
 * built against one PGlite release: the compiled extension is a WebAssembly side module linked
 * into the running PGlite, so a build for another PGlite fails at `CREATE EXTENSION` with
 * `could not load library`. The package is imported only when SQL creates its extension: a run
 * that never creates `vector` never loads it.
 *
 * Left out on purpose: `@electric-sql/pglite-postgis` 0.2.8 (the newest) is built for PGlite
 * 0.5.8 and its `CREATE EXTENSION postgis` fails in 0.5.16 (`could not load library
 * "/pglite/lib/postgresql/plpgsql.so"`); even in 0.5.8 it took ~8 s to start, ~10 s to create
 * and ~2 GB of memory. `postgis` stays refused with `SHADOW_EXTENSION_UNAVAILABLE`.
 */
const EXTENSION_PACKAGES: Readonly<Record<string, ExtensionPackage>> = {
  // pgvector 0.8.7; built for PGlite 0.5.15, checked in 0.5.16 and 0.5.17 (it fails in 0.6.1).
  vector: { packageName: '@electric-sql/pglite-pgvector', load: async () => (await import('@electric-sql/pglite-pgvector')).vector },
};

interface ExtensionPackage {
  /** For messages: the npm package that ships the extension. */
  readonly packageName: string;
  /** Imports the package's extension. */
  readonly load: () => Promise<Extension>;
}

/** What `extensionFromPackage` found: the extension to load, or why there is none. */
export type PackagedExtension = { readonly found: true; readonly extension: Extension } | { readonly found: false; readonly reason: string };

/** The names of the extensions that come from a separate package (`vector`). */
export function packagedExtensionNames(): string[] {
  return Object.keys(EXTENSION_PACKAGES);
}

/**
 * The extension `name` from its separate package, made creatable by the shadow's confined role
 * (see `trustedInShadow`); undefined when no package ships it. Imported once per process.
 */
export function extensionFromPackage(name: string): Promise<PackagedExtension> | undefined {
  const source = Object.hasOwn(EXTENSION_PACKAGES, name) ? EXTENSION_PACKAGES[name] : undefined;
  if (!source) return undefined;
  let loaded = loadedPackages.get(name);
  if (!loaded) {
    loaded = source.load().then(
      (extension): PackagedExtension => ({ found: true, extension: trustedInShadow(extension) }),
      (error: unknown): PackagedExtension => ({ found: false, reason: `its package ${source.packageName} did not load (${error instanceof Error ? error.message : String(error)})` }),
    );
    loadedPackages.set(name, loaded);
  }
  return loaded;
}

const loadedPackages = new Map<string, Promise<PackagedExtension>>();

/**
 * The extension, with its control file given `trusted = true` in each PGlite that loads it.
 *
 * pgvector's control file does not say `trusted`, so in PostgreSQL only a superuser may create
 * it; the shadow's confined role could not, and pre-creating it as the superuser would change
 * the replay (see `pglite-extensions.ts`). Yet the servers projects migrate let the database's
 * owner create it (RDS, Cloud SQL, Azure, Supabase and Neon all allow-list pgvector for their
 * admin role), and that is how a project's migrations create it. Trusting it inside the shadow
 * gives the confined role that same right for this one extension and nothing more: its script
 * runs as the superuser, the extension belongs to the role, and the wall stays up for the rest.
 *
 * The control file lives in PGlite's install tree, which every start (a `clone()`, a
 * `loadDataDir`) unpacks again from the bundle, so the change is made in each new PGlite once it
 * has started, before anything else runs there.
 */
function trustedInShadow(extension: Extension): Extension {
  return {
    name: extension.name,
    async setup(pg, emscriptenOpts, clientOnly) {
      const result = await extension.setup(pg, emscriptenOpts, clientOnly);
      return {
        ...result,
        init: async () => {
          await result.init?.();
          markTrusted(pg, extension.name);
        },
      };
    },
  };
}

function markTrusted(pg: PGliteInterface, name: string): void {
  // `setup` receives the PGlite itself: the interface type just does not name its module.
  const module = (pg as PGlite).Module;
  const path = `${module.WASM_PREFIX}/share/postgresql/extension/${name}.control`;
  const control = module.FS.readFile(path, { encoding: 'utf8' });
  module.FS.writeFile(path, `${control.replace(/^\s*trusted\s*=.*$/gm, '').trimEnd()}\ntrusted = true\n`);
}
