import type { Finding } from '../finding.js';
import { knownNames, messageForModel, redactDatabaseText, type KnownNames } from '../llm/model-facing.js';
import type { OrmAiErrorCode } from '../errors.js';
import type { CheckOutcome } from '../pipeline/check.js';
import { DATA_LOSS_RULE, dataLossFindings, reasonInCounts, type RoundTripProof } from '../rollback/prove-round-trip.js';
import type { DataChange } from '../rollback/table-contents.js';
import type { MigrationAnalysis } from '../safety/analyze-migration.js';
import type { SchemaModel } from '../schema-model.js';
import type { GenerateSucceededReport } from './json-report.js';

/**
 * The reports as a model may read them (the MCP tools answer a coding agent): the same
 * shape, with data changes as counts (no example values) and every text that can quote the
 * database redacted (see `redactDatabaseText`). The plan, the SQL and the files stay: they
 * are the agent's own plan and what was derived from it.
 */
export function modelFacingReport(report: GenerateSucceededReport, known: KnownNames): GenerateSucceededReport {
  const rollback = modelFacingProof(report.rollback, known);
  // The data-loss findings are rebuilt from the proof, in counts; the others' messages may quote the database.
  const findings = report.findings.filter((finding) => finding.rule !== DATA_LOSS_RULE).map((finding) => redactFinding(finding, known));
  return {
    ...report,
    irreversibleReason: report.irreversibleReason === null ? null : (rollback.reason ?? redactDatabaseText(report.irreversibleReason, known)),
    rollback,
    findings: [...findings, ...dataLossFindings(rollback, { examples: false })],
    analysis: modelFacingAnalysis(report.analysis, known),
  };
}

/** `check`'s outcome as a model may read it; names in the checked SQL (and the schema, when given) are known. */
export function modelFacingCheckOutcome(outcome: CheckOutcome, sources: { model?: SchemaModel | undefined } = {}): CheckOutcome {
  const sql = outcome.files.flatMap((file) => file.statements.map((statement) => statement.sql));
  const known = knownNames({ model: sources.model, sql });
  return { ...outcome, files: outcome.files.map((file) => modelFacingAnalysis(file, known)) };
}

/** The round trip's evidence in counts: no example values, database errors and catalog text redacted. */
export function modelFacingProof(proof: RoundTripProof, known: KnownNames): RoundTripProof {
  const redact = (text: string) => redactDatabaseText(text, known);
  const reason = reasonInCounts(proof);
  return {
    ...proof,
    reason: reason === null ? null : redact(reason),
    schemaDifferences: proof.schemaDifferences.map(redact),
    dataLoss: proof.dataLoss.map(countsOf),
    notRestored: proof.notRestored.map(countsOf),
    failure: proof.failure && { step: proof.failure.step, message: redact(proof.failure.message) },
  };
}

export function modelFacingAnalysis(analysis: MigrationAnalysis, known: KnownNames): MigrationAnalysis {
  const redact = (text: string) => redactDatabaseText(text, known);
  return {
    ...analysis,
    statements: analysis.statements.map((statement) => ({
      ...statement,
      findings: statement.findings.map((finding) => redactFinding(finding, known)),
      ...(statement.error === undefined ? {} : { error: redact(statement.error) }),
    })),
    unseeded: analysis.unseeded.map((entry) => ({ table: entry.table, reason: redact(entry.reason) })),
  };
}

/** A finding's message may quote the database (statement-failed); its fix is the rule's own words. */
function redactFinding(finding: Finding, known: KnownNames): Finding {
  return { ...finding, message: redactDatabaseText(finding.message, known) };
}

/** Which fields go is listed, not which stay: a field added to `DataChange` later stays out. */
function countsOf(change: DataChange): DataChange {
  return { target: change.target, kind: change.kind, count: change.count, of: change.of };
}
