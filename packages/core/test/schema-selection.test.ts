import { describe, expect, it } from 'vitest';
import { planPromptMessages, promptTokens, renderSelectedSchema } from '../src/llm/plan-prompt.js';
import { selectSchemaForRequest } from '../src/llm/schema-selection.js';
import { columnModel, tableModel, type SchemaModel } from '../src/schema-model.js';
import { blogModel } from './blog-model.js';

/** A generated schema: each table references the one before it; every 10th uses an enum. */
function wideModel(tableCount: number): SchemaModel {
  const name = (index: number) => `table_${String(index).padStart(4, '0')}`;
  return {
    dialect: 'postgresql',
    enums: [{ name: 'item_state', values: ['open', 'closed'] }, { name: 'unused_state', values: ['a'] }],
    tables: Array.from({ length: tableCount }, (_, index) =>
      tableModel({
        name: name(index),
        columns: [
          columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }),
          columnModel({ name: 'parent_id', type: 'integer' }),
          columnModel({ name: 'title', type: 'varchar(200)', nullable: false }),
          columnModel({ name: 'body', type: 'text' }),
          columnModel({ name: index % 10 === 0 ? 'state' : 'created_at', type: index % 10 === 0 ? 'item_state' : 'timestamptz' }),
        ],
        foreignKeys:
          index === 0
            ? []
            : [{ name: `${name(index)}_parent_fk`, columns: ['parent_id'], referencedTable: name(index - 1), referencedColumns: ['id'], onDelete: 'no action', onUpdate: 'no action' }],
      }),
    ),
  };
}

const prompt = (model: SchemaModel, request: string) =>
  planPromptMessages({ model, request, ormName: 'Drizzle', capabilities: { migrationTransaction: 'all', migrationOutsideTransaction: false, promptNotes: [] } });

describe('the schema a request needs', () => {
  it('shows a small schema whole', () => {
    const selection = selectSchemaForRequest(blogModel(), 'add tags to posts');
    expect(selection.full).toEqual(blogModel());
    expect(selection).toMatchObject({ outlined: [], omitted: [] });
  });

  it('shows named tables and their foreign-key neighbours in full, the enums they use, the rest in one line each', () => {
    const selection = selectSchemaForRequest(wideModel(300), 'Add a tags column to table_0120 and index table_0200.title');
    expect(selection.full.tables.map((table) => table.name)).toEqual(['table_0119', 'table_0120', 'table_0121', 'table_0199', 'table_0200', 'table_0201']);
    expect(selection.full.enums.map((item) => item.name)).toEqual(['item_state']);
    expect(selection.outlined.length).toBeGreaterThan(10);
    expect(selection.outlined.length + selection.omitted.length).toBe(294);
    const text = renderSelectedSchema(wideModel(300), 'Add a tags column to table_0120');
    expect(text).toContain('table table_0120 (\n  id serial primary key');
    expect(text).toContain('table table_0000 (id, parent_id, title, body, state)');
    expect(text).toMatch(/-- \d+ more tables not shown/);
  });

  it('finds tables by singular or plural, and by a column name of several words', () => {
    const model = blogModel();
    const wide: SchemaModel = { ...model, tables: [...model.tables, ...wideModel(20).tables] };
    expect(selectSchemaForRequest(wide, 'give each post a subtitle').full.tables.map((table) => table.name)).toContain('posts');
    expect(selectSchemaForRequest(wide, 'rename author_id').full.tables.map((table) => table.name)).toContain('posts');
  });

  it('does not let a column every table has pull in every table', () => {
    const selection = selectSchemaForRequest(wideModel(100), 'point table_0050.parent_id at table_0010');
    expect(selection.full.tables.map((table) => table.name)).toEqual(['table_0009', 'table_0010', 'table_0011', 'table_0049', 'table_0050', 'table_0051']);
  });

  it('keeps the prompt nearly flat as the schema grows: 1,000 tables cost at most 3 times 20 tables', () => {
    const request = 'Add a tags text[] column to table_0010 and a foreign key from table_0015 to it';
    const small = promptTokens(prompt(wideModel(20), request));
    const large = promptTokens(prompt(wideModel(1000), request));
    expect(large).toBeLessThanOrEqual(3 * small);
    // The whole 1,000-table schema would be far larger.
    expect(promptTokens([{ role: 'user', content: JSON.stringify(wideModel(1000)) }])).toBeGreaterThan(20 * large);
  });
});
