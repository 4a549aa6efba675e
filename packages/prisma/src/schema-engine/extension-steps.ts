/** An extension as a database has it (`pg_extension`). */
export interface InstalledExtension {
  readonly name: string;
  readonly schema: string;
  readonly version: string;
}

/** What the extensions of a database are read with. */
export const INSTALLED_EXTENSIONS_SQL = `SELECT ext.extname AS name, ns.nspname AS schema, ext.extversion AS version
FROM pg_extension ext JOIN pg_namespace ns ON ns.oid = ext.extnamespace
ORDER BY ext.extname`;

/** One identifier as Prisma's renderer quotes it: `"name"`, a `"` inside doubled. */
const IDENTIFIER = '"((?:[^"]|"")+)"';

/**
 * A `CreateExtension` step as Prisma's PostgreSQL renderer writes it:
 * `CREATE EXTENSION IF NOT EXISTS "name"[ WITH][ SCHEMA "schema"][ VERSION "version"];`.
 */
const CREATE_EXTENSION_STEP = new RegExp(
  `^-- CreateExtension\\nCREATE EXTENSION IF NOT EXISTS ${IDENTIFIER}(?: WITH)?(?: SCHEMA ${IDENTIFIER})?(?: VERSION ${IDENTIFIER})?;\\n\\n?`,
  'gm',
);

/**
 * A migration script of Prisma's WebAssembly schema engine, corrected for the extensions the
 * migrations already installed: each `CreateExtension` step naming one of `installed` goes, or
 * becomes the `ALTER EXTENSION` that Prisma's native engine writes when the schema asks for
 * another version or schema. Null when nothing else is left, as the engine says "no change".
 *
 * Why: the WebAssembly engine builds its connector from the driver adapter alone, without the
 * schema's preview features, so it describes every database as if `postgresqlExtensions` were
 * off and forgets the extensions it finds there (`normalize_sql_schema` in prisma-engines),
 * while the schema's `extensions = [...]` stays on the other side of the diff. Every declared
 * extension then reads as missing and is created again, after every migration that created
 * it: drift that `prisma migrate dev` (the native engine) never reports.
 */
export function withoutInstalledExtensions(script: string, installed: readonly InstalledExtension[]): string | null {
  const byName = new Map(installed.map((extension) => [extension.name, extension]));
  let changed = false;
  const corrected = script.replace(CREATE_EXTENSION_STEP, (step: string, name: string, schema?: string, version?: string) => {
    const found = byName.get(unquote(name));
    if (!found) return step;
    changed = true;
    return alterSteps(found, schema === undefined ? '' : unquote(schema), version === undefined ? '' : unquote(version));
  });
  if (!changed) return script;
  return hasStatements(corrected) ? `${corrected.trimEnd()}\n` : null;
}

/** Prisma's `AlterExtension` steps, written only for what the schema declares and differs. */
function alterSteps(installed: InstalledExtension, schema: string, version: string): string {
  const statements = [
    ...(version !== '' && version !== installed.version ? [`ALTER EXTENSION ${quote(installed.name)} UPDATE TO ${quote(version)};`] : []),
    ...(schema !== '' && schema !== installed.schema ? [`ALTER EXTENSION ${quote(installed.name)} SET SCHEMA ${quote(schema)};`] : []),
  ];
  return statements.length === 0 ? '' : `-- AlterExtension\n${statements.join('\n')}\n\n`;
}

/** Whether anything but comments (the warnings header, step titles) and blank lines is left. */
function hasStatements(script: string): boolean {
  return script.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*--.*$/gm, '').trim() !== '';
}

function unquote(identifier: string): string {
  return identifier.replaceAll('""', '"');
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
