/**
 * A generated Drizzle project with many tables, for the benchmark: each table has a
 * handful of typed columns, a foreign key to the previous table and an index.
 */
/** @param {number} tableCount @returns {string} */
export function wideSchemaSource(tableCount) {
  const lines = [
    "import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';",
    '',
  ];
  for (let index = 0; index < tableCount; index += 1) {
    const name = `table_${String(index).padStart(4, '0')}`;
    const previous = index === 0 ? null : `table${String(index - 1).padStart(4, '0')}`;
    lines.push(
      `export const table${String(index).padStart(4, '0')} = pgTable(`,
      `  '${name}',`,
      '  {',
      "    id: serial('id').primaryKey(),",
      previous ? `    parentId: integer('parent_id').references(() => ${previous}.id),` : "    parentId: integer('parent_id'),",
      "    title: varchar('title', { length: 200 }).notNull(),",
      "    body: text('body'),",
      "    active: boolean('active').default(true).notNull(),",
      "    settings: jsonb('settings'),",
      "    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),",
      '  },',
      `  (t) => [index('${name}_parent_id_idx').on(t.parentId)],`,
      ');',
      '',
    );
  }
  return lines.join('\n');
}

export const WIDE_CONFIG = "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' });\n";
