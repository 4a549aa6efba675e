import {
  DriverAdapterError,
  isDriverAdapterError,
  type ConnectionInfo,
  type Error as DriverError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';

/**
 * PostgreSQL's fields on an error, as PGlite and node-postgres throw them (pg-protocol's
 * `DatabaseError`), from whichever copy of either package threw it.
 */
interface PostgresErrorFields {
  readonly code: string;
  readonly message: string;
  readonly severity: string;
  readonly detail?: string | undefined;
  readonly column?: string | undefined;
  readonly hint?: string | undefined;
  readonly constraint?: string | undefined;
}

function isPostgresError(error: unknown): error is PostgresErrorFields {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, severity } = error as Record<string, unknown>;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof message === 'string' && typeof severity === 'string';
}

/** The first double-quoted name in a PostgreSQL message: `relation "users" does not exist` → users. */
function quotedName(message: string): string | undefined {
  return /"([^"]*)"/.exec(message)?.[1];
}

/** `Key (a, b)=(...)` in a constraint error's detail → [a, b]. */
function keyFields(detail: string | undefined): { fields: string[] } | undefined {
  const fields = detail?.match(/Key \(([^)]+)\)/)?.[1]?.split(', ');
  return fields ? { fields } : undefined;
}

/**
 * The typed error Prisma's engines read, for a PostgreSQL error: the same kinds, by SQLSTATE,
 * as `pglite-prisma-adapter` 0.7 and `@prisma/adapter-pg` 7 give.
 */
export function driverErrorOf(error: PostgresErrorFields): DriverError {
  const original = { originalCode: error.code, originalMessage: error.message };
  switch (error.code) {
    case '22001':
      return { ...original, kind: 'LengthMismatch', ...(error.column ? { column: error.column } : {}) };
    case '22003':
      return { ...original, kind: 'ValueOutOfRange', cause: error.message };
    case '22P02':
      return { ...original, kind: 'InvalidInputValue', message: error.message };
    case '23505':
      return { ...original, kind: 'UniqueConstraintViolation', constraint: keyFields(error.detail) };
    case '23502':
      return { ...original, kind: 'NullConstraintViolation', constraint: keyFields(error.detail) };
    case '23503': {
      const constraint = error.column ? { fields: [error.column] } : error.constraint ? { index: error.constraint } : undefined;
      return { ...original, kind: 'ForeignKeyConstraintViolation', constraint };
    }
    case '3D000':
      return { ...original, kind: 'DatabaseDoesNotExist', db: quotedName(error.message) };
    case '40001':
      return { ...original, kind: 'TransactionWriteConflict' };
    // `migrate dev` reads this one: it is how the engine learns to create `_prisma_migrations`.
    case '42P01':
      return { ...original, kind: 'TableDoesNotExist', table: quotedName(error.message) };
    case '42703':
      return { ...original, kind: 'ColumnNotFound', column: quotedName(error.message) };
    case '42P04':
      return { ...original, kind: 'DatabaseAlreadyExists', db: quotedName(error.message) };
    default:
      return { ...original, kind: 'postgres', code: error.code, severity: error.severity, message: error.message, detail: error.detail, column: error.column, hint: error.hint };
  }
}

/** Rethrows a PostgreSQL error the adapter left untyped as the `DriverAdapterError` it should have been. */
function typed(error: unknown): never {
  if (!isDriverAdapterError(error as Error) && isPostgresError(error)) throw new DriverAdapterError(driverErrorOf(error));
  throw error;
}

async function typing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    return typed(error);
  }
}

class TypedErrorsTransaction implements Transaction {
  createSavepoint?: (name: string) => Promise<void>;
  rollbackToSavepoint?: (name: string) => Promise<void>;
  releaseSavepoint?: (name: string) => Promise<void>;

  constructor(private readonly inner: Transaction) {
    // Optional in the contract: offered only when the inner transaction offers them.
    for (const method of ['createSavepoint', 'rollbackToSavepoint', 'releaseSavepoint'] as const) {
      const own = inner[method];
      if (own) this[method] = (name: string) => typing(() => own.call(inner, name));
    }
  }

  get provider(): Transaction['provider'] {
    return this.inner.provider;
  }

  get adapterName(): string {
    return this.inner.adapterName;
  }

  get options(): Transaction['options'] {
    return this.inner.options;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return typing(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return typing(() => this.inner.executeRaw(query));
  }

  commit(): Promise<void> {
    return typing(() => this.inner.commit());
  }

  rollback(): Promise<void> {
    return typing(() => this.inner.rollback());
  }
}

/**
 * `pglite-prisma-adapter` types an error only when it is an instance of the
 * `@electric-sql/pglite` copy the adapter itself resolves. In a user's project that is
 * rarely ours: Prisma 7's CLI (through `@prisma/dev`) puts its own PGlite 0.4 at the top of
 * `node_modules`, where the adapter finds it, while the shadow runs on `@orm-ai/core`'s 0.5.
 * Untyped, a "relation _prisma_migrations does not exist" stops the engine instead of telling
 * it to create the table. This wrapper types such errors by their fields, whoever threw them.
 */
export class TypedErrorsAdapter implements SqlDriverAdapter {
  constructor(private readonly inner: SqlDriverAdapter) {}

  get provider(): SqlDriverAdapter['provider'] {
    return this.inner.provider;
  }

  get adapterName(): string {
    return this.inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return typing(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return typing(() => this.inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return typing(() => this.inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return new TypedErrorsTransaction(await typing(() => this.inner.startTransaction(isolationLevel)));
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
