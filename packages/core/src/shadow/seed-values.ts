import { randomUUID } from 'node:crypto';

/** What a column's seeded values depend on, read from the catalog under any domains. */
export interface SeedColumn {
  readonly name: string;
  /** The type under any domains. */
  readonly base_type: string;
  readonly category: string;
  /** The typmod that applies to the base type (a domain's own, for a domain column). */
  readonly typmod: number;
  readonly enum_labels: readonly string[];
  /** The CHECKs of the domains the column's type goes through (`CHECK ((VALUE > 0))`). */
  readonly domain_checks: readonly string[];
}

/** A value for serial number `n` (unique per column) and row index `row`; null when unsupported. */
export function valueGenerator(column: SeedColumn): ((n: number, row: number) => string) | null {
  const labels = column.enum_labels;
  if (labels.length > 0) return (_n, row) => labels[row % labels.length]!;
  if (column.category === 'A') return () => '{}';
  if (column.category === 'S') {
    const maxLength = column.typmod >= 4 ? column.typmod - 4 : column.base_type === 'name' ? 63 : null;
    return (n) => textValue(column.name, n, maxLength);
  }
  const minutes = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
  switch (column.base_type) {
    case 'int2': return (n) => String(((n - 1) % 32_767) + 1);
    case 'int4': case 'int8': return (n) => String(n);
    case 'float4': case 'float8': return (n) => `${n}.5`;
    case 'numeric': return (n) => numericValue(n, column.typmod);
    case 'money': return (n) => `${n}.25`;
    case 'bool': return (_n, row) => String(row % 2 === 0);
    case 'date': return (n) => minutes(n * 1440).slice(0, 10);
    case 'timestamp': return (n) => minutes(n).replace('Z', '');
    case 'timestamptz': return (n) => minutes(n);
    case 'time': return (n) => minutes(n).slice(11, 19);
    case 'timetz': return (n) => `${minutes(n).slice(11, 19)}+00`;
    case 'interval': return (n) => `${n} minutes`;
    case 'uuid': return () => randomUUID();
    case 'json': case 'jsonb': return (n) => JSON.stringify({ seed: n });
    case 'bytea': return (n) => `\\x${n.toString(16).padStart(8, '0')}`;
    case 'inet': case 'cidr': return (n) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/32`;
    // Half-open and one step apart: no two rows overlap, so an EXCLUDE (... WITH &&) holds.
    case 'int4range': case 'int8range': case 'numrange': return (n) => `[${n * 10},${n * 10 + 5})`;
    case 'daterange': return (n) => `[${minutes(n * 1440).slice(0, 10)},${minutes((n + 1) * 1440).slice(0, 10)})`;
    case 'tsrange': return (n) => `["${minutes(n).replace('Z', '')}","${minutes(n + 1).replace('Z', '')}")`;
    case 'tstzrange': return (n) => `["${minutes(n)}","${minutes(n + 1)}")`;
    case 'macaddr': return (n) => `08:00:2b:${[16, 8, 0].map((shift) => ((n >>> shift) & 255).toString(16).padStart(2, '0')).join(':')}`;
    default: return null;
  }
}

/** `email_2s` when it fits; else base 36 of `n`, wrapped to fit: distinct across 36^maxLength rows. */
function textValue(columnName: string, n: number, maxLength: number | null): string {
  const named = `${columnName}_${n.toString(36)}`;
  if (maxLength === null || named.length <= maxLength) return named;
  return (n % 36 ** Math.min(maxLength, 10)).toString(36);
}

/** `n` wrapped into numeric(precision, scale): 10^precision distinct values. */
function numericValue(n: number, typmod: number): string {
  if (typmod < 4) return String(n);
  const precision = ((typmod - 4) >> 16) & 0xffff;
  // Since PostgreSQL 15 the scale is an 11-bit signed number and may be negative.
  const scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
  const digits = (BigInt(n) % 10n ** BigInt(precision)).toString();
  if (scale <= 0) return digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  return `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * The generators to try for a column, the usual one first. A domain's CHECK may reject it
 * (`VALUE ~ '^[a-z]+$'`, `VALUE BETWEEN 1 AND 5`); the others cover the common shapes.
 */
export function valueGenerators(column: SeedColumn): Array<(n: number, row: number) => string> {
  const usual = valueGenerator(column);
  if (!usual) return [];
  if (column.domain_checks.length === 0) return [usual];
  if (column.enum_labels.length > 0) return column.enum_labels.map((label) => () => label);
  if (column.category === 'S') {
    const maxLength = column.typmod >= 4 ? column.typmod - 4 : null;
    const fit = (value: string) => (maxLength === null ? value : value.slice(-maxLength));
    return [usual, (n) => fit(letters(n)), (n) => fit(letters(n).toUpperCase()), (n) => String(n), (n) => `seed${n}@example.com`];
  }
  if (column.category === 'N') return [usual, (n) => String(((n - 1) % 5) + 1), (n) => String(-n), () => '0'];
  return [usual];
}

/** `n` in bijective base 26: a, b, ..., z, aa, ab: distinct letters-only values. */
function letters(n: number): string {
  let text = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) text = String.fromCharCode(97 + ((rest - 1) % 26)) + text;
  return text || 'a';
}
