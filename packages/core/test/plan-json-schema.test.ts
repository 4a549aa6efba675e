import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../src/plan-json-schema.js';

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (node: Node, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) node.forEach((child, index) => walk(child, visit, `${path}/${index}`));
  else if (node && typeof node === 'object') {
    visit(node as Node, path);
    for (const [key, child] of Object.entries(node)) walk(child, visit, `${path}/${key}`);
  }
}

describe('plan JSON Schema', () => {
  it('is in the subset strict structured output accepts', () => {
    const problems: string[] = [];
    walk(planJsonSchema(), (node, path) => {
      // A `properties` map's keys are field names: a column spec has a field called `default`.
      if (!path.endsWith('/properties')) for (const banned of ['oneOf', 'const', 'default', '$schema']) if (banned in node) problems.push(`${path} has ${banned}`);
      if (node.type === 'object' && node.properties) {
        const keys = Object.keys(node.properties as Node).sort();
        if (node.additionalProperties !== false) problems.push(`${path} allows additional properties`);
        if (JSON.stringify([...((node.required as string[]) ?? [])].sort()) !== JSON.stringify(keys)) problems.push(`${path} does not require every property`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('offers the model every field of the plan, a column\'s default and alter_column\'s default included', () => {
    const schema = planJsonSchema() as any;
    const variants = schema.properties.changes.items.anyOf as any[];
    const addColumn = variants.find((variant) => variant.properties.kind.enum[0] === 'add_column');
    expect(Object.keys(addColumn.properties.column.properties)).toEqual(['name', 'type', 'nullable', 'default', 'primaryKey', 'unique']);
    expect(addColumn.properties.column.required).toContain('default');
    const alterColumn = variants.find((variant) => variant.properties.kind.enum[0] === 'alter_column');
    expect(alterColumn.required).toContain('default');
  });

  it('offers every change kind to the model', () => {
    const schema = planJsonSchema() as { properties: { changes: { items: { anyOf: Array<{ properties: { kind: { enum: string[] } } }> } } } };
    const kinds = schema.properties.changes.items.anyOf.map((variant) => variant.properties.kind.enum[0]);
    expect(kinds).toEqual([
      'create_table', 'drop_table', 'rename_table', 'add_column', 'drop_column', 'rename_column', 'alter_column',
      'create_index', 'drop_index', 'add_foreign_key', 'drop_foreign_key', 'add_unique', 'drop_unique', 'create_enum', 'add_enum_value',
    ]);
  });

  it('matches the published docs/plan.schema.json (run `npm run docs:schema` after changing the plan)', () => {
    const published = readFileSync(fileURLToPath(new URL('../../../docs/plan.schema.json', import.meta.url)), 'utf8');
    expect(JSON.parse(published)).toEqual(planJsonSchema());
  });
});
