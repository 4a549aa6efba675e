import type { IndexKeyOptions } from '@orm-ai/core';
import type { DmmfIndex } from './prisma-wasm.js';

/**
 * The model's `keyOptions` of an `@@index` / `@@unique` / `@unique`, read from DMMF's index
 * fields: `sortOrder` (`sort: Desc`) and `operatorClass` (`ops: ...`). Undefined when every
 * key uses PostgreSQL's defaults. Prisma cannot declare NULLS FIRST / LAST, so `nulls` is
 * always the order's default (null).
 *
 * @example
 * // @@index([title(ops: raw("gin_trgm_ops")), createdAt(sort: Desc)], type: Gin)
 * indexKeyOptions(index) // [{ opclass: 'gin_trgm_ops', order: 'asc', nulls: null }, { opclass: null, order: 'desc', nulls: null }]
 */
export function indexKeyOptions(index: DmmfIndex): IndexKeyOptions[] | undefined {
  const keys = index.fields.map(
    (field): IndexKeyOptions => ({
      opclass: field.operatorClass === undefined ? null : postgresOperatorClass(field.operatorClass),
      // DMMF spells it `asc` / `desc` (Prisma 6 and 7); lower-cased in case an engine differs.
      order: field.sortOrder?.toLowerCase() === 'desc' ? 'desc' : 'asc',
      nulls: null,
    }),
  );
  return keys.some((key) => key.opclass !== null || key.order === 'desc') ? keys : undefined;
}

/** A Prisma named operator class: `JsonbPathOps`, `Int4MinMaxMultiOps`, `TimestampTzBloomOps`. */
const PRISMA_NAMED_OPCLASS = /^(?:[A-Z][a-z]*\d*)+Ops$/;

/**
 * PostgreSQL's name for an operator class as DMMF reports it. DMMF gives `ops: raw("x")` as
 * `x` and a named class in Prisma's spelling (`JsonbPathOps`), which Prisma's engine writes as
 * `jsonb_path_ops`: words joined by `_`, with `minmax`, `timestamptz`, `timetz` and `varbit`
 * as one word each (checked against all 56 names Prisma 7.10 knows). A raw name in that
 * PascalCase form is read as a named one: PostgreSQL's operator classes are lower case.
 */
export function postgresOperatorClass(dmmfName: string): string {
  if (!PRISMA_NAMED_OPCLASS.test(dmmfName)) return dmmfName;
  const words = dmmfName.slice(0, -'Ops'.length).match(/[A-Z][a-z]*\d*/g) ?? [];
  const joined = words
    .map((word) => word.toLowerCase())
    .join('_')
    .replace(/min_max/g, 'minmax')
    .replace(/(time|timestamp)_tz/g, '$1tz')
    .replace(/var_bit/g, 'varbit');
  return `${joined}_ops`;
}
