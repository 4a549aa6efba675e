import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refuseUnparsableSources, syntaxErrorsIn } from '../src/typescript/syntax-errors.js';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'orm-ai-syntax-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const table = "import { pgTable, text } from 'drizzle-orm/pg-core';\n\nexport const books = pgTable('books', {\n  title: text('title'),\n});\n";

describe('syntaxErrorsIn', () => {
  it('is empty for files that parse, whatever their types (nothing is resolved)', () => {
    const root = project({ 'schema.ts': `${table}export const n: number = 'not checked here';\n` });
    expect(syntaxErrorsIn({ projectRoot: root, files: ['schema.ts'] })).toEqual([]);
  });

  it('gives the file, line and column of the error, and the compiler\'s words, as tsc prints them', () => {
    const root = project({ 'src/schema.ts': table.replace("  title: text('title'),", "  title: text('title'),,") });
    expect(syntaxErrorsIn({ projectRoot: root, files: [join(root, 'src/schema.ts')] })).toEqual(['src/schema.ts:4:24 - error TS1136: Property assignment expected.']);
  });

  it('checks the project files the schema imports by relative path, not node_modules', () => {
    const root = project({
      'schema.ts': `export * from './tables/books';\nimport { ids } from './ids.js';\nimport 'some-package';\nvoid ids;\n`,
      'tables/books.ts': table,
      'ids.ts': 'export const ids = [1, 2;\n',
      'node_modules/some-package/index.ts': 'export const broken = ;\n',
    });
    expect(syntaxErrorsIn({ projectRoot: root, files: ['schema.ts'] })).toEqual(["ids.ts:1:25 - error TS1005: ',' expected."]);
  });
});

describe('refuseUnparsableSources', () => {
  it('throws SCHEMA_READ_FAILED with every position, and a hint to fix the file', () => {
    const root = project({ 'schema.ts': 'export const a = (;\nexport const b = {,};\n' });
    let thrown: unknown;
    try {
      refuseUnparsableSources({ projectRoot: root, files: ['schema.ts'] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'SCHEMA_READ_FAILED', hint: expect.stringContaining('Fix the syntax error in your file') });
    expect((thrown as Error).message).toMatch(/schema\.ts:1:\d+ - error TS\d+: .*\n.*schema\.ts:2:\d+ - error TS\d+: /);
  });

  it('passes files that parse', () => {
    const root = project({ 'schema.ts': table });
    expect(() => refuseUnparsableSources({ projectRoot: root, files: ['schema.ts'] })).not.toThrow();
  });
});
