import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../plan-json-schema.js';

// Run after the build: ships the plan's JSON Schema as `@orm-ai/core/plan.schema.json`,
// or writes it where the first argument says (`npm run docs:schema` updates docs/).
const target = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('../plan.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
