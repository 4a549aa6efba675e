import { describeError, OrmAiError } from '@orm-ai/core';
import type { ErrorRegistry } from '@prisma/driver-adapter-utils';
import { lastSchemaEnginePanic } from './load-engine.js';
import type { PrismaMigrationSource } from './migration-list.js';
import type { ScriptFailure } from './script-runner.js';

export interface EngineFailureOptions {
  /** What was being done, for the message: `create the migration`. */
  readonly action: string;
  readonly error: unknown;
  /** The script a database rejected during the call, if one did. */
  readonly failure: ScriptFailure | undefined;
  /** The migrations the call was given, to name the one whose script failed. */
  readonly migrations: readonly PrismaMigrationSource[];
  /** What to tell the user when a migration failed (the default speaks of the shadow). */
  readonly rejectedHint?: string;
  /** The bound adapter factory's registry: JavaScript errors the engine names by id. */
  readonly errorRegistry?: ErrorRegistry;
}

/**
 * One `OrmAiError` for anything the engine threw: `SHADOW_REJECTED_MIGRATION` naming the
 * migration, statement and database error when a database rejected a migration script,
 * else `MIGRATION_GENERATE_FAILED` with the engine's message (its Rust trace removed).
 */
export function engineFailure(options: EngineFailureOptions): OrmAiError {
  const { action, error, failure, migrations } = options;
  if (error instanceof OrmAiError) return error;
  if (failure) {
    const name = migrationNameOf(failure, migrations, error);
    const at = failure.line === null ? '' : ` (line ${failure.line})`;
    const statement = failure.statement === null ? '' : `\n  ${failure.statement.replaceAll('\n', '\n  ')}`;
    return new OrmAiError('SHADOW_REJECTED_MIGRATION', `migration ${name}${at} failed on ${failure.where}:${statement}\nwith: ${failure.databaseError}`, {
      hint: options.rejectedHint ?? 'Nothing was written. Fix that migration.sql (or the plan that produced it): the migration history must replay on an empty database.',
      cause: error,
    });
  }
  return new OrmAiError('MIGRATION_GENERATE_FAILED', `Prisma's schema engine could not ${action}: ${engineMessage(error, options.errorRegistry)}`, {
    hint: 'Check that the schema validates (prisma validate) and that the migrations are Prisma migrations for PostgreSQL.',
    cause: error,
  });
}

/**
 * The engine's message: its error code first when it has one, without the Rust span trace,
 * and with the JavaScript errors it names (`External error id#3`) spelled out.
 */
export function engineMessage(error: unknown, errorRegistry?: ErrorRegistry): string {
  // A Rust panic reaches JavaScript as WebAssembly's `RuntimeError: unreachable`.
  if (error instanceof Error && error.name === 'RuntimeError') return `the engine panicked: ${lastSchemaEnginePanic() ?? error.message}`;
  const message = describeError(error);
  const lines = message.split('\n');
  // The trace starts at the first `   0: crate::module::function` line.
  const traceStart = lines.findIndex((line) => /^\s+\d+: \S+::/.test(line));
  const text = (traceStart < 0 ? lines : lines.slice(0, traceStart))
    .join('\n')
    .trim()
    .replace(/External error id#(\d+)/g, (original, id: string) => {
      const record = errorRegistry?.consumeError(Number(id));
      return record ? describeError(record.error) : original;
    });
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? `${code}: ${text}` : text;
}

function migrationNameOf(failure: ScriptFailure, migrations: readonly PrismaMigrationSource[], error: unknown): string {
  const bySql = migrations.filter((migration) => migration.sql === failure.script);
  if (bySql.length === 1 && bySql[0]) return bySql[0].directoryName;
  // Two migrations with the same text: the engine's message names the one it ran.
  const message = describeError(error);
  const named = /Migration `([^`]+)`/.exec(message)?.[1] ?? /migration_name="([^"]+)"/.exec(message)?.[1];
  return named ?? bySql[0]?.directoryName ?? '(unknown)';
}
