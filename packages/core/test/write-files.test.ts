import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFilesAtomically } from '../src/write-files.js';

function project() {
  const root = mkdtempSync(join(tmpdir(), 'orm-ai-write-'));
  writeFileSync(join(root, 'schema.ts'), 'old schema');
  mkdirSync(join(root, 'drizzle'));
  writeFileSync(join(root, 'drizzle', 'journal.json'), 'old journal');
  return root;
}

function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = readFileSync(path, 'utf8');
    }
  };
  walk(root, '');
  return files;
}

describe('writeFilesAtomically', () => {
  it('writes new and changed files, creating folders', async () => {
    const root = project();
    await writeFilesAtomically([
      { path: join(root, 'schema.ts'), role: 'source', before: 'old schema', after: 'new schema' },
      { path: join(root, 'drizzle', 'meta', '0001_snapshot.json'), role: 'metadata', before: null, after: '{}' },
    ]);
    expect(tree(root)).toEqual({ 'schema.ts': 'new schema', 'drizzle/journal.json': 'old journal', 'drizzle/meta/0001_snapshot.json': '{}' });
  });

  it('puts everything back when one write fails part-way', async () => {
    const root = project();
    const before = tree(root);
    // A directory where a file should go makes the last rename fail after the others succeeded.
    mkdirSync(join(root, 'drizzle', 'blocked.sql'));
    writeFileSync(join(root, 'drizzle', 'blocked.sql', 'x'), 'occupied');
    const error = await writeFilesAtomically([
      { path: join(root, 'schema.ts'), role: 'source', before: 'old schema', after: 'new schema' },
      { path: join(root, 'drizzle', 'meta', 'snap.json'), role: 'metadata', before: null, after: '{}' },
      { path: join(root, 'drizzle', 'blocked.sql'), role: 'migration', before: null, after: 'sql' },
    ]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringContaining('every change was undone') });
    expect(tree(root)).toEqual({ ...before, 'drizzle/blocked.sql/x': 'occupied' });
    expect(existsSync(join(root, 'drizzle', 'meta'))).toBe(false);
  });

  it('refuses to write over a file that changed since the plan was made', async () => {
    const root = project();
    writeFileSync(join(root, 'schema.ts'), 'edited by someone meanwhile');
    await expect(writeFilesAtomically([{ path: join(root, 'schema.ts'), role: 'source', before: 'old schema', after: 'new schema' }])).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(readFileSync(join(root, 'schema.ts'), 'utf8')).toBe('edited by someone meanwhile');
  });

  it('refuses to create a file that appeared meanwhile', async () => {
    const root = project();
    writeFileSync(join(root, 'new.sql'), 'someone else');
    await expect(writeFilesAtomically([{ path: join(root, 'new.sql'), role: 'migration', before: null, after: 'ours' }])).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    expect(readFileSync(join(root, 'new.sql'), 'utf8')).toBe('someone else');
  });
});
