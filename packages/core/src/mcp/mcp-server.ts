import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { describeError, OrmAiError } from '../errors.js';
import { knownNames, redactDatabaseText, textForModel, type KnownNames } from '../llm/model-facing.js';
import { renderSchemaForPrompt } from '../llm/render-schema.js';
import type { OrmPlugin } from '../orm-plugin.js';
import { checkMigrations } from '../pipeline/check.js';
import { generateMigration } from '../pipeline/generate.js';
import { formatPlanProblems, parsePlan, validatePlan, type PlanProblem } from '../plan-validation.js';
import { pathFromRoot } from '../project-path.js';
import { jsonReportOf } from '../report/json-report.js';
import { modelFacingCheckOutcome, modelFacingReport } from '../report/model-facing-report.js';
import { checkJsonReport } from '../report/safety-report.js';
import type { SchemaModel } from '../schema-model.js';
import { openProjectWithDialect } from '../pipeline/read-project.js';
import { keepTypecheckerWarm, stopWarmTypechecker } from '../typescript/source-typecheck.js';

export interface McpServerOptions {
  readonly plugin: OrmPlugin;
  /** The name the server gives clients: the bin, `drizzle-ai`. */
  readonly name?: string | undefined;
  readonly cwd: string;
  /** The ORM config the user named (`--config`, `--schema`, `-d`), relative to `cwd`. */
  readonly configPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default: this process's stdin and stdout. */
  readonly transport?: Transport | undefined;
}

export interface RunningMcpServer {
  /** Settles when the client hangs up (stdin ends) or `close` is called. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const PLAN_FORMAT =
  'A change plan: { version: 1, request, summary, changes: [...], migrationSteps?: [...] }, as `--plan FILE` takes it ' +
  '(docs/plan.md; JSON Schema: @orm-ai/core/plan.schema.json).';

/**
 * The pipeline as MCP tools for coding agents: the agent writes the plan (no model is
 * called, no API key is needed) and the server reads the schema, validates, proves the
 * migration on a shadow database and judges existing migrations. Nothing is ever written
 * to the project: generate_migration returns the files for the agent to review and write.
 * The answers go to a model, so they carry what a repair prompt may: counts instead of row
 * values, and the database's messages with their values redacted (`llm/model-facing.ts`).
 */
export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  // An agent calls the tools again and again on one project, as a daemon's clients do: the
  // type checker's program outlives each call, so a later call checks without loading it again.
  keepTypecheckerWarm();
  const server = new McpServer({ name: options.name ?? 'orm-ai', version });
  registerTools(server, options);
  const stdio = options.transport ? undefined : processStdio();
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => {
      stdio?.release();
      void stopWarmTypechecker().finally(resolve);
    };
  });
  await server.connect(options.transport ?? stdio!.transport);
  return { closed, close: () => server.close() };
}

function registerTools(server: McpServer, options: McpServerOptions): void {
  const { plugin, cwd, configPath, env } = options;
  const readSchema = async (): Promise<SchemaModel> => (await openProjectWithDialect(plugin, { cwd, configPath, env })).project.readSchema();
  const readOnly = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };
  const planInput = z.record(z.string(), z.unknown()).describe(PLAN_FORMAT);
  const requestInput = z.string().optional().describe("The user's request in words; drops are allowed only when it asks for them. Default: the plan's own request.");
  const shadowUrlInput = z.string().optional().describe('A PostgreSQL server to build the shadow database on. Default: embedded PGlite.');

  server.registerTool(
    'read_schema',
    {
      description: `The ${plugin.displayName} project's schema, read from its source (never from a database): the model as JSON, and as the compact DDL-like text the planner prompt shows.`,
      annotations: readOnly,
    },
    () =>
      toolResult(async () => {
        const schema = await readSchema();
        return { schema, schemaText: renderSchemaForPrompt(schema) };
      }),
  );

  server.registerTool(
    'validate_plan',
    {
      description: 'Checks a change plan against the format and the current schema, without running anything. Returns { ok, problems: [{ path, message }] }.',
      inputSchema: { plan: planInput, request: requestInput },
      annotations: readOnly,
    },
    ({ plan, request }) =>
      toolResult(async () => {
        const problems = await planProblems(plan, await readSchema(), request);
        return { ok: problems.length === 0, problems };
      }),
  );

  server.registerTool(
    'generate_migration',
    {
      description:
        `Runs a change plan as a dry run: edits the ${plugin.displayName} schema source in memory, lets the ORM's own tool generate the migration, ` +
        'and proves it (up, safety analysis, down) on a shadow database holding every existing migration. Writes nothing: returns the JSON report ' +
        '(upSql, downSql, reversible, findings, analysis) and fileChanges, each file\'s path (relative to the project directory) and full new content, to review and write.',
      inputSchema: {
        plan: planInput,
        request: requestInput,
        name: z.string().optional().describe("The migration's name, in snake_case. Default: from the plan's changes (add_posts_tags, create_bookmarks), at most 40 characters."),
        shadowUrl: shadowUrlInput,
        safe: z.boolean().optional().describe('Rewrite what the safety analysis flags into safe forms (CREATE INDEX CONCURRENTLY, NOT VALID then VALIDATE, batched backfills), split into migrations that follow the ORM\'s.'),
        allowUnsafe: z.boolean().optional().describe('Return the migration even when the safety analysis reports errors.'),
        allowDataLoss: z.boolean().optional().describe('Allow steps that destroy data (the request must ask for them too) and measured data loss.'),
        allowIrreversible: z.boolean().optional().describe('Return the migration even when its down does not restore the schema and the data.'),
      },
      annotations: readOnly,
    },
    ({ plan, request, name, shadowUrl, safe, allowUnsafe, allowDataLoss, allowIrreversible }) => {
      // What an error may name: the agent's own plan, and the schema once read.
      let known = knownNames({ plan });
      return toolResult(async () => {
        const schema = await readSchema();
        known = knownNames({ model: schema, plan });
        // Checked here first so a bad plan comes back as validate_plan's problems, not a file error.
        const problems = await planProblems(plan, schema, request);
        if (problems.length > 0) {
          throw new OrmAiError('PLAN_REJECTED', `the plan cannot run:\n${formatPlanProblems(problems)}`, { hint: 'Fix the plan (validate_plan lists the problems); nothing was changed.' });
        }
        // The pipeline reads plans from files; this one lives outside the project, which stays untouched.
        const folder = await mkdtemp(join(tmpdir(), 'orm-ai-mcp-plan-'));
        try {
          const planFile = join(folder, 'plan.json');
          await writeFile(planFile, JSON.stringify(plan));
          const outcome = await generateMigration({ plugin, cwd, configPath, env, planFile, request, name, shadowUrl, safe, allowUnsafe, allowDataLoss, allowIrreversible });
          const sql = [...outcome.upStatements, ...outcome.downStatements];
          return {
            ...modelFacingReport(jsonReportOf({ outcome, root: cwd, written: false }), knownNames({ model: schema, plan: outcome.plan, sql })),
            fileChanges: outcome.files.map((file) => ({ path: pathFromRoot(cwd, file.path), role: file.role, isNew: file.before === null, after: file.after })),
          };
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      }, () => known);
    },
  );

  server.registerTool(
    'check_migrations',
    {
      description:
        "The safety analysis (locks, table rewrites, findings with safer fixes) of the project's migrations, each judged on a shadow database " +
        'in the state its predecessors leave; or of loose SQL files, each on a fresh shadow built from `setup`.',
      inputSchema: {
        files: z.array(z.string()).optional().describe("SQL files to judge, relative to the project directory. Default: the project's migrations."),
        setup: z.string().optional().describe('With files: an SQL file applied before each one, never judged.'),
        since: z.string().optional().describe('Without files: judge this migration (id or id prefix) and the newer ones only.'),
        shadowUrl: shadowUrlInput,
      },
      annotations: readOnly,
    },
    ({ files, setup, since, shadowUrl }) => {
      let known = knownNames({});
      return toolResult(async () => {
        // Loose SQL files need no project: the schema only helps keep names in the database's messages.
        const model = await readSchema().catch(() => undefined);
        known = knownNames({ model });
        const outcome = await checkMigrations({ plugin, cwd, configPath, files: files ?? [], setupFile: setup, since, shadowUrl, env });
        return { ...checkJsonReport(modelFacingCheckOutcome(outcome, { model })) };
      }, () => known);
    },
  );
}

/** Format problems first; a plan that parses is then checked against the schema. */
async function planProblems(document: unknown, model: SchemaModel, request: string | undefined): Promise<PlanProblem[]> {
  const parsed = parsePlan(document);
  if (!parsed.ok) return parsed.problems;
  return validatePlan({ plan: parsed.plan, model, request });
}

/**
 * A tool's answer as JSON text and as structured content. An `OrmAiError` becomes an error
 * result the agent can act on (code, message as a model may read it, hint); the SDK turns
 * anything else into one, with its message redacted. `known`: the names a message may keep.
 */
async function toolResult(work: () => Promise<Record<string, unknown>>, known: () => KnownNames = () => knownNames({})): Promise<CallToolResult> {
  try {
    return jsonContent(await work());
  } catch (error) {
    // The SDK sends any other error's message as it is: it may quote the database too.
    if (!(error instanceof OrmAiError)) throw new Error(redactDatabaseText(describeError(error), known()), { cause: error });
    return { ...jsonContent({ ok: false, error: { code: error.code, message: textForModel(error, known()), hint: error.hint ?? null } }), isError: true };
  }
}

function jsonContent(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/**
 * This process's stdin and stdout as the transport. While it serves, stdout belongs to the
 * protocol: one stray line from a library under the pipeline (an ORM tool's log) would
 * break the client's parser, so other writes to stdout go to stderr until `release`.
 */
function processStdio(): { transport: Transport; release: () => void } {
  const { stdin, stdout, stderr } = process;
  const ownWrite = stdout.write;
  const protocolWrite = ownWrite.bind(stdout);
  const protocolOut = new Writable({ write: (chunk: Buffer, _encoding, callback) => void protocolWrite(chunk, callback) });
  stdout.write = stderr.write.bind(stderr) as typeof stdout.write;
  const transport = new StdioServerTransport(stdin, protocolOut);
  // The SDK's stdio transport never notices the client hanging up; closing it ends the server.
  const hangUp = () => void transport.close();
  stdin.once('end', hangUp);
  return {
    transport,
    release: () => {
      stdin.off('end', hangUp);
      stdout.write = ownWrite;
    },
  };
}
