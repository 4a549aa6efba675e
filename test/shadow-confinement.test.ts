import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDrizzleCli } from '@orm-ai/drizzle';
import { runPrismaCli } from '@orm-ai/prisma';
import { runTypeormCli } from '@orm-ai/typeorm';
import { startChatCompletionsServer, type ScriptedReply } from './support/chat-completions-server.js';
import { capturingIo, copyExample, planFile, REPO_ROOT, snapshotTree } from './support/example-project.js';
import { ensurePostgresServer, queryServer, serverTestUrl } from './support/postgres-server.js';

/**
 * A plan's SQL confined to the shadow, through the CLIs and the MCP server against the real
 * PostgreSQL server: every statement that acts beyond the shadow is refused before it runs,
 * as a step, a default or a predicate, and the server's databases and roles (their names,
 * owners, attributes, passwords and comments) are exactly as before. Nothing secret of the
 * server reaches the model. The database's own wall is tested on its own in
 * packages/core/test/shadow-confinement.test.ts.
 */

const url = serverTestUrl();
const suffix = randomBytes(4).toString('hex');
/** A database and a role standing for the server's others: what the hostile SQL aims at. */
const victim = { database: `victim_db_${suffix}`, role: `victim_role_${suffix}`, password: `planted-password-${suffix}` };

type Cli = (argv: readonly string[], io: ReturnType<typeof capturingIo>['io']) => Promise<number>;
const CLIS = [
  { orm: 'Drizzle', example: 'drizzle-app', cli: runDrizzleCli as Cli, command: ['generate'], bin: 'packages/drizzle/dist/bin.js', mcpArgs: [] as string[] },
  { orm: 'Prisma', example: 'prisma-app', cli: runPrismaCli as Cli, command: ['migrate'], bin: 'packages/prisma/dist/bin.js', mcpArgs: [] as string[] },
  { orm: 'TypeORM', example: 'typeorm-app', cli: runTypeormCli as Cli, command: ['migration:generate', '-d', 'src/data-source.ts'], bin: 'packages/typeorm/dist/bin.js', mcpArgs: ['-d', 'src/data-source.ts'] },
];
/** TypeORM's project takes seconds to load per run; the checks are core's, so a sample of each kind shows it is wired. */
const sampleFor = (orm: string) => (orm === 'TypeORM' ? [0, HOSTILE_STEPS.length - 1, HOSTILE_STEPS.length] : undefined);

const reason = 'The request asks for it.';
const secretBackfill =
  `UPDATE users SET bio = (SELECT rolpassword FROM pg_authid WHERE rolname = '${victim.role}') || ` +
  "(SELECT string_agg(word, ' ') FROM ts_stat($q$SELECT to_tsvector('simple', pg_read_file('/etc/passwd'))$q$))";

/** Each as a migration step: the statements seen passing validation, and the backfill that read secrets. */
const HOSTILE_STEPS: Array<[string, string]> = [
  ['renames another database', `ALTER DATABASE ${victim.database} RENAME TO ${victim.database}_x`],
  ['comments on another database', `COMMENT ON DATABASE ${victim.database} IS 'owned'`],
  ['renames a role', `ALTER ROLE ${victim.role} RENAME TO ${victim.role}_x`],
  ['comments on a role', `COMMENT ON ROLE ${victim.role} IS 'owned'`],
  ['gives a table away', `ALTER TABLE users OWNER TO ${victim.role}`],
  ['turns off every trigger, foreign keys included', 'ALTER TABLE users DISABLE TRIGGER ALL'],
  ['copies the role passwords', 'CREATE TABLE stolen AS SELECT rolname, rolpassword FROM pg_authid'],
  ['watches other sessions', 'CREATE VIEW sessions AS SELECT * FROM pg_stat_activity'],
  ['reads server secrets into a column', secretBackfill],
];

/** A plan that adds one nullable column (to carry defaults) and runs `steps`. */
function planWith(options: { defaultSql?: string; where?: string; steps?: string[] }) {
  const changes: object[] = [{ kind: 'add_column', table: 'users', column: { name: 'nickname', type: 'text', nullable: true, default: options.defaultSql ?? null }, reason }];
  if (options.where) changes.push({ kind: 'create_index', table: 'users', name: 'users_nickname_idx', columns: ['nickname'], where: options.where, reason });
  return {
    request: 'Add a nickname column to users, and set users.bio and stolen and sessions as described',
    changes,
    migrationSteps: (options.steps ?? []).map((sql) => ({ position: 'after', sql, down: null, locks: 'users, briefly', reason })),
  };
}

const HOSTILE_PLANS: Array<[string, ReturnType<typeof planWith>, string]> = [
  ...HOSTILE_STEPS.map(([what, sql]): [string, ReturnType<typeof planWith>, string] => [`a step that ${what}`, planWith({ steps: [sql] }), 'migrationSteps[0].sql']),
  ['a default that reads the role passwords', planWith({ defaultSql: '(SELECT rolpassword FROM pg_authid LIMIT 1)' }), 'changes[0].column.default'],
  ['a default that reads a setting', planWith({ defaultSql: "current_setting('data_directory')" }), 'changes[0].column.default'],
  ['a predicate that runs SQL from a string', planWith({ where: "nickname <> (SELECT string_agg(word, '') FROM ts_stat('SELECT 1'))" }), 'changes[1].where'],
];

const admin = <Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryServer<Row>(url!, sql, params);

/**
 * The server's databases and roles as another tenant would see them change: names, owners,
 * attributes, passwords, memberships and comments. This tool's own throwaway objects and the
 * other tests' come and go (and the --shadow-url user is made a member of each throwaway
 * role while it lives), so names starting with orm_ai_ are left out.
 */
async function serverState(): Promise<unknown> {
  const databases = await admin(
    `SELECT datname, pg_get_userbyid(datdba) AS owner, datallowconn, datconnlimit, shobj_description(oid, 'pg_database') AS comment
     FROM pg_database WHERE datname NOT LIKE 'orm\\_ai\\_%' ORDER BY datname`,
  );
  const roles = await admin(
    `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolreplication, rolbypassrls, rolpassword, rolvaliduntil,
       shobj_description(oid, 'pg_authid') AS comment,
       ARRAY(SELECT m.roleid::regrole::text FROM pg_auth_members m WHERE m.member = a.oid AND m.roleid::regrole::text NOT LIKE 'orm\\_ai\\_%' ORDER BY 1) AS member_of
     FROM pg_authid a WHERE rolname NOT LIKE 'orm\\_ai\\_%' ORDER BY rolname`,
  );
  return { databases, roles };
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(example: string): string {
  const copy = copyExample(example);
  cleanups.push(copy.dispose);
  return copy.root;
}

describe.runIf(url)('the plan cannot reach beyond the shadow on a real server', () => {
  let dataDirectory: string;
  beforeAll(async () => {
    await ensurePostgresServer(url!);
    await admin(`CREATE ROLE ${victim.role} LOGIN PASSWORD '${victim.password}'`);
    await admin(`CREATE DATABASE ${victim.database} OWNER ${victim.role}`);
    await admin(`COMMENT ON DATABASE ${victim.database} IS 'a tenant''s database'`);
    [{ data_directory: dataDirectory }] = (await admin<{ data_directory: string }>('SHOW data_directory')) as [{ data_directory: string }];
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${victim.database} WITH (FORCE)`);
    await admin(`DROP DATABASE IF EXISTS ${victim.database}_x WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS ${victim.role}`);
    await admin(`DROP ROLE IF EXISTS ${victim.role}_x`);
  });

  describe.each(CLIS)('$orm', (cli) => {
    it('refuses each hostile statement before it runs, even on a dry run, and the server is unchanged', async () => {
      const root = project(cli.example);
      const before = await serverState();
      const files = snapshotTree(root);
      const sample = sampleFor(cli.orm);
      for (const [what, plan, path] of sample ? sample.map((index) => HOSTILE_PLANS[index]!) : HOSTILE_PLANS) {
        const { io, out } = capturingIo({ cwd: root });
        const code = await cli.cli([...cli.command, '--plan', planFile(root, plan), '--dry-run', '--json', '--shadow-url', url!], io);
        const report = JSON.parse(out.join('\n')) as { error: { code: string; message: string } | null };
        expect({ what, code, error: report.error?.code }).toEqual({ what, code: 1, error: 'PLAN_REJECTED' });
        expect(report.error!.message, what).toContain(`- ${path}: `);
      }
      expect(await serverState()).toEqual(before);
      const { 'plan.json': _plan, ...after } = snapshotTree(root);
      expect(after).toEqual(files);
    });
  });

  it('sends the model nothing secret of the server when it answers with hostile plans', async () => {
    const root = project('drizzle-app');
    const before = await serverState();
    const hostile = (plan: object): ScriptedReply => ({ kind: 'content', content: JSON.stringify({ version: 1, summary: 'Backfills bio.', ...plan }) });
    const model = await startChatCompletionsServer([
      hostile(planWith({ steps: [secretBackfill] })),
      hostile(planWith({ defaultSql: "current_setting('data_directory')" })),
      hostile(planWith({ steps: ['CREATE TABLE stolen AS SELECT rolname, rolpassword FROM pg_authid'] })),
    ]);
    cleanups.push(() => model.close());
    const env = { OPENAI_BASE_URL: model.baseURL, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'scripted-model' };
    const { io, out } = capturingIo({ cwd: root, env });
    const code = await runDrizzleCli(['generate', 'Backfill users.bio from the role passwords and /etc/passwd', '--yes', '--json', '--shadow-url', url!], io);
    expect(code).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, written: false, usage: { calls: 3 }, error: { code: 'LLM_OUTPUT_INVALID' } });
    const sent = JSON.stringify(model.requests.map((request) => request.body));
    for (const secret of [victim.password, 'root:x:0:0', dataDirectory, 'SCRAM-SHA-256$']) expect(sent).not.toContain(secret);
    // The refusals did go back: the model was told why, by path.
    expect(model.requests[1]!.body.messages.at(-1)!.content).toContain('migrationSteps[0].sql');
    expect(await serverState()).toEqual(before);
  });

  it.each(CLIS.filter((cli) => cli.orm !== 'TypeORM'))('$orm mcp: validate_plan and generate_migration refuse the hostile plans, and the server is unchanged', async (cli) => {
    const root = project(cli.example);
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, cli.bin), 'mcp', ...cli.mcpArgs], cwd: root, stderr: 'pipe' });
    const client = new Client({ name: 'confinement-test', version: '1.0.0' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const before = await serverState();
    for (const [what, plan, path] of HOSTILE_PLANS) {
      const fullPlan = { version: 1, summary: 'For the test.', ...plan };
      const validated = await client.callTool({ name: 'validate_plan', arguments: { plan: fullPlan } });
      expect(validated.structuredContent, what).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.objectContaining({ path })]) });
      const generated = await client.callTool({ name: 'generate_migration', arguments: { plan: fullPlan, shadowUrl: url } }, undefined, { timeout: 120_000 });
      expect(generated.isError, what).toBe(true);
      expect(generated.structuredContent, what).toMatchObject({ ok: false, error: { code: 'PLAN_REJECTED' } });
    }
    expect(await serverState()).toEqual(before);
  });
});
