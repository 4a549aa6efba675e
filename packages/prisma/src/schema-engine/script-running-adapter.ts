import type { ConnectionInfo, IsolationLevel, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import { parseSql } from '@orm-ai/core';
import { runMigrationScript, type ScriptFailureLog, type ScriptTarget } from './script-runner.js';

export interface ScriptRunningAdapterOptions {
  /** Where `executeScript` runs the engine's migration scripts. */
  readonly target: ScriptTarget;
  readonly failures: ScriptFailureLog;
  /** Runs after the inner adapter is disposed: the engine disposes a shadow after each use. */
  readonly onDispose?: () => Promise<void>;
}

/**
 * A driver adapter whose `executeScript` sends the migration as one awaited script (see
 * `runMigrationScript`), as are raw queries holding several statements (see `isScript`);
 * other queries and transactions go to the inner adapter unchanged.
 * Neither adapter's own `executeScript` fits: `pglite-prisma-adapter` 0.7.2 does not await
 * the script, and `@prisma/adapter-pg` 7.10 splits it on every `;` (string literals and
 * function bodies included) and runs the pieces outside any transaction.
 */
export class ScriptRunningAdapter implements SqlDriverAdapter {
  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly options: ScriptRunningAdapterOptions,
  ) {}

  get provider(): SqlDriverAdapter['provider'] {
    return this.inner.provider;
  }

  get adapterName(): string {
    return this.inner.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    if (await isScript(query)) {
      await this.executeScript(query.sql);
      return { columnNames: [], columnTypes: [], rows: [] };
    }
    return this.inner.queryRaw(query);
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    if (await isScript(query)) {
      await this.executeScript(query.sql);
      return 0;
    }
    return this.inner.executeRaw(query);
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.inner.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  executeScript(script: string): Promise<void> {
    return runMigrationScript({ script, target: this.options.target, failures: this.options.failures });
  }

  async dispose(): Promise<void> {
    try {
      await this.inner.dispose();
    } finally {
      await this.options.onDispose?.();
    }
  }
}

/**
 * Prisma 6's engine (7.1.x) replays migrations on the shadow as one raw query without
 * parameters, not through `executeScript`: a prepared statement, which PostgreSQL refuses
 * for several commands (PGlite: "cannot insert multiple commands into a prepared
 * statement"). Such a query runs as a script instead; a single statement goes on unchanged.
 */
async function isScript(query: SqlQuery): Promise<boolean> {
  if (query.args.length > 0 || !query.sql.includes(';')) return false;
  const parsed = await parseSql(query.sql).catch(() => null);
  return parsed?.ok === true && parsed.statements.length > 1;
}
