import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tsImport } from 'tsx/esm/api';
import { findTable, type SchemaModel } from '@orm-ai/core';
import type { DrizzleSnapshot } from '../src/drizzle-kit-api.js';
import { loadDrizzleKit } from '../src/drizzle-kit-api.js';
import { modelFromSnapshot } from '../src/snapshot-model.js';
import { fixtures, packageRoot } from './fixtures.js';

const RULES = path.join(fixtures, 'rules', 'schema.ts');

async function rulesModel(): Promise<SchemaModel> {
  const api = await loadDrizzleKit(packageRoot);
  const module = (await tsImport(pathToFileURL(RULES).href, import.meta.url)) as Record<string, unknown>;
  return modelFromSnapshot(await api.generateDrizzleJson(module)).model;
}

describe('what the model keeps from drizzle-kit\'s snapshot although no plan kind edits it', () => {
  it('check constraints, with their SQL', async () => {
    expect(findTable(await rulesModel(), 'notes')!.checks).toEqual([{ name: 'notes_title_not_blank', expression: 'length("notes"."title") > 0' }]);
  });

  it('policies with PostgreSQL\'s defaults written out, and row-level security, which drizzle-kit enables for them', async () => {
    const notes = findTable(await rulesModel(), 'notes')!;
    expect(notes.rowLevelSecurity).toBe(true);
    expect(notes.policies).toEqual([
      { name: 'notes_team_read', as: 'permissive', command: 'select', roles: ['authenticated'], using: `"notes"."team_id" = current_setting('app.team')::uuid`, withCheck: null },
      { name: 'notes_no_delete', as: 'restrictive', command: 'delete', roles: ['public'], using: 'false', withCheck: null },
    ]);
  });

  it('index operator classes, key order and NULLS placement as drizzle-kit\'s CREATE INDEX writes them, and extension methods', async () => {
    const indexes = Object.fromEntries(findTable(await rulesModel(), 'notes')!.indexes.map(({ name, ...index }) => [name, index]));
    expect(indexes).toEqual({
      notes_title_trgm_idx: { columns: ['title'], unique: false, method: 'gin', where: null, keyOptions: [{ opclass: 'gin_trgm_ops', order: 'asc', nulls: null }] },
      // NULLS FIRST is DESC's default; on an ascending key it is not.
      notes_created_idx: {
        columns: ['created_at', 'id'],
        unique: false,
        method: 'btree',
        where: null,
        keyOptions: [
          { opclass: null, order: 'desc', nulls: null },
          { opclass: null, order: 'asc', nulls: 'first' },
        ],
      },
      notes_embedding_idx: { columns: ['embedding'], unique: false, method: 'hnsw', where: null, keyOptions: [{ opclass: 'vector_cosine_ops', order: 'asc', nulls: null }] },
      // An expression key keeps its SQL in parentheses: never taken for a column.
      notes_lower_title_idx: { columns: ['(lower("title"))'], unique: false, method: 'btree', where: null },
    });
  });

  it('column types drizzle-kit knows from extensions and custom types', async () => {
    const notes = findTable(await rulesModel(), 'notes')!;
    expect(notes.columns.map((column) => [column.name, column.type])).toEqual([
      ['id', 'serial'],
      ['team_id', 'uuid'],
      ['title', 'text'],
      ['body', 'bytea'],
      ['embedding', 'vector(3)'],
      ['created_at', 'timestamptz'],
    ]);
  });
});

/** A snapshot of `tables` and `enums` at a snapshot version, as the drizzle-kit of that era writes it. */
function snapshot(version: string, body: Record<string, unknown>): DrizzleSnapshot {
  return { id: 'x', prevId: 'y', version, dialect: version === '5' ? 'pg' : 'postgresql', schemas: {}, _meta: { schemas: {}, tables: {}, columns: {} }, ...body };
}

describe('older snapshot versions (drizzle-kit 0.20-0.22)', () => {
  const users = {
    name: 'users',
    schema: '',
    columns: {
      id: { name: 'id', type: 'serial', primaryKey: true, notNull: true },
      role: { name: 'role', type: 'role', primaryKey: false, notNull: true, default: "'member'" },
      email: { name: 'email', type: 'varchar(255)', primaryKey: false, notNull: true },
    },
    indexes: { users_email_idx: { name: 'users_email_idx', columns: ['email'], isUnique: true } },
    foreignKeys: {},
    compositePrimaryKeys: {},
    uniqueConstraints: {},
  };

  it('version 5: enum values kept as a record, index columns as names, no policies or checks', () => {
    const { model } = modelFromSnapshot(snapshot('5', { tables: { users }, enums: { role: { name: 'role', values: { member: 'member', admin: 'admin' } } } }));
    expect(model.enums).toEqual([{ name: 'role', values: ['member', 'admin'] }]);
    const table = findTable(model, 'users')!;
    expect(table.columns.map((column) => [column.name, column.type, column.nullable])).toEqual([
      ['id', 'serial', false],
      ['role', 'role', false],
      ['email', 'varchar(255)', false],
    ]);
    expect(table.indexes).toEqual([{ name: 'users_email_idx', columns: ['email'], unique: true, method: 'btree', where: null }]);
    expect([table.checks, table.policies, table.rowLevelSecurity]).toEqual([[], [], false]);
  });

  it('version 6: enums with a schema and a list of values', () => {
    const { model } = modelFromSnapshot(
      snapshot('6', { tables: { 'public.users': users }, enums: { 'public.role': { name: 'role', schema: 'public', values: ['member', 'admin'] } } }),
    );
    expect(model.enums).toEqual([{ name: 'role', values: ['member', 'admin'] }]);
    expect(findTable(model, 'users')!.indexes[0]!.columns).toEqual(['email']);
  });

  it('refuses an enum without values as a snapshot it does not understand', () => {
    expect(() => modelFromSnapshot(snapshot('7', { tables: {}, enums: { 'public.role': { name: 'role', schema: 'public' } } }))).toThrow(/unexpected shape: enum "public.role"/);
  });
});
