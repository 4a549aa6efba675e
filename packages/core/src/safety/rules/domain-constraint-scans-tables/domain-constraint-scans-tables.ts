import { tableLabel } from '../../../table-ref.js';
import { defineSafetyRule } from '../../safety-rule.js';
import { names, nodeOf, type Node } from '../../statement-ast.js';

/**
 * `ALTER DOMAIN ... ADD CONSTRAINT` without NOT VALID, `SET NOT NULL` and `VALIDATE CONSTRAINT`
 * check every row of every table with a column of the domain, holding SHARE on each (measured
 * on PostgreSQL 15 and 18: a sequential scan per table; none, and no lock, with NOT VALID).
 * Unlike a table's VALIDATE, a domain's blocks writes. The tables come from the catalog, since
 * the statement names only the domain.
 */
/** The ALTER DOMAIN forms that check existing rows, by the parse tree's subtype. */
const WHAT: Readonly<Record<string, (name: string) => string>> = {
  C: (name) => `ADD CONSTRAINT${name} without NOT VALID`,
  O: () => 'SET NOT NULL',
  V: (name) => `VALIDATE CONSTRAINT${name}`,
};

export const domainConstraintScansTables = defineSafetyRule({
  id: 'domain-constraint-scans-tables',
  severity: 'warning',
  phase: 'catalog',
  squawk: ['ban-alter-domain-with-add-constraint'],
  fix: "Add the domain constraint with NOT VALID: new and updated values are checked at once and no row is scanned. Its VALIDATE CONSTRAINT still holds SHARE on every table while it scans (unlike a table's VALIDATE): to check existing rows without blocking writes, add the same CHECK ... NOT VALID on each table's column and VALIDATE those. SET NOT NULL has no NOT VALID form: use CHECK (VALUE IS NOT NULL) NOT VALID.",
  async *check({ kind, node, isNewTable, catalog }) {
    if (kind !== 'AlterDomainStmt') return;
    const constraint = nodeOf<Node>(node.def, 'Constraint');
    const what = WHAT[String(node.subtype)];
    if (!what || (node.subtype === 'C' && constraint?.skip_validation)) return;
    const parts = names(node.typeName);
    const domain = parts.length > 1 ? { schema: parts.at(-2)!, name: parts.at(-1)! } : { schema: null, name: parts[0] ?? '' };
    const columns = (await catalog.domainColumns(domain)).filter(({ table }) => !isNewTable(table));
    if (columns.length === 0) return;
    const tables = new Set(columns.map(({ table }) => tableLabel(table)));
    const where = columns.map(({ table, column }) => `${tableLabel(table)}.${column}`).join(', ');
    const named = node.subtype === 'C' ? constraint?.conname : node.name;
    yield `ALTER DOMAIN ${parts.join('.')} ${what(named ? ` ${String(named)}` : '')} checks every row of ${where} while holding SHARE on ${tables.size === 1 ? 'that table: writes to it wait' : 'those tables: writes to them wait'} until it finishes.`;
  },
});
