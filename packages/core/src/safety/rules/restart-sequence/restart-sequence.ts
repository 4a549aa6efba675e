import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import type { SequenceColumn } from '../../shadow-catalog.js';
import { alterTableCommands, names, nodeOf, tableOf, type Node } from '../../statement-ast.js';

/**
 * `ALTER SEQUENCE ... RESTART`, an identity's `ALTER COLUMN ... RESTART` and `SELECT
 * setval('seq', <constant>)`: after them the
 * next inserts take values the column may already hold, and fail on its unique key (measured:
 * `duplicate key value violates unique constraint` on the first insert after RESTART on
 * PostgreSQL 15). The catalog says which column the sequence feeds and, on the seeded shadow,
 * whether the restart value is already taken there.
 */
export const restartSequence = defineSafetyRule({
  id: 'restart-sequence',
  severity: 'warning',
  phase: 'catalog',
  squawk: [],
  fix: "Do not move a sequence back under live rows: to resynchronise it, SELECT setval('the_sequence', (SELECT max(id) FROM the_table)), which moves it just past the largest value; restart only at a value you have checked is above the column's max in production.",
  async *check({ kind, node, isNewTable, catalog }) {
    for (const restart of restarts(kind, node)) {
      const sequence = restart.sequence ?? (restart.table && restart.column ? await catalog.columnSequence(restart.table, restart.column) : null);
      if (!sequence) continue;
      const fed = await catalog.sequenceColumn(sequence);
      if (fed && isNewTable(fed.table)) continue;
      yield describe(restart.written, `${sequence.schema ? `${sequence.schema}.` : ''}${sequence.name}`, fed, restart.value);
    }
  },
});

interface Restart {
  /** How the statement says it, for the message. */
  readonly written: string;
  readonly sequence: { readonly schema: string | null; readonly name: string } | null;
  readonly table: ReturnType<typeof tableOf>;
  readonly column: string | undefined;
  /** RESTART WITH n; null for a plain RESTART (the sequence's START value). */
  readonly value: bigint | null;
}

/** The restarts a statement asks for: ALTER SEQUENCE's, ALTER TABLE's identity columns', setval's to a constant. */
function restarts(kind: string, node: Node): Restart[] {
  if (kind === 'SelectStmt') return constantSetvals(node);
  if (kind === 'AlterSeqStmt') {
    const option = restartOption(node.options);
    const sequence = node.sequence as { relname?: string; schemaname?: string } | undefined;
    if (!option || !sequence?.relname) return [];
    return [{ written: 'ALTER SEQUENCE ... RESTART', sequence: { schema: sequence.schemaname ?? null, name: sequence.relname }, table: null, column: undefined, value: option.value }];
  }
  return alterTableCommands(kind, node).flatMap(({ table, subtype, column, command }) => {
    const option = subtype === 'AT_SetIdentity' ? restartOption(nodeOf<{ items?: unknown }>(command.def, 'List')?.items) : null;
    return option && column ? [{ written: `ALTER TABLE ${tableLabel(table)} ALTER COLUMN ${column} RESTART`, sequence: null, table, column, value: option.value }] : [];
  });
}

/**
 * `SELECT setval('seq', n [, is_called])` with constants: the next value is n + 1, or n when
 * is_called is false. setval(seq, (SELECT max(id) ...)) is the fix and is not a constant.
 */
function constantSetvals(node: Node): Restart[] {
  return ((node.targetList as unknown[] | undefined) ?? []).flatMap((target) => {
    const call = nodeOf<{ funcname?: unknown; args?: unknown[] }>(nodeOf<{ val?: unknown }>(target, 'ResTarget')?.val, 'FuncCall');
    if (!call || names(call.funcname).at(-1) !== 'setval') return [];
    const [name, value, isCalled] = (call.args ?? []).map((arg) => nodeOf<{ sval?: { sval?: string }; ival?: { ival?: number }; boolval?: { boolval?: boolean } }>(arg, 'A_Const'));
    const sequence = sequenceName(name?.sval?.sval);
    if (!sequence || !value?.ival) return [];
    const n = BigInt(value.ival.ival ?? 0);
    const called = isCalled === undefined || isCalled.boolval?.boolval === true;
    return [{ written: `setval('${name!.sval!.sval}', ${n})`, sequence, table: null, column: undefined, value: called ? n + 1n : n }];
  });
}

/** A regclass literal (`public.seq`, `"Odd"."Seq"`) as schema and name, folded as PostgreSQL folds them. */
function sequenceName(text: string | undefined): { schema: string | null; name: string } | null {
  const part = '(?:"((?:[^"]|"")+)"|([^."]+))';
  const match = text ? new RegExp(`^${part}(?:\\.${part})?$`).exec(text.trim()) : null;
  if (!match) return null;
  const fold = (quoted: string | undefined, bare: string | undefined) => (quoted !== undefined ? quoted.replaceAll('""', '"') : bare?.toLowerCase());
  const first = fold(match[1], match[2])!;
  const second = fold(match[3], match[4]);
  return second === undefined ? { schema: null, name: first } : { schema: first, name: second };
}

function restartOption(options: unknown): { value: bigint | null } | null {
  for (const wrapper of Array.isArray(options) ? options : []) {
    const option = nodeOf<{ defname?: string; arg?: unknown }>(wrapper, 'DefElem');
    if (option?.defname !== 'restart') continue;
    // Large values parse as Float nodes holding their digits; zero as an Integer without ival.
    const integer = nodeOf<{ ival?: number }>(option.arg, 'Integer');
    const float = nodeOf<{ fval?: string }>(option.arg, 'Float');
    if (integer) return { value: BigInt(integer.ival ?? 0) };
    if (float?.fval && /^-?\d+$/.test(float.fval)) return { value: BigInt(float.fval) };
    return { value: null };
  }
  return null;
}

function describe(written: string, sequence: string, fed: SequenceColumn | null, value: bigint | null): string {
  const head = `${written} makes the next value of ${sequence} ${value ?? fed?.start ?? 'its start value'}`;
  if (!fed) return `${head}: whatever column uses it will be given values it may already hold, and those inserts fail.`;
  const column = `${tableLabel(fed.table)}.${fed.column}`;
  const next = value ?? fed.start;
  if (fed.max !== null && next <= fed.max) return `${head}, at or below the largest value ${column} already holds on the shadow (${fed.max}): the next inserts into ${tableLabel(fed.table)} collide with existing rows.`;
  const shadow = fed.max === null ? `${column} holds no rows on the shadow` : `${column} holds at most ${fed.max} on the shadow`;
  return `${head}; ${shadow}, but wherever production's ${column} already holds ${next} or more, the next inserts collide with existing rows.`;
}
