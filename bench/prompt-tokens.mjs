/**
 * Prompt size against schema size: the plan prompt's tokens (o200k_base, as OpenAI's
 * current models count them) for a two-table change on generated schemas of 20, 200 and
 * 1,000 tables, read by each ORM plugin from its own source. The target: the 1,000-table
 * prompt at most 3 times the 20-table one. `node bench/prompt-tokens.mjs` alone, or part
 * of `npm run bench`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planPromptMessages, promptTokens, renderSchemaForPrompt } from '@orm-ai/core';
import { drizzlePlugin } from '@orm-ai/drizzle';
import { prismaPlugin } from '@orm-ai/prisma';
import { typeormPlugin } from '@orm-ai/typeorm';
import { WIDE_CONFIG, wideSchemaSource } from './wide-schema.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SIZES = [20, 200, 1000];
const REQUEST = 'Add a tags text[] column to table_0010 and a foreign key from table_0015.parent_id to table_0010';
const pad = (index) => String(index).padStart(4, '0');

function drizzleProject(root, tables) {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'drizzle.config.ts'), WIDE_CONFIG);
  writeFileSync(join(root, 'src', 'schema.ts'), wideSchemaSource(tables));
  return undefined;
}

function prismaProject(root, tables) {
  mkdirSync(join(root, 'prisma'), { recursive: true });
  const models = [];
  for (let index = 0; index < tables; index += 1) {
    const parent = index === 0 ? '' : `\n  parent    Table${pad(index - 1)}? @relation(fields: [parentId], references: [id])`;
    const child = index === tables - 1 ? '' : `\n  children  Table${pad(index + 1)}[]`;
    models.push(`model Table${pad(index)} {
  id        Int      @id @default(autoincrement())
  parentId  Int?     @map("parent_id")
  title     String   @db.VarChar(200)
  body      String?
  active    Boolean  @default(true)
  settings  Json?
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(6)${parent}${child}

  @@index([parentId])
  @@map("table_${pad(index)}")
}`);
  }
  writeFileSync(join(root, 'prisma', 'schema.prisma'), `datasource db {\n  provider = "postgresql"\n}\n\n${models.join('\n\n')}\n`);
  return undefined;
}

function typeormProject(root, tables) {
  mkdirSync(join(root, 'src', 'entities'), { recursive: true });
  // The project root (where entity globs start) is the folder with the package.json.
  writeFileSync(join(root, 'package.json'), '{ "name": "wide-typeorm", "private": true }\n');
  for (let index = 0; index < tables; index += 1) {
    const parent = index === 0 ? '' : `\n  @ManyToOne(() => Table${pad(index - 1)})\n  @JoinColumn({ name: 'parent_id' })\n  parent: Table${pad(index - 1)};\n`;
    const imports = index === 0 ? '' : `import { Table${pad(index - 1)} } from './Table${pad(index - 1)}';\n`;
    writeFileSync(
      join(root, 'src', 'entities', `Table${pad(index)}.ts`),
      `import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
${imports}
@Entity('table_${pad(index)}')
export class Table${pad(index)} {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('table_${pad(index)}_parent_id_idx')
  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;
${parent}
  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'jsonb', nullable: true })
  settings: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
`,
    );
  }
  writeFileSync(
    join(root, 'src', 'data-source.ts'),
    "import 'reflect-metadata';\nimport { DataSource } from 'typeorm';\n\nexport const AppDataSource = new DataSource({ type: 'postgres', url: 'postgres://localhost/app', entities: ['src/entities/*.ts'], migrations: ['src/migrations/*.ts'] });\n",
  );
  return 'src/data-source.ts';
}

const ORMS = [
  { plugin: drizzlePlugin, make: drizzleProject },
  { plugin: prismaPlugin, make: prismaProject },
  { plugin: typeormPlugin, make: typeormProject },
];

/** Rows of prompt tokens per ORM and schema size, next to the whole schema's tokens. */
export async function promptTokenRows() {
  const scratch = join(repo, 'bench', '.tmp', 'prompt-tokens');
  rmSync(scratch, { recursive: true, force: true });
  const rows = [];
  try {
    for (const { plugin, make } of ORMS) {
      const row = { orm: plugin.displayName, prompt: {}, whole: {} };
      for (const tables of SIZES) {
        const root = join(scratch, `${plugin.displayName}-${tables}`);
        const configPath = make(root, tables);
        const project = await plugin.openProject({ cwd: root, configPath });
        const model = await project.readSchema();
        if (model.tables.length !== tables) throw new Error(`${plugin.displayName} read ${model.tables.length} tables, not ${tables}`);
        const messages = planPromptMessages({ model, request: REQUEST, ormName: plugin.displayName, capabilities: plugin.capabilities });
        row.prompt[tables] = promptTokens(messages);
        row.whole[tables] = promptTokens([{ role: 'user', content: renderSchemaForPrompt(model) }]);
      }
      rows.push(row);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

export function printPromptTokenRows(rows) {
  console.log('| ORM | prompt, 20 tables | 200 tables | 1,000 tables | 1,000 ÷ 20 | whole schema, 1,000 tables |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    const ratio = row.prompt[1000] / row.prompt[20];
    console.log(`| ${row.orm} | ${row.prompt[20]} | ${row.prompt[200]} | ${row.prompt[1000]} | ${ratio.toFixed(2)}× ${ratio <= 3 ? '(target ≤ 3×: met)' : '(target ≤ 3×: MISSED)'} | ${row.whole[1000]} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printPromptTokenRows(await promptTokenRows());
