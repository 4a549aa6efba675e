import { PGlite } from '@electric-sql/pglite';
import { isDriverAdapterError, type SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverErrorOf, TypedErrorsAdapter } from '../src/schema-engine/typed-driver-errors.js';

/**
 * A PGlite whose errors come from another copy of @electric-sql/pglite, as in a user's
 * project where the adapter resolves Prisma's own PGlite: the same fields, another class.
 */
function asForeignCopy<T extends object>(client: T): T {
  const foreign = (error: unknown) => {
    const { code, severity, detail, hint, column, message } = error as Record<string, string | undefined>;
    return Object.assign(new Error(message), { name: 'DatabaseError', code, severity, detail, hint, column });
  };
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      // A transaction's queries run on the transaction object PGlite hands the callback.
      if (key === 'transaction') return (callback: (tx: object) => Promise<unknown>) => method.call(target, (tx: object) => callback(asForeignCopy(tx)));
      if (key !== 'query' && key !== 'exec') return method.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await method.apply(target, args);
        } catch (error) {
          throw foreign(error);
        }
      };
    },
  });
}

const MISSING_TABLE = { sql: 'SELECT * FROM "_prisma_migrations"', args: [], argTypes: [] };

describe('PostgreSQL errors from a PGlite the adapter does not know', () => {
  let db: PGlite;
  let adapter: SqlDriverAdapter;
  beforeAll(async () => {
    db = await PGlite.create();
    adapter = (await new PrismaPGlite(asForeignCopy(db)).connect()) as SqlDriverAdapter;
  });
  afterAll(() => db.close());

  it('reach the engine untyped through pglite-prisma-adapter alone', async () => {
    const error = await adapter.queryRaw(MISSING_TABLE).catch((thrown: unknown) => thrown);
    expect(isDriverAdapterError(error as Error)).toBe(false);
    expect(error).toMatchObject({ code: '42P01' });
  });

  it('are typed by their SQLSTATE through TypedErrorsAdapter, the missing table named', async () => {
    const error = await new TypedErrorsAdapter(adapter).queryRaw(MISSING_TABLE).catch((thrown: unknown) => thrown);
    expect(isDriverAdapterError(error as Error)).toBe(true);
    expect((error as { cause: unknown }).cause).toMatchObject({ kind: 'TableDoesNotExist', table: '_prisma_migrations', originalCode: '42P01' });
  });

  it('are typed inside a transaction too', async () => {
    const untyped = await adapter.startTransaction();
    expect(isDriverAdapterError((await untyped.executeRaw(MISSING_TABLE).catch((thrown: unknown) => thrown)) as Error)).toBe(false);
    await untyped.rollback();
    const transaction = await new TypedErrorsAdapter(adapter).startTransaction();
    const error = await transaction.executeRaw(MISSING_TABLE).catch((thrown: unknown) => thrown);
    expect((error as { cause: unknown }).cause).toMatchObject({ kind: 'TableDoesNotExist' });
    await transaction.rollback();
  });

  it('leave errors that are not PostgreSQL\'s as they are', async () => {
    const failing = { provider: 'postgres', adapterName: 'failing', queryRaw: async () => Promise.reject(new TypeError('not a database error')) } as unknown as SqlDriverAdapter;
    await expect(new TypedErrorsAdapter(failing).queryRaw(MISSING_TABLE)).rejects.toThrow(TypeError);
  });
});

describe('driverErrorOf', () => {
  const error = (code: string, message: string, more: object = {}) => ({ code, message, severity: 'ERROR', ...more });

  it('gives the kinds the engines read, by SQLSTATE', () => {
    expect(driverErrorOf(error('23505', 'duplicate key value', { detail: 'Key (email, org)=(a, b) already exists.' }))).toMatchObject({ kind: 'UniqueConstraintViolation', constraint: { fields: ['email', 'org'] } });
    expect(driverErrorOf(error('42703', 'column "nope" does not exist'))).toMatchObject({ kind: 'ColumnNotFound', column: 'nope' });
    expect(driverErrorOf(error('42601', 'syntax error at or near "FROM"', { hint: 'h' }))).toEqual({
      kind: 'postgres', code: '42601', severity: 'ERROR', message: 'syntax error at or near "FROM"', detail: undefined, column: undefined, hint: 'h',
      originalCode: '42601', originalMessage: 'syntax error at or near "FROM"',
    });
  });
});
