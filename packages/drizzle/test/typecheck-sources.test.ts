import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { typecheckSources } from '@orm-ai/core/typescript';
import { packageRoot, fixtures, BLOG, SPLIT_USERS, SPLIT_POSTS, tempDir } from './fixtures.js';


function edit(file: string, transform: (source: string) => string) {
  const before = readFileSync(file, 'utf8');
  return { path: file, before, after: transform(before) };
}

describe('typecheckSources', () => {
  it('accepts the fixtures as they are', () => {
    const edits = [BLOG, SPLIT_USERS, SPLIT_POSTS].map((file) => edit(file, (source) => source));
    expect(typecheckSources({ projectRoot: packageRoot, edits })).toEqual([]);
  });

  it('reports the edited file as tsc does, file:line:column - error TSnnnn: message, relative to the project root', () => {
    const edits = [edit(BLOG, (source) => source.replace("serial('id').primaryKey(),", "serial(42).primaryKey(),"))];
    expect(typecheckSources({ projectRoot: packageRoot, edits })).toEqual([
      "test/fixtures/schemas/blog/schema.ts:24:14 - error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.",
    ]);
  });

  it('checks edited contents, not the files on disk, also for imports between edited files', () => {
    const users = edit(SPLIT_USERS, (source) => `${source}\nexport const usersLabel = 'users';\n`);
    const posts = edit(SPLIT_POSTS, (source) => source.replace("import { users } from './users.js';", "import { users, usersLabel } from './users.js';\nvoid usersLabel;"));
    expect(typecheckSources({ projectRoot: packageRoot, edits: [users, posts] })).toEqual([]);
    // Without the edited users.ts, the import cannot resolve: proof the in-memory version was used above.
    expect(typecheckSources({ projectRoot: packageRoot, edits: [posts] })).toEqual([
      `test/fixtures/schemas/split/posts.ts:2:17 - error TS2305: Module '"./users.js"' has no exported member 'usersLabel'.`,
    ]);
  });

  it('includes every @types package when the tsconfig names none, as the project\'s TypeScript 5 does', () => {
    const root = tempDir('drizzle-ai-typecheck-types-');
    symlinkSync(path.resolve(packageRoot, '..', '..', 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const usesNode = "import { pgTable, text } from 'drizzle-orm/pg-core';\n\nexport const notes = pgTable(process.env.NOTES_TABLE ?? 'notes', { body: text('body') });\n";
    writeFileSync(path.join(root, 'schema.ts'), usesNode);
    writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true } }));
    expect(typecheckSources({ projectRoot: root, edits: [{ path: 'schema.ts', after: usesNode }] })).toEqual([]);
    // A tsconfig that names its types gets those only.
    writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, types: [] } }));
    expect(typecheckSources({ projectRoot: root, edits: [{ path: 'schema.ts', after: usesNode }] })).toEqual([expect.stringMatching(/^schema\.ts:3:\d+ - error TS2591: Cannot find name 'process'/)]);
  });

  it('uses strict defaults and the project node_modules when there is no tsconfig.json', () => {
    const root = tempDir('drizzle-ai-typecheck-');
    symlinkSync(path.resolve(packageRoot, '..', '..', 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const file = path.join(root, 'schema.ts');
    const valid = "import { pgTable, text } from 'drizzle-orm/pg-core';\n\nexport const notes = pgTable('notes', { body: text('body') });\n";
    writeFileSync(file, valid);
    expect(typecheckSources({ projectRoot: root, edits: [{ path: file, after: valid }] })).toEqual([]);
    const implicitAny = `${valid}export function shout(value) {\n  return value;\n}\n`;
    expect(typecheckSources({ projectRoot: root, edits: [{ path: 'schema.ts', after: implicitAny }] })).toEqual([
      "schema.ts:4:23 - error TS7006: Parameter 'value' implicitly has an 'any' type.",
    ]);
  });
});
