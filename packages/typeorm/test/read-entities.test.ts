import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultNamingStrategy } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { changePlanSchema, columnModel, OrmAiError, type SchemaModel, schemaModelSchema, tableModel } from '@orm-ai/core';
import { applyPlanToEntities } from '../src/apply-plan.js';
import { readEntities } from '../src/read-entities.js';

const blog = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'entities', 'blog');
const BLOG = ['User.ts', 'Post.ts', 'Comment.ts', 'Tag.ts'].map((file) => path.join(blog, file));
const typeorm = new DefaultNamingStrategy();

const EXPECTED_BLOG: SchemaModel = {
  dialect: 'postgresql',
  tables: [
    tableModel({
      name: 'users',
      comment: 'People who write posts and comments.',
      columns: [
        columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }),
        columnModel({ name: 'email', type: 'varchar(255)', nullable: false, unique: true, uniqueName: typeorm.uniqueConstraintName('users', ['email']) }),
        columnModel({ name: 'display_name', type: 'varchar', nullable: false }),
        columnModel({ name: 'bio', type: 'text', nullable: true }),
        columnModel({ name: 'isAdmin', type: 'boolean', nullable: false, default: 'false' }),
        columnModel({ name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' }),
      ],
    }),
    tableModel({
      name: 'posts',
      columns: [
        columnModel({ name: 'id', type: 'uuid', nullable: false, primaryKey: true, default: 'uuid_generate_v4()' }),
        columnModel({ name: 'author_id', type: 'integer', nullable: false }),
        columnModel({ name: 'title', type: 'varchar(200)', nullable: false }),
        columnModel({ name: 'slug', type: 'varchar', nullable: false, comment: 'URL path segment, unique per site.' }),
        columnModel({ name: 'body', type: 'text', nullable: false, default: "''" }),
        columnModel({ name: 'status', type: 'post_status', nullable: false, default: "'draft'" }),
        columnModel({ name: 'price', type: 'numeric(10,2)', nullable: true }),
        columnModel({ name: 'labels', type: 'text[]', nullable: false, default: "'{}'" }),
        columnModel({ name: 'views', type: 'integer', nullable: false, default: '0' }),
        columnModel({ name: 'created_at', type: 'timestamp', nullable: false, default: 'now()' }),
        columnModel({ name: 'updated_at', type: 'timestamp', nullable: false, default: 'now()' }),
      ],
      indexes: [
        { name: typeorm.indexName('posts', ['author_id', 'created_at']), columns: ['author_id', 'created_at'], unique: false, method: 'btree', where: null },
        { name: typeorm.indexName('posts', ['slug']), columns: ['slug'], unique: true, method: 'btree', where: null },
      ],
      foreignKeys: [
        { name: typeorm.foreignKeyName('posts', ['author_id']), columns: ['author_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
      ],
    }),
    tableModel({
      name: 'posts_tags_tag',
      columns: [columnModel({ name: 'postsId', type: 'uuid', nullable: false }), columnModel({ name: 'tagId', type: 'integer', nullable: false })],
      primaryKey: { name: typeorm.primaryKeyName('posts_tags_tag', ['postsId', 'tagId']), columns: ['postsId', 'tagId'] },
      indexes: [
        { name: typeorm.indexName('posts_tags_tag', ['postsId']), columns: ['postsId'], unique: false, method: 'btree', where: null },
        { name: typeorm.indexName('posts_tags_tag', ['tagId']), columns: ['tagId'], unique: false, method: 'btree', where: null },
      ],
      foreignKeys: [
        { name: typeorm.foreignKeyName('posts_tags_tag', ['postsId']), columns: ['postsId'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'cascade' },
        { name: typeorm.foreignKeyName('posts_tags_tag', ['tagId']), columns: ['tagId'], referencedTable: 'tag', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'cascade' },
      ],
    }),
    tableModel({
      name: 'comments',
      columns: [
        columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }),
        columnModel({ name: 'body', type: 'text', nullable: false }),
        columnModel({ name: 'createdAt', type: 'timestamp', nullable: false, default: 'now()' }),
        columnModel({ name: 'postId', type: 'uuid', nullable: false }),
        columnModel({ name: 'author_id', type: 'integer', nullable: true }),
      ],
      foreignKeys: [
        { name: typeorm.foreignKeyName('comments', ['postId']), columns: ['postId'], referencedTable: 'posts', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
        { name: typeorm.foreignKeyName('comments', ['author_id']), columns: ['author_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'no action' },
      ],
    }),
    tableModel({
      name: 'tag',
      columns: [columnModel({ name: 'id', type: 'serial', nullable: false, primaryKey: true }), columnModel({ name: 'name', type: 'varchar', nullable: false })],
      uniques: [{ name: typeorm.uniqueConstraintName('tag', ['name']), columns: ['name'] }],
    }),
  ],
  enums: [{ name: 'post_status', values: ['draft', 'published', 'archived'] }],
};

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function entityFile(source: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'typeorm-read-'));
  roots.push(root);
  const file = path.join(root, 'entity.ts');
  writeFileSync(file, source);
  return file;
}

describe('readEntities', () => {
  it('reads the blog entities into the neutral model with TypeORM names', () => {
    const { model } = readEntities({ files: BLOG });
    expect(model).toEqual(EXPECTED_BLOG);
    expect(schemaModelSchema.parse(model)).toEqual(model);
  });

  it('computes the same hashed names as TypeORM for a plain example', () => {
    expect(typeorm.foreignKeyName('posts', ['author_id'])).toBe('FK_312c63be865c81b922e39c2475e');
    expect(typeorm.tableName('BlogPost', undefined as unknown as string)).toBe('blog_post');
  });

  it('indexes classes, properties and relation join columns for the editor', () => {
    const { index } = readEntities({ files: BLOG });
    const comments = index.tables.find((table) => table.name === 'comments')!;
    expect(comments).toMatchObject({ className: 'Comment', filePath: path.join(blog, 'Comment.ts'), explicitName: true, junction: null });
    expect(comments.columns).toEqual([
      { property: 'id', name: 'id', explicitName: false, source: 'column' },
      { property: 'body', name: 'body', explicitName: false, source: 'column' },
      { property: 'createdAt', name: 'createdAt', explicitName: false, source: 'column' },
      { property: 'post', name: 'postId', explicitName: false, source: 'relation' },
      { property: 'author', name: 'author_id', explicitName: true, source: 'relation' },
    ]);
    expect(index.tables.find((table) => table.name === 'posts_tags_tag')?.junction).toEqual({ ownerTable: 'posts', property: 'tags' });
    expect(index.enums).toEqual([{ name: 'post_status', tsEnum: { name: 'PostStatus', filePath: path.join(blog, 'post-status.ts') } }]);
  });

  it('applies the snake naming strategy to implicit names', () => {
    const file = entityFile(`import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class BlogPost {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id!: number;

  @Column({ nullable: true })
  publishedAt!: Date | null;
}
`);
    const { model } = readEntities({ files: [file], namingStrategy: 'snake' });
    expect(model.tables).toEqual([
      tableModel({
        name: 'blog_post',
        columns: [
          columnModel({ name: 'id', type: 'integer', nullable: false, primaryKey: true, identity: 'always' }),
          columnModel({ name: 'published_at', type: 'timestamp', nullable: true }),
        ],
      }),
    ]);
  });

  it('keeps reading past an entity it cannot read, and a plan touching that entity is refused with its file:line', () => {
    const file = entityFile(`import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
const computed = 'x'.repeat(2);
@Entity()
export class Thing {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ default: computed })
  label!: string;
}

@Entity()
export class Other {
  @PrimaryGeneratedColumn()
  id!: number;
}
`);
    const schema = readEntities({ files: [file] });
    expect(schema.model.tables.map((table) => table.name)).toEqual(['other']);
    expect(schema.index.unreadable.map(({ className, table, line }) => ({ className, table, line }))).toEqual([{ className: 'Thing', table: 'thing', line: 3 }]);
    expect(schema.index.unreadable[0]?.reason).toContain(`${file}:8:`);

    const plan = (table: string) =>
      changePlanSchema.parse({ version: 1, request: 't', summary: 't', changes: [{ kind: 'drop_column', table, column: 'id', reason: 't' }] });
    let error: unknown;
    try {
      applyPlanToEntities({ schema, plan: plan('thing'), entitiesDir: path.dirname(file) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OrmAiError);
    expect((error as OrmAiError).code).toBe('PLAN_APPLY_FAILED');
    expect((error as OrmAiError).message).toContain(`entity Thing at ${file}:3`);
    expect((error as OrmAiError).message).toContain(`${file}:8:`);
  });

  it('moves an entity whose reading disagrees with TypeORM\'s metadata to the unreadable ones', () => {
    const file = entityFile(`import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Thing {
  @PrimaryGeneratedColumn()
  id!: number;
}
`);
    const metadataModel: SchemaModel = {
      dialect: 'postgresql',
      enums: [],
      tables: [tableModel({ name: 'thing', columns: [columnModel({ name: 'id', type: 'serial' }), columnModel({ name: 'inherited', type: 'text' })] })],
    };
    const schema = readEntities({ files: [file], metadataModel });
    expect(schema.model.tables).toEqual([]);
    expect(schema.index.unreadable[0]?.reason).toContain('TypeORM has id, inherited');
  });
});

describe('readEntities without the type checker', () => {
  it('resolves an aliased enum import and a related class by name, numbers implicit enum members, and reads plain annotations', () => {
    const file = entityFile(`import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Level as Rank } from './level.js';
import { Team } from './team.js';

@Entity('players')
export class Player {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @Column({ nullable: true }) nickname!: string | null;
  @Column() active!: boolean;
  @Column() joined!: Date;
  @Column({ type: 'enum', enum: Rank, default: Rank.Gold }) rank!: Rank;
  @ManyToOne(() => Team) team!: Team;
}
`);
    writeFileSync(path.join(path.dirname(file), 'level.ts'), 'export enum Level { Bronze = 1, Silver, Gold }\n');
    writeFileSync(path.join(path.dirname(file), 'team.ts'), `import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n@Entity('teams')\nexport class Team {\n  @PrimaryGeneratedColumn() id!: number;\n}\n`);
    const { model } = readEntities({ files: [file, path.join(path.dirname(file), 'team.ts')] });
    const players = model.tables.find((table) => table.name === 'players')!;
    const type = (name: string) => players.columns.find((column) => column.name === name)?.type;
    expect([type('name'), type('nickname'), type('active'), type('joined')]).toEqual(['varchar', 'varchar', 'boolean', 'timestamp']);
    expect(model.enums.find((entry) => entry.name === 'players_rank_enum')?.values).toEqual(['1', '2', '3']);
    // The member's value, as the checker's constant evaluation gave it.
    expect(players.columns.find((column) => column.name === 'rank')?.default).toBe('3');
    expect(players.foreignKeys.map((key) => key.referencedTable)).toEqual(['teams']);
  });

  it('leaves what the syntax cannot tell (a type alias) to the checker', () => {
    const file = entityFile(`import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
type Label = string;
@Entity('events')
export class Event {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: Label;
}
`);
    expect(readEntities({ files: [file] }).model.tables[0]!.columns.find((column) => column.name === 'label')?.type).toBe('varchar');
  });
});
