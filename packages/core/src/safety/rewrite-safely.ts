import type { Dialect } from '../dialect/dialect.js';
import { OrmAiError } from '../errors.js';
import type { FollowingMigration, MigrationSql } from '../orm-plugin.js';
import { parseSql, statementKind, type ParsedStatement } from '../dialect/postgres/parser.js';
import { tableKey, type TableRef } from '../table-ref.js';
import type { SafetyRuleId } from './rules/index.js';
import type { SafeRewrite } from './safe-form.js';
import { tableOf, type Node } from './statement-ast.js';

export interface RewriteSafelyInput {
  /** The database's dialect: the safe forms are its safety rules'. */
  readonly dialect: Dialect;
  /** The new migration's up and down as composed (statements, or whole scripts of the ORM's). */
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly outsideTransaction: boolean;
  readonly ormName: string;
  volatileFunctions(functionNames: readonly string[]): Promise<string[]>;
}

/** The migration `--safe` writes: the ORM's own, rewritten, and the migrations that follow it. */
export interface SafeMigrations extends MigrationSql {
  readonly following: readonly FollowingMigration[];
  /** Each safe form used, on which statement of the ORM's migration. */
  readonly rewritten: ReadonlyArray<{ readonly rule: SafetyRuleId; readonly statement: string; readonly summary: string }>;
  /** Statements a rule judges dangerous whose safe form could not be used here, and why. */
  readonly kept: ReadonlyArray<{ readonly rule: SafetyRuleId; readonly statement: string; readonly reason: string }>;
}

/**
 * Rewrites a migration into its safe forms (`--safe`): each rule that has one (`safeForm`)
 * looks at every statement in turn, in the order of the list of rules, and may replace it,
 * move part of it to a migration that follows, or say why it keeps it. The migrations that
 * follow run in this order: concurrent builds, backfills, then one that finishes (validations,
 * SET NOT NULL, constraints USING INDEX). A script no form touched is kept as the ORM wrote it,
 * comments and all.
 */
export async function rewriteSafely(input: RewriteSafelyInput): Promise<SafeMigrations> {
  const created = new Set<string>();
  const rewrites: SafeRewrite[] = [];
  const rewritten: Array<SafeMigrations['rewritten'][number]> = [];
  const kept: Array<SafeMigrations['kept'][number]> = [];
  const up: string[] = [];
  for (const script of input.up) {
    const parsed = await parseSql(script);
    // What does not parse is not ours to rewrite: the proof on the shadow reports it.
    if (!parsed.ok) {
      up.push(script);
      continue;
    }
    const written: string[] = [];
    let changed = false;
    for (const statement of parsed.statements) {
      let current: ParsedStatement[] = [statement];
      for (const rule of input.dialect.safetyRules) {
        if (!rule.safeForm) continue;
        const id = rule.id as SafetyRuleId;
        const next: ParsedStatement[] = [];
        for (const candidate of current) {
          const kind = statementKind(candidate);
          const result = await rule.safeForm.rewrite({
            statement: candidate,
            kind,
            node: structuredClone(candidate.ast[kind]) as Node,
            isNewTable: (table: TableRef) => created.has(tableKey(table)),
            outsideTransaction: input.outsideTransaction,
            ormName: input.ormName,
            volatileFunctions: input.volatileFunctions,
          });
          if (result === null) next.push(candidate);
          else if ('kept' in result) {
            kept.push({ rule: id, statement: candidate.sql, reason: result.kept });
            next.push(candidate);
          } else {
            rewrites.push(result);
            rewritten.push({ rule: id, statement: candidate.sql, summary: result.summary });
            next.push(...(await statementsOf(result.now)));
            changed = true;
          }
        }
        current = next;
      }
      for (const done of current) {
        noteCreatedTable(done, created);
        written.push(terminated(done.sql));
      }
    }
    up.push(...(changed ? written : [script]));
  }
  if (rewrites.length === 0) return { up: input.up, down: input.down, following: [], rewritten, kept };
  // The ORM's migration stays, so its id and its place in the history stay too: a file of nothing but a comment.
  const first = up.length > 0 ? up : ['-- --safe moved every statement of this migration into the migrations that follow it.'];
  return { up: first, down: await firstDown(input.down, rewrites), following: following(rewrites), rewritten, kept };
}

/** The ORM's down without what now comes undone by a later migration's down, after what the forms add to undo. */
async function firstDown(down: readonly string[], rewrites: readonly SafeRewrite[]): Promise<string[]> {
  const kept: string[] = [];
  for (const script of down) {
    const parsed = await parseSql(script);
    if (!parsed.ok) {
      kept.push(script);
      continue;
    }
    const undoneLater = (statement: ParsedStatement) => {
      const kind = statementKind(statement);
      return rewrites.some((rewrite) => rewrite.undoneLater?.(kind, statement.ast[kind] as Node) ?? false);
    };
    const remaining = parsed.statements.filter((statement) => !undoneLater(statement));
    kept.push(...(remaining.length === parsed.statements.length ? [script] : remaining.map((statement) => terminated(statement.sql))));
  }
  return [...[...rewrites].reverse().flatMap((rewrite) => rewrite.nowDown ?? []), ...kept];
}

function following(rewrites: readonly SafeRewrite[]): FollowingMigration[] {
  const finishing = rewrites.filter((rewrite) => rewrite.finish);
  const finish: FollowingMigration[] =
    finishing.length === 0
      ? []
      : [{ suffix: 'finish', up: finishing.flatMap((rewrite) => rewrite.finish!.up), down: [...finishing].reverse().flatMap((rewrite) => rewrite.finish!.down), outsideTransaction: false }];
  return [...rewrites.flatMap((rewrite) => rewrite.builds ?? []), ...rewrites.flatMap((rewrite) => rewrite.backfills ?? []), ...finish];
}

async function statementsOf(sql: readonly string[]): Promise<ParsedStatement[]> {
  if (sql.length === 0) return [];
  const parsed = await parseSql(sql.join('\n'));
  if (!parsed.ok) {
    throw new OrmAiError('INTERNAL_ERROR', `a safe form wrote SQL that does not parse (${parsed.message}): ${sql.join(' ')}`, {
      hint: 'Nothing was written. Run without --safe to write the ORM\'s migration as it is, and report this.',
    });
  }
  return parsed.statements;
}

function noteCreatedTable(statement: ParsedStatement, created: Set<string>): void {
  if (statementKind(statement) !== 'CreateStmt') return;
  const table = tableOf((statement.ast.CreateStmt as Node).relation);
  if (table) created.add(tableKey(table));
}

function terminated(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql};`;
}
