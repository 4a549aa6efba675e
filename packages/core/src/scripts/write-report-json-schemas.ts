import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportJsonSchemas } from '../report/report-json-schemas.js';

// Run after the build: `npm run docs:schema` writes the `--json` reports' schemas into docs/.
const folder = resolve(process.argv[2] ?? 'docs');
for (const [name, schema] of Object.entries(reportJsonSchemas())) writeFileSync(join(folder, name), `${JSON.stringify(schema, null, 2)}\n`);
