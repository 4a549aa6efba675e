import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** Schema fixtures shared by the reader, editor and type-check tests. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const fixtures = path.join(packageRoot, 'test', 'fixtures', 'schemas');
export const BLOG = path.join(fixtures, 'blog', 'schema.ts');
export const SPLIT_USERS = path.join(fixtures, 'split', 'users.ts');
export const SPLIT_POSTS = path.join(fixtures, 'split', 'posts.ts');
export const SPLIT = [SPLIT_USERS, SPLIT_POSTS];

const tempRoots: string[] = [];
afterAll(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});

/** A fresh temp directory, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  tempRoots.push(root);
  return root;
}
