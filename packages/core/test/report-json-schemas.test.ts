import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reportJsonSchemas } from '../src/report/report-json-schemas.js';

const docs = new URL('../../../docs/', import.meta.url);

type Node = Record<string, unknown>;

function walk(node: unknown, visit: (node: Node, path: string) => void, path = '#'): void {
  if (Array.isArray(node)) node.forEach((child, index) => walk(child, visit, `${path}/${index}`));
  else if (node && typeof node === 'object') {
    visit(node as Node, path);
    for (const [key, child] of Object.entries(node)) walk(child, visit, `${path}/${key}`);
  }
}

describe('the --json reports\' JSON Schemas in docs/', () => {
  it.each(Object.entries(reportJsonSchemas()))('%s is what the zod declarations generate (npm run docs:schema updates it)', (name, schema) => {
    expect(JSON.parse(readFileSync(new URL(name, docs), 'utf8'))).toEqual(schema);
  });

  it.each(Object.entries(reportJsonSchemas()))('%s is draft 2020-12, closed, and describes every field', (name, schema) => {
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema' });
    const problems: string[] = [];
    walk(schema, (node, path) => {
      if (path.endsWith('/properties') || path.endsWith('/$defs')) return;
      // The plan is the plan format's own schema, documented field by field in docs/plan.md.
      if (path.startsWith('#/$defs/ChangePlan/')) return;
      if (node.type === 'object' && node.properties && node.additionalProperties !== false) problems.push(`${path} is open`);
      if (path.split('/').at(-2) === 'properties' && node.description === undefined && node.$ref === undefined) {
        problems.push(`${path} has no description`);
      }
    });
    expect(problems, name).toEqual([]);
  });
});
