import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, OrmAiError } from '@orm-ai/core';
import { applyPlanToDrizzleSource } from '../src/apply-plan.js';
import { assertSupportedVersions, configFormFor } from '../src/installed-version.js';
import { readDrizzleSchema } from '../src/read-schema.js';
import { tempDir } from './fixtures.js';

/** A project folder whose node_modules holds a drizzle-orm of `version` (only its package.json). */
function projectWithDrizzleOrm(version: string | null): string {
  const root = tempDir('config-form-');
  if (version !== null) {
    mkdirSync(path.join(root, 'node_modules', 'drizzle-orm'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'drizzle-orm', 'package.json'), JSON.stringify({ name: 'drizzle-orm', version }));
  }
  mkdirSync(path.join(root, 'src', 'db'), { recursive: true });
  return path.join(root, 'src', 'db');
}

const PLAIN = `import { pgTable, serial, text } from 'drizzle-orm/pg-core';

export const notes = pgTable('notes', {
  id: serial('id').primaryKey(),
  body: text('body').notNull(),
});
`;

const WITH_OBJECT_CONFIG = `${PLAIN}
export const tags = pgTable('tags', {
  id: serial('id').primaryKey(),
  label: text('label').notNull(),
}, (table) => ({
  labelIdx: index('tags_label_idx').on(table.label),
}));
`.replace("{ pgTable,", '{ index, pgTable,');

function addIndex(file: string, configForm: 'array' | 'object'): string {
  const schema = readDrizzleSchema({ files: [file], configForm });
  const plan = changePlanSchema.parse({
    version: 1,
    request: 'r',
    summary: 's',
    changes: [{ kind: 'create_index', table: 'notes', name: 'notes_body_idx', columns: ['body'], unique: false, method: 'btree', where: null, concurrently: false, reason: 'r' }],
  });
  return applyPlanToDrizzleSource({ schema, plan })[0]!.after;
}

describe('the form of a new table config', () => {
  it('follows the installed drizzle-orm: the object form before 0.36, the array form from then on', () => {
    expect(configFormFor(projectWithDrizzleOrm('0.34.1'))).toBe('object');
    expect(configFormFor(projectWithDrizzleOrm('0.35.3'))).toBe('object');
    expect(configFormFor(projectWithDrizzleOrm('0.36.0'))).toBe('array');
    expect(configFormFor(projectWithDrizzleOrm('0.43.1'))).toBe('array');
    expect(configFormFor(projectWithDrizzleOrm('1.0.0-beta.2'))).toBe('array');
  });

  it('writes `(t) => ({ key: ... })` when the installed drizzle-orm needs it', () => {
    const file = path.join(projectWithDrizzleOrm('0.34.1'), 'schema.ts');
    writeFileSync(file, PLAIN);
    const after = addIndex(file, configFormFor(path.dirname(file)));
    expect(after).toContain("}, (t) => ({\n  notesBodyIdx: index('notes_body_idx').on(t.body),\n}));");
  });

  it('writes the form the file already uses, whatever the version allows', () => {
    const file = path.join(projectWithDrizzleOrm('0.43.1'), 'schema.ts');
    writeFileSync(file, WITH_OBJECT_CONFIG);
    const after = addIndex(file, 'array');
    expect(after).toContain("}, (table) => ({\n  notesBodyIdx: index('notes_body_idx').on(table.body),\n}));");
  });

  it('writes the array form on drizzle-orm 0.36 and later', () => {
    const file = path.join(projectWithDrizzleOrm('0.43.1'), 'schema.ts');
    writeFileSync(file, PLAIN);
    const after = addIndex(file, configFormFor(path.dirname(file)));
    expect(after).toContain("}, (t) => [\n  index('notes_body_idx').on(t.body),\n]);");
  });
});

describe('the installed versions', () => {
  /** drizzle-orm at `version` beside a supported drizzle-kit. */
  const projectWith = (version: string) => {
    const root = projectWithDrizzleOrm(version);
    const kit = path.join(root, '..', '..', 'node_modules', 'drizzle-kit');
    mkdirSync(kit, { recursive: true });
    writeFileSync(path.join(kit, 'package.json'), JSON.stringify({ name: 'drizzle-kit', version: '0.31.1' }));
    return root;
  };

  it('are accepted inside the supported ranges and refused outside them, naming version and range', () => {
    for (const version of ['0.30.0', '0.34.1', '0.43.1', '0.45.4']) expect(() => assertSupportedVersions(projectWith(version))).not.toThrow();
    for (const version of ['0.29.5', '0.46.0', '1.0.0-beta.2']) {
      let caught: unknown;
      try {
        assertSupportedVersions(projectWith(version));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OrmAiError);
      expect((caught as OrmAiError).code).toBe('UNSUPPORTED_ORM_VERSION');
      expect((caught as OrmAiError).message).toContain(`drizzle-orm ${version} is outside the supported versions (0.30 to 0.45)`);
    }
  });
});
