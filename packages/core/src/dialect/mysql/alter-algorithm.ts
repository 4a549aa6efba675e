import { describeError } from '../../errors.js';
import { parseMysql } from './parser.js';
import { quote } from './copy-tables.js';
import { errno } from './server-accounts.js';
import type { MysqlShadow } from './shadow.js';

/**
 * How MySQL/MariaDB can run an ALTER TABLE, CREATE INDEX or DROP INDEX, measured the way
 * the server itself answers it: the statement is tried on a copy of the shadow with each
 * `ALGORITHM`/`LOCK` clause in turn, cheapest first, and the first the server accepts is the
 * fact. A refused clause changes nothing: the server checks what the clause allows before it
 * touches the table and answers ER_ALTER_OPERATION_NOT_SUPPORTED(_REASON) (1845/1846), so the
 * next rung runs on the same, unchanged copy (the test `mysql-alter-algorithm.test.ts`
 * checks the table's InnoDB id and `SHOW CREATE TABLE` after a refusal).
 *
 * The ladder has a fifth rung beyond the four of issue 16's list: COPY with `LOCK=SHARED`
 * (reads go on, writes wait) before COPY with `LOCK=EXCLUSIVE` (both wait), since the two
 * differ for a live table as much as INPLACE's do.
 */
export const ALGORITHM_LADDER = [
  { algorithm: 'INSTANT', lock: 'NONE', clause: 'ALGORITHM=INSTANT' },
  { algorithm: 'INPLACE', lock: 'NONE', clause: 'ALGORITHM=INPLACE, LOCK=NONE' },
  { algorithm: 'INPLACE', lock: 'SHARED', clause: 'ALGORITHM=INPLACE, LOCK=SHARED' },
  { algorithm: 'COPY', lock: 'SHARED', clause: 'ALGORITHM=COPY, LOCK=SHARED' },
  { algorithm: 'COPY', lock: 'EXCLUSIVE', clause: 'ALGORITHM=COPY, LOCK=EXCLUSIVE' },
] as const;

export type AlterAlgorithm = (typeof ALGORITHM_LADDER)[number]['algorithm'];
/** What other sessions may do while it runs: NONE, both reads and writes; SHARED, reads; EXCLUSIVE, neither. INSTANT's is NONE. */
export type AlterLock = (typeof ALGORITHM_LADDER)[number]['lock'];

export type AlterMeasurement =
  | {
      readonly outcome: 'accepted';
      readonly algorithm: AlterAlgorithm;
      readonly lock: AlterLock;
      /** The tables whose InnoDB id changed: the server rebuilt them (every row rewritten). */
      readonly rebuilt: readonly string[];
      /** The cheaper clauses the server refused, with its reason. */
      readonly refused: ReadonlyArray<{ readonly clause: string; readonly reason: string }>;
    }
  /** The statement fails whatever the algorithm (a NOT NULL over NULLs, a duplicate under a new unique key): the server's message. */
  | { readonly outcome: 'fails'; readonly error: string; readonly errno: number | null }
  /** Not an ALTER TABLE, CREATE INDEX or DROP INDEX, or not one statement: there is no ALGORITHM clause to try. */
  | { readonly outcome: 'not measurable'; readonly reason: string };

/**
 * Measures one statement on a fresh copy of `shadow` (dropped after): `shadow` is unchanged.
 *
 * @example
 * await measureAlterAlgorithm(shadow, 'ALTER TABLE `posts` ADD `tags` json');
 * // { outcome: 'accepted', algorithm: 'INSTANT', lock: 'NONE', rebuilt: [], refused: [] }
 */
export async function measureAlterAlgorithm(shadow: MysqlShadow, sql: string): Promise<AlterMeasurement> {
  const parsed = parseMysql(sql);
  if (!parsed.ok) return { outcome: 'not measurable', reason: parsed.message };
  const [statement, extra] = parsed.statements;
  if (statement === undefined || extra !== undefined) return { outcome: 'not measurable', reason: 'expected exactly one statement' };
  if (!MEASURABLE.has(statement.kind)) return { outcome: 'not measurable', reason: `${statement.kind} takes no ALGORITHM clause` };
  const body = statement.kind === 'drop index' ? asAlterTable(statement.ast) : statement.sql.replace(/;\s*$/, '');
  // ALTER TABLE lists the clause after a comma; CREATE INDEX after the statement.
  const withClause = (clause: string) => (statement.kind === 'create index' ? `${body} ${clause.replace(',', '')}` : `${body}, ${clause}`);
  const copy = await shadow.fork();
  try {
    const before = await Promise.all(statement.tables.map((table) => copy.innodbTableId(table)));
    const refused: Array<{ clause: string; reason: string }> = [];
    for (const rung of ALGORITHM_LADDER) {
      try {
        await copy.query(withClause(rung.clause));
      } catch (error) {
        if (!REFUSED_ALGORITHM.has(errno(error) ?? 0)) return { outcome: 'fails', error: describeError(error), errno: errno(error) };
        refused.push({ clause: rung.clause, reason: describeError(error) });
        continue;
      }
      const after = await Promise.all(statement.tables.map((table) => copy.innodbTableId(table)));
      const rebuilt = statement.tables.filter((_, index) => before[index] !== null && after[index] !== null && before[index] !== after[index]);
      return { outcome: 'accepted', algorithm: rung.algorithm, lock: rung.lock, rebuilt, refused };
    }
    return { outcome: 'fails', error: 'every ALGORITHM clause was refused', errno: null };
  } finally {
    await copy.close();
  }
}

/**
 * `DROP INDEX i ON t` as the `ALTER TABLE t DROP INDEX i` the server maps it to: MariaDB
 * 10.11 refuses ALGORITHM and LOCK clauses on DROP INDEX (a syntax error), MySQL takes them.
 */
function asAlterTable(ast: Record<string, unknown>): string {
  const index = (ast.name as { column?: string }).column!;
  const table = (ast.table as { table?: string }).table!;
  return `ALTER TABLE ${quote(table)} DROP INDEX ${quote(index)}`;
}

const MEASURABLE: ReadonlySet<string> = new Set(['alter table', 'create index', 'drop index']);

/** ER_ALTER_OPERATION_NOT_SUPPORTED and ER_ALTER_OPERATION_NOT_SUPPORTED_REASON: the clause is refused, nothing ran. */
const REFUSED_ALGORITHM: ReadonlySet<number> = new Set([1845, 1846]);
