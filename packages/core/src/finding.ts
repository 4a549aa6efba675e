/**
 * A safety finding on a migration: from the ORM's own engine (Prisma's data-loss
 * warnings) or, once it lands, from the safety analysis. Returned as data, never thrown.
 */
export interface Finding {
  /** A stable id: `prisma/data-loss`. */
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** The safe alternative, in the ORM's own terms where there is one. */
  readonly fix: string;
}
