import { z } from 'zod';
import { changePlanSchema } from './change-plan.js';

type JsonSchema = { [key: string]: unknown };

/**
 * The change plan as JSON Schema, in the subset OpenAI's strict structured output accepts:
 * every property required (optional ones are nullable), no `default`, `anyOf` instead of
 * `oneOf`, `enum` instead of `const`, and `additionalProperties: false` everywhere.
 */
export function planJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(changePlanSchema, { io: 'output', target: 'draft-7' }) as JsonSchema;
  const { $schema: _ignored, ...schema } = generated;
  return toStrictSubset(schema) as JsonSchema;
}

/** `isPropertyMap`: `node` is a `properties` object, whose keys are field names (a column's `default` among them), not keywords. */
function toStrictSubset(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((child) => toStrictSubset(child));
  if (node === null || typeof node !== 'object') return node;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (isPropertyMap) result[key] = toStrictSubset(value);
    else if (key === 'default') continue;
    else if (key === 'oneOf') result.anyOf = toStrictSubset(value);
    else if (key === 'const') result.enum = [value];
    else result[key] = toStrictSubset(value, key === 'properties');
  }
  if (result.type === 'object' && result.properties) {
    result.required = Object.keys(result.properties as JsonSchema);
    result.additionalProperties = false;
  }
  return result;
}

/**
 * What the model answers with: the plan, plus `needTables` (names of tables it was not
 * shown in full and needs, or null). Not part of the plan format: plan files never carry it.
 */
export function modelAnswerJsonSchema(): JsonSchema {
  const plan = planJsonSchema() as JsonSchema & { properties: JsonSchema; required: string[] };
  return {
    ...plan,
    properties: {
      ...plan.properties,
      needTables: {
        anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }],
        description: 'Tables shown only by name that you need in full before planning; null when the schema shown is enough.',
      },
    },
    required: [...plan.required, 'needTables'],
  };
}
