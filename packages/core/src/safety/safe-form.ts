import { deparseSync } from 'pgsql-deparser';
import type { FollowingMigration } from '../orm-plugin.js';
import type { ParsedStatement } from '../dialect/postgres/parser.js';
import { quoteIdentifier, quotedTableName, type TableRef } from '../table-ref.js';
import type { Node } from './statement-ast.js';

/**
 * `--safe`: a rule's safe form, as strong_migrations' `safe_by_default` has them. Given one
 * statement of the ORM's migration that the rule judges dangerous, it says what to write
 * instead: statements in its place, and statements for migrations that follow the ORM's
 * (a concurrent build, a batched backfill, the validation). The result is proved on the
 * shadow like any migration, and must end where the ORM's migration ends.
 */
export interface SafeForm {
  rewrite(input: SafeFormInput): Promise<SafeFormResult | null> | SafeFormResult | null;
}

export interface SafeFormInput {
  readonly statement: ParsedStatement;
  /** The parse tree's root kind (`AlterTableStmt`) and its node, a copy the form may change. */
  readonly kind: string;
  readonly node: Node;
  /** Created earlier in this migration: nobody else can be using it, so there is nothing to make safe. */
  isNewTable(table: TableRef): boolean;
  /** Whether the ORM's migrator can run a migration outside any transaction (`OrmCapabilities.migrationOutsideTransaction`). */
  readonly outsideTransaction: boolean;
  /** The ORM's name, for the reason a form is not possible: `Drizzle`. */
  readonly ormName: string;
  /** Which of these functions the shadow knows as volatile. */
  volatileFunctions(functionNames: readonly string[]): Promise<string[]>;
}

/** A statement rewritten, or kept as it is with the reason. */
export type SafeFormResult = SafeRewrite | { readonly kept: string };

export interface SafeRewrite {
  /** What changed, one sentence for the report. */
  readonly summary: string;
  /** In place of the statement, in the ORM's own migration. */
  readonly now: readonly string[];
  /** Runs first in that migration's down: undoes what `now` adds beyond what the ORM's down undoes. */
  readonly nowDown?: readonly string[];
  /** Migrations of one statement each, outside any transaction, after the ORM's: concurrent builds. */
  readonly builds?: readonly FollowingMigration[];
  /** Migrations of their own after the builds: backfills. */
  readonly backfills?: readonly FollowingMigration[];
  /** Statements of the last migration (validations, SET NOT NULL, USING INDEX), with their down in the order it runs. */
  readonly finish?: { readonly up: readonly string[]; readonly down: readonly string[] };
  /** Whether a statement of the ORM's down undoes something this form moved to a later migration, whose own down now undoes it. */
  undoneLater?(kind: string, node: Node): boolean;
}

/** A statement as SQL text, from a parse tree (`{ AlterTableStmt: {...} }`). */
export function sqlOf(ast: Node): string {
  return `${deparseSync(ast as never, { pretty: false })};`;
}

/** The same ALTER TABLE with only some of its commands; null when none is left. */
export function alterTableWith(node: Node, commands: readonly unknown[]): string | null {
  return commands.length === 0 ? null : sqlOf({ AlterTableStmt: { ...node, cmds: commands } });
}

/**
 * The temporary CHECK that stands for NOT NULL while it is validated. Not `<table>_<column>_not_null`:
 * PostgreSQL 18 names its own not-null constraints so, and would pick another name for the real one.
 */
export function notNullCheckName(table: TableRef, column: string): string {
  return truncateIdentifier(`${table.name}_${column}_not_null_check`);
}

/** The CHECK (column IS NOT NULL) NOT VALID that makes SET NOT NULL skip its scan once validated (PostgreSQL 12+), both ways. */
export function notNullThroughCheck(table: TableRef, column: string): { add: string; validate: string; setNotNull: string; drop: string; dropIfExists: string; dropNotNull: string } {
  const on = `ALTER TABLE ${quotedTableName(table)}`;
  const check = quoteIdentifier(notNullCheckName(table, column));
  const quoted = quoteIdentifier(column);
  return {
    add: `${on} ADD CONSTRAINT ${check} CHECK (${quoted} IS NOT NULL) NOT VALID;`,
    validate: `${on} VALIDATE CONSTRAINT ${check};`,
    setNotNull: `${on} ALTER COLUMN ${quoted} SET NOT NULL;`,
    drop: `${on} DROP CONSTRAINT ${check};`,
    dropIfExists: `${on} DROP CONSTRAINT IF EXISTS ${check};`,
    dropNotNull: `${on} ALTER COLUMN ${quoted} DROP NOT NULL;`,
  };
}

/** `DROP INDEX CONCURRENTLY IF EXISTS "schema"."name"`: the down of a concurrent build. */
export function dropIndexConcurrently(schema: string, index: string): string {
  return `DROP INDEX CONCURRENTLY IF EXISTS ${quotedTableName({ schema, name: index })};`;
}

/** Whether a DROP statement of the ORM's down drops this index. */
export function dropsIndex(kind: string, node: Node, index: string): boolean {
  if (kind !== 'DropStmt' || node.removeType !== 'OBJECT_INDEX') return false;
  return ((node.objects as unknown[] | undefined) ?? []).some((object) => {
    const items = (object as { List?: { items?: Array<{ String?: { sval?: string } }> } }).List?.items ?? [];
    return items.at(-1)?.String?.sval === index;
  });
}

/** PostgreSQL keeps the first 63 bytes of an identifier. */
function truncateIdentifier(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= 63) return name;
  let cut = 63;
  // Not through the middle of a character.
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}
