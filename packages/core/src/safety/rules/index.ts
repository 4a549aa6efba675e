import type { SafetyRuleDefinition } from '../safety-rule.js';
import { addColumnNotNullWithoutDefault } from './add-column-not-null-without-default/add-column-not-null-without-default.js';
import { addColumnRewritesTable } from './add-column-rewrites-table/add-column-rewrites-table.js';
import { alterColumnTypeRewritesTable } from './alter-column-type-rewrites-table/alter-column-type-rewrites-table.js';
import { attachPartitionScans } from './attach-partition-scans/attach-partition-scans.js';
import { concurrentlyInTransaction } from './concurrently-in-transaction/concurrently-in-transaction.js';
import { constraintNotValidMissing } from './constraint-not-valid-missing/constraint-not-valid-missing.js';
import { createIndexNotConcurrent } from './create-index-not-concurrent/create-index-not-concurrent.js';
import { domainConstraintScansTables } from './domain-constraint-scans-tables/domain-constraint-scans-tables.js';
import { dropCascade } from './drop-cascade/drop-cascade.js';
import { dropColumn } from './drop-column/drop-column.js';
import { dropIndexNotConcurrent } from './drop-index-not-concurrent/drop-index-not-concurrent.js';
import { dropTable } from './drop-table/drop-table.js';
import { enumValueAddedInTransaction } from './enum-value-added-in-transaction/enum-value-added-in-transaction.js';
import { exclusionConstraintInPlace } from './exclusion-constraint-in-place/exclusion-constraint-in-place.js';
import { foreignKeyWithoutIndex } from './foreign-key-without-index/foreign-key-without-index.js';
import { indexRebuild } from './index-rebuild/index-rebuild.js';
import { lockTimeoutMissing } from './lock-timeout-missing/lock-timeout-missing.js';
import { preferJsonb } from './prefer-jsonb/prefer-jsonb.js';
import { preferTimestamptz } from './prefer-timestamptz/prefer-timestamptz.js';
import { reindexNotConcurrent } from './reindex-not-concurrent/reindex-not-concurrent.js';
import { renameColumn } from './rename-column/rename-column.js';
import { renameEnumValue } from './rename-enum-value/rename-enum-value.js';
import { renameTable } from './rename-table/rename-table.js';
import { restartSequence } from './restart-sequence/restart-sequence.js';
import { setNotNullScansTable } from './set-not-null-scans-table/set-not-null-scans-table.js';
import { sqliteCascadeDeletesRows } from './sqlite-cascade-deletes-rows/sqlite-cascade-deletes-rows.js';
import { sqliteForeignKeyCheckMissing } from './sqlite-foreign-key-check-missing/sqlite-foreign-key-check-missing.js';
import { sqliteRecreationCopyMismatch } from './sqlite-recreation-copy-mismatch/sqlite-recreation-copy-mismatch.js';
import { sqliteUnsupportedAlter } from './sqlite-unsupported-alter/sqlite-unsupported-alter.js';
import { statementFailed } from './statement-failed/statement-failed.js';
import { tableRewrite } from './table-rewrite/table-rewrite.js';
import { transactionNesting } from './transaction-nesting/transaction-nesting.js';
import { truncateTable } from './truncate-table/truncate-table.js';
import { unbatchedBackfill } from './unbatched-backfill/unbatched-backfill.js';
import { uniqueWithoutUsingIndex } from './unique-without-using-index/unique-without-using-index.js';
import { vacuumFullOrCluster } from './vacuum-full-or-cluster/vacuum-full-or-cluster.js';

/**
 * The one list of safety rules, each a folder beside this file holding the rule, its
 * dangerous and safe fixtures and their golden findings. The analysis loops over this list;
 * adding a rule is adding its folder and its line here. Within a phase, findings come in
 * this order.
 */
export const SAFETY_RULES = [
  createIndexNotConcurrent,
  dropIndexNotConcurrent,
  concurrentlyInTransaction,
  enumValueAddedInTransaction,
  reindexNotConcurrent,
  vacuumFullOrCluster,
  addColumnNotNullWithoutDefault,
  addColumnRewritesTable,
  alterColumnTypeRewritesTable,
  setNotNullScansTable,
  constraintNotValidMissing,
  uniqueWithoutUsingIndex,
  exclusionConstraintInPlace,
  domainConstraintScansTables,
  attachPartitionScans,
  dropTable,
  dropColumn,
  truncateTable,
  renameTable,
  renameColumn,
  renameEnumValue,
  restartSequence,
  unbatchedBackfill,
  preferJsonb,
  foreignKeyWithoutIndex,
  tableRewrite,
  indexRebuild,
  dropCascade,
  lockTimeoutMissing,
  transactionNesting,
  preferTimestamptz,
  statementFailed,
] as const;

/**
 * SQLite's rules, judged by SQLite's analysis (`dialect/sqlite/analyze-migration.ts`) on
 * each statement once it ran; `statement-failed` is shared with PostgreSQL's list.
 */
export const SQLITE_SAFETY_RULES = [sqliteUnsupportedAlter, sqliteRecreationCopyMismatch, sqliteCascadeDeletesRows, sqliteForeignKeyCheckMissing, statementFailed] as const;

export type SafetyRuleId = (typeof SAFETY_RULES)[number]['id'] | (typeof SQLITE_SAFETY_RULES)[number]['id'];

export const SAFETY_RULE_IDS: readonly SafetyRuleId[] = [...new Set([...SAFETY_RULES, ...SQLITE_SAFETY_RULES].map((rule) => rule.id))];

const BY_ID = new Map<string, SafetyRuleDefinition>([...SAFETY_RULES, ...SQLITE_SAFETY_RULES].map((rule) => [rule.id, rule]));

/** The rule with this id; undefined for ids that are not ours (Prisma's `prisma/data-loss`). */
export function safetyRule(id: string): SafetyRuleDefinition | undefined {
  return BY_ID.get(id);
}
