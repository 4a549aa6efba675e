import { doBlockBody, parseSql } from '../dialect/postgres/parser.js';
import { readSequenceStates, restoreSequenceStates } from './sequence-states.js';
import type { ForkOptions, ShadowDatabase } from './shadow-database.js';

/**
 * SQLSTATEs that mean a statement needs a transaction of its own, so a rolled-back
 * transaction cannot stand in for a copy: 25001 (`CREATE INDEX CONCURRENTLY`, `VACUUM`:
 * cannot run inside a transaction block) and 55P04 (a new enum value used before commit).
 */
const NEEDS_OWN_TRANSACTION: ReadonlySet<string> = new Set(['25001', '55P04']);

/** Thrown through `work` to say its result on a shared transaction would not be exact: `runIsolated` runs it again on a copy. */
class NeedsOwnDatabase extends Error {
  constructor(readonly why: string) {
    super(`needs a database of its own: ${why}`);
  }
}

/**
 * Runs `work` on a view of `shadow` whose every change is undone when it settles, so one
 * prepared shadow serves the proof, the safety analysis, the round trip and every `check`
 * file without a copy each (a PGlite copy costs about 0.8 CPU s, a rolled-back transaction
 * milliseconds). The view is one transaction on `shadow`, rolled back at the end; the
 * transactions `work` opens become savepoints in it, and a statement outside any is
 * wrapped in a savepoint of its own, as autocommit would undo a failed one. Sequences, which
 * no rollback moves back, are set back to where they stood (`restoreSequenceStates`), so
 * what a run sees (a seeded serial column's values) does not depend on the runs before it.
 *
 * Where that would not be what the migrator does, `work` runs on `fork()` instead: SQL
 * with its own transaction control (a COMMIT would end the view), a statement PostgreSQL
 * refuses inside a transaction, or `work` calling `requireOwnDatabase`.
 */
export async function runIsolated<T>(
  shadow: ShadowDatabase,
  options: { readonly sql: readonly string[]; readonly fork: () => Promise<ShadowDatabase> },
  work: (shadow: ShadowDatabase) => Promise<T>,
): Promise<T> {
  if (!(await controlsTransactions(options.sql))) {
    const view = new RolledBackShadow(shadow);
    const sequences = await readSequenceStates(shadow);
    await shadow.exec('BEGIN');
    let settled: { result: T } | { error: unknown };
    try {
      settled = { result: await work(view) };
    } catch (error) {
      settled = { error };
    } finally {
      await shadow.exec('ROLLBACK');
      // Before a copy is made of it, too: the copy must start from the state the work was given.
      await restoreSequenceStates(shadow, sequences);
    }
    const sharedWasExact = !view.neededOwnTransaction && !('error' in settled && settled.error instanceof NeedsOwnDatabase);
    if (sharedWasExact) {
      if ('error' in settled) throw settled.error;
      return settled.result;
    }
  }
  const copy = await options.fork();
  try {
    return await work(copy);
  } finally {
    await copy.close();
  }
}

/**
 * Called by `work` when a measurement on the shared transaction would be ambiguous (a lock
 * an earlier statement already holds hides whether this one takes it): on a view from
 * `runIsolated` it ends the attempt, which runs again on a copy; elsewhere it does nothing.
 */
export function requireOwnDatabase(shadow: ShadowDatabase, why: string): void {
  if (shadow instanceof RolledBackShadow) throw new NeedsOwnDatabase(why);
}

async function controlsTransactions(sql: readonly string[]): Promise<boolean> {
  for (const script of sql) {
    const parsed = await parseSql(script);
    // SQL that does not parse fails the same way on either; the copy is the plain path.
    if (!parsed.ok) return true;
    if (parsed.statements.some((statement) => 'TransactionStmt' in statement.ast || doBlockBody(statement)?.commits)) return true;
  }
  return false;
}

/**
 * Offers no second session (`SecondSessions`), even on a server shadow: another session sees
 * none of the view's uncommitted transaction (a table it created, rows it seeded) and waits
 * behind the locks it holds (seeding a table takes ROW EXCLUSIVE until the rollback), so the
 * lock probe would queue behind the view itself. The probe is only for statements that
 * cannot run in a transaction, which fail here (25001) and move the run to a copy, where a
 * server shadow's `openSession` sees and locks what the statement does.
 */
class RolledBackShadow implements ShadowDatabase {
  neededOwnTransaction = false;
  /** Savepoints standing for the transactions `work` opened, innermost last. */
  readonly #open: string[] = [];
  #next = 0;

  constructor(private readonly shadow: ShadowDatabase) {}

  get description(): string {
    return this.shadow.description;
  }

  async exec(sql: string): Promise<void> {
    // Only the tool's own literals reach here: `runIsolated` sent SQL with transaction control to a copy.
    switch (sql) {
      case 'BEGIN':
        this.#open.push(`orm_ai_isolated_${(this.#next += 1)}`);
        return this.#raw(`SAVEPOINT ${this.#open.at(-1)!}`);
      case 'COMMIT':
        return this.#raw(`RELEASE SAVEPOINT ${this.#closeInnermost()}`);
      case 'ROLLBACK': {
        const savepoint = this.#closeInnermost();
        return this.#raw(`ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}`);
      }
      default:
        return this.#autocommitted(() => this.shadow.exec(sql));
    }
  }

  query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.#autocommitted(() => this.shadow.query<Row>(sql, params));
  }

  fork(): Promise<ShadowDatabase> {
    throw new NeedsOwnDatabase('a copy was asked for inside an isolated run');
  }

  /** Nested: a savepoint in this view's transaction; where that cannot serve, the outer run moves to a copy. */
  isolated<T>(options: ForkOptions, work: (shadow: ShadowDatabase) => Promise<T>): Promise<T> {
    return runIsolated(this, { sql: options.sql ?? [], fork: () => this.fork() }, work);
  }

  /** The view ends with `runIsolated`'s rollback, not here. */
  async close(): Promise<void> {}

  #closeInnermost(): string {
    const savepoint = this.#open.pop();
    if (savepoint === undefined) throw new Error('COMMIT or ROLLBACK with no transaction open on an isolated shadow');
    return savepoint;
  }

  async #raw(sql: string): Promise<void> {
    await this.#noted(() => this.shadow.exec(sql));
  }

  /** Outside the transactions `work` opened, a failed statement is undone alone, as autocommit would, and the view stays usable. */
  async #autocommitted<T>(run: () => Promise<T>): Promise<T> {
    if (this.#open.length > 0) return this.#noted(run);
    await this.shadow.exec('SAVEPOINT orm_ai_statement');
    try {
      const result = await this.#noted(run);
      await this.shadow.exec('RELEASE SAVEPOINT orm_ai_statement');
      return result;
    } catch (error) {
      await this.shadow.exec('ROLLBACK TO SAVEPOINT orm_ai_statement; RELEASE SAVEPOINT orm_ai_statement');
      throw error;
    }
  }

  async #noted<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && NEEDS_OWN_TRANSACTION.has(code)) this.neededOwnTransaction = true;
      throw error;
    }
  }
}
