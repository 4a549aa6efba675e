import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathFromRoot } from '../src/project-path.js';

describe('pathFromRoot', () => {
  const root = resolve('/work/app');

  it('shows a path under the root relative to it, whether given absolute or relative', () => {
    expect(pathFromRoot(root, join(root, 'drizzle', '0002_tags.sql'))).toBe(join('drizzle', '0002_tags.sql'));
    expect(pathFromRoot(root, join('drizzle', '..', 'src', 'schema.ts'))).toBe(join('src', 'schema.ts'));
  });

  it('keeps a path outside the root absolute, instead of climbing out with ../', () => {
    expect(pathFromRoot(root, resolve('/tmp/setup.sql'))).toBe(resolve('/tmp/setup.sql'));
    expect(pathFromRoot(root, join('..', 'shared', 'setup.sql'))).toBe(resolve('/work/shared/setup.sql'));
    expect(pathFromRoot(root, resolve('/work/app-old/x.sql'))).toBe(resolve('/work/app-old/x.sql'));
  });

  it('does not mistake a name that starts with two dots for the parent folder', () => {
    expect(pathFromRoot(root, join(root, '..hidden.sql'))).toBe('..hidden.sql');
  });
});
