import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changePlanSchema, findColumn, findTable, OrmAiError, type ChangePlan } from '@orm-ai/core';
import { applyPlanToEntities, type EntityEdit } from '../src/apply-plan.js';
import { typecheckSources } from '@orm-ai/core/typescript';
import { ENTITY_COMPILER_OPTIONS } from '../src/entity-typecheck.js';
import { readEntities, readEntitiesFromProject } from '../src/read-entities.js';
import { foreignKeyName, indexName, uniqueConstraintName } from '../src/naming.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const blog = path.join(packageRoot, 'test', 'fixtures', 'entities', 'blog');
const file = (name: string) => path.join(blog, name);
const BLOG = ['User.ts', 'Post.ts', 'Comment.ts', 'Tag.ts'].map(file);
const original = (name: string) => readFileSync(file(name), 'utf8');

type ChangeInput = Record<string, unknown> & { kind: string };

function plan(changes: readonly ChangeInput[]): ChangePlan {
  return changePlanSchema.parse({ version: 1, request: 'test', summary: 'test', changes: changes.map((change) => ({ reason: 'test', ...change })) });
}

function apply(changes: readonly ChangeInput[]): EntityEdit[] {
  const schema = readEntities({ files: BLOG });
  const edits = applyPlanToEntities({ schema, plan: plan(changes), entitiesDir: blog });
  expect(typecheckSources({ projectRoot: packageRoot, edits, requiredOptions: ENTITY_COMPILER_OPTIONS })).toEqual([]);
  return edits;
}

/** The edits' files read back with the edits in place (new files included). */
function reread(edits: readonly EntityEdit[]) {
  const schema = readEntities({ files: BLOG });
  for (const edit of edits) schema.project.createSourceFile(edit.path, edit.after, { overwrite: true });
  const files = [...new Set([...BLOG, ...edits.filter((edit) => edit.before === null && edit.after.includes('@Entity')).map((edit) => edit.path)])];
  for (const created of files) if (schema.project.getSourceFile(created) === undefined) throw new Error(`missing ${created}`);
  return readEntitiesFromProject({ project: schema.project, files, namingStrategy: 'default' }).model;
}

function only(edits: readonly EntityEdit[], name: string): EntityEdit {
  expect(edits.map((edit) => path.basename(edit.path))).toEqual([name]);
  return edits[0]!;
}

/** Asserts `after` is `before` with exactly `from` replaced by `to` (so everything else is byte-identical). */
function expectReplaced(edit: EntityEdit, ...pairs: Array<[string, string]>): void {
  let expected = edit.before!;
  for (const [from, to] of pairs) {
    expect(expected).toContain(from);
    expected = expected.replace(from, to);
  }
  expect(edit.after).toBe(expected);
}

function applyError(changes: readonly ChangeInput[]): OrmAiError {
  try {
    applyPlanToEntities({ schema: readEntities({ files: BLOG }), plan: plan(changes), entitiesDir: blog });
  } catch (error) {
    if (error instanceof OrmAiError) return error;
    throw error;
  }
  throw new Error('expected PLAN_APPLY_FAILED');
}

function edit(edits: readonly EntityEdit[], name: string): EntityEdit {
  const found = edits.find((candidate) => path.basename(candidate.path) === name);
  if (found === undefined) throw new Error(`no edit of ${name}`);
  return found;
}

describe('applyPlanToEntities', () => {
  it('add_column: an explicit-type @Column property after the last column', () => {
    const edits = apply([{ kind: 'add_column', table: 'posts', column: { name: 'keywords', type: 'text[]', nullable: false, default: "'{}'" } }]);
    expectReplaced(only(edits, 'Post.ts'), [
      '  updatedAt!: Date;\n',
      `  updatedAt!: Date;\n\n  @Column({ type: 'text', array: true, nullable: false, default: () => "'{}'" })\n  keywords!: string[];\n`,
    ]);
    const posts = findTable(reread(edits), 'posts')!;
    expect(findColumn(posts, 'keywords')).toMatchObject({ type: 'text[]', nullable: false, default: "'{}'" });
  });

  it('add_column: an enum column imports the TypeScript enum and names the db column', () => {
    const edits = apply([{ kind: 'add_column', table: 'users', column: { name: 'last_status', type: 'post_status', nullable: true, default: "'draft'" } }]);
    expectReplaced(
      only(edits, 'User.ts'),
      ["import { Post } from './Post.js';\n", "import { Post } from './Post.js';\nimport { PostStatus } from './post-status.js';\n"],
      [
        '  createdAt!: Date;\n',
        "  createdAt!: Date;\n\n  @Column({ name: 'last_status', type: 'enum', enum: PostStatus, enumName: 'post_status', nullable: true, default: PostStatus.Draft })\n  lastStatus?: PostStatus | null;\n",
      ],
    );
    expect(findColumn(findTable(reread(edits), 'users')!, 'last_status')).toMatchObject({ type: 'post_status', nullable: true, default: "'draft'" });
  });

  it('create_index: @Index(name, [properties], { unique }) on the class', () => {
    const edits = apply([{ kind: 'create_index', table: 'posts', name: 'posts_title_idx', columns: ['title'], unique: true }]);
    expectReplaced(only(edits, 'Post.ts'), ["@Index(['authorId', 'createdAt'])\n", "@Index(['authorId', 'createdAt'])\n@Index('posts_title_idx', ['title'], { unique: true })\n"]);
    expect(findTable(reread(edits), 'posts')!.indexes).toContainEqual({ name: 'posts_title_idx', columns: ['title'], unique: true, method: 'btree', where: null });
  });

  it('create_index: refuses non-btree methods with the reason', () => {
    const error = applyError([{ kind: 'create_index', table: 'posts', name: 'posts_labels_idx', columns: ['labels'], method: 'gin' }]);
    expect(error.code).toBe('PLAN_APPLY_FAILED');
    expect(error.message).toContain('create_index posts.posts_labels_idx: TypeORM\'s @Index cannot declare a gin index');
  });

  it('rename_column: replaces an explicit name option', () => {
    const edits = apply([{ kind: 'rename_column', table: 'users', from: 'display_name', to: 'full_name' }]);
    expectReplaced(only(edits, 'User.ts'), ["@Column({ name: 'display_name' })", "@Column({ name: 'full_name' })"]);
    expect(findColumn(findTable(reread(edits), 'users')!, 'full_name')).toBeDefined();
  });

  it('rename_column: renames a property whose name is the db name, with its references', () => {
    const edits = apply([{ kind: 'rename_column', table: 'tag', from: 'name', to: 'label' }]);
    expectReplaced(only(edits, 'Tag.ts'), ["@Unique(['name'])", "@Unique(['label'])"], ['  name!: string;', '  label!: string;']);
    const tag = findTable(reread(edits), 'tag')!;
    expect(tag.uniques).toEqual([{ name: uniqueConstraintName('tag', ['label']), columns: ['label'] }]);
  });

  it('rename_table: sets the @Entity name', () => {
    const edits = apply([{ kind: 'rename_table', from: 'tag', to: 'tags' }]);
    expectReplaced(only(edits, 'Tag.ts'), ['@Entity()', "@Entity('tags')"]);
    expect(findTable(reread(edits), 'tags')).toBeDefined();
  });

  it('create_table: a new entity file in entitiesDir', () => {
    const edits = apply([
      {
        kind: 'create_table',
        table: 'post_likes',
        columns: [
          { name: 'id', type: 'serial', nullable: false, primaryKey: true },
          { name: 'user_id', type: 'integer', nullable: false },
          { name: 'liked_at', type: 'timestamptz', nullable: false, default: 'now()' },
        ],
      },
    ]);
    expect(only(edits, 'PostLike.ts')).toEqual({
      path: file('PostLike.ts'),
      before: null,
      after: `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('post_likes')
export class PostLike {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer', nullable: false })
  userId!: number;

  @Column({ name: 'liked_at', type: 'timestamptz', nullable: false, default: () => 'now()' })
  likedAt!: Date;
}
`,
    });
    expect(findTable(reread(edits), 'post_likes')!.columns.map((column) => [column.name, column.type, column.default])).toEqual([
      ['id', 'serial', null],
      ['user_id', 'integer', null],
      ['liked_at', 'timestamptz', 'now()'],
    ]);
  });

  it('add_foreign_key: a @ManyToOne + @JoinColumn property beside the column', () => {
    const edits = apply([
      { kind: 'add_column', table: 'posts', column: { name: 'editor_id', type: 'integer', nullable: true } },
      { kind: 'add_foreign_key', table: 'posts', columns: ['editor_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null' },
    ]);
    expectReplaced(
      only(edits, 'Post.ts'),
      ['  updatedAt!: Date;\n', `  updatedAt!: Date;\n\n  @Column({ name: 'editor_id', type: 'integer', nullable: true })\n  editorId?: number | null;\n\n  @ManyToOne(() => User, { onDelete: 'SET NULL' })\n  @JoinColumn({ name: 'editor_id' })\n  editor!: User;\n`],
    );
    expect(findTable(reread(edits), 'posts')!.foreignKeys).toContainEqual({
      name: foreignKeyName('posts', ['editor_id']),
      columns: ['editor_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'set null',
      onUpdate: 'no action',
    });
  });

  it('add_foreign_key: adds a @OneToMany back-reference when the name is free', () => {
    const edits = apply([
      { kind: 'add_column', table: 'tag', column: { name: 'owner_id', type: 'integer', nullable: true } },
      { kind: 'add_foreign_key', table: 'tag', columns: ['owner_id'], referencedTable: 'users', referencedColumns: ['id'] },
    ]);
    expectReplaced(
      edit(edits, 'User.ts'),
      ["import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';\nimport { Post } from './Post.js';\n", "import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';\nimport { Post } from './Post.js';\nimport { Tag } from './Tag.js';\n"],
      ['  posts!: Post[];\n', '  posts!: Post[];\n\n  @OneToMany(() => Tag, (tag) => tag.owner)\n  tag!: Tag[];\n'],
    );
    expectReplaced(
      edit(edits, 'Tag.ts'),
      ["import { Column, Entity, ManyToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';\nimport { Post } from './Post.js';\n", "import { Column, Entity, JoinColumn, ManyToMany, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';\nimport { Post } from './Post.js';\nimport { User } from './User.js';\n"],
      ['  name!: string;\n', "  name!: string;\n\n  @Column({ name: 'owner_id', type: 'integer', nullable: true })\n  ownerId?: number | null;\n\n  @ManyToOne(() => User, (user) => user.tag)\n  @JoinColumn({ name: 'owner_id' })\n  owner!: User;\n"],
    );
    expect(findTable(reread(edits), 'tag')!.foreignKeys.map((fk) => fk.name)).toEqual([foreignKeyName('tag', ['owner_id'])]);
  });

  it('drop_column: removes the property with its decorators', () => {
    const edits = apply([{ kind: 'drop_column', table: 'posts', column: 'views' }]);
    expectReplaced(only(edits, 'Post.ts'), ["\n  @Column({ type: 'integer', default: 0 })\n  views!: number;\n", '']);
    expect(findColumn(findTable(reread(edits), 'posts')!, 'views')).toBeUndefined();
  });

  it('alter_column: type, nullability and default in the options and the property type', () => {
    const edits = apply([{ kind: 'alter_column', table: 'posts', column: 'body', type: 'varchar(500)', nullable: true, default: { sql: null } }]);
    expectReplaced(only(edits, 'Post.ts'), ["  @Column('text', { default: '' })\n  body!: string;", "  @Column('varchar', { length: 500, nullable: true })\n  body?: string | null;"]);
    expect(findColumn(findTable(reread(edits), 'posts')!, 'body')).toMatchObject({ type: 'varchar(500)', nullable: true, default: null });
  });

  it('alter_column: sets a default', () => {
    const edits = apply([{ kind: 'alter_column', table: 'users', column: 'bio', default: { sql: "'n/a'" } }]);
    expectReplaced(only(edits, 'User.ts'), ["@Column('text', { nullable: true })", "@Column('text', { nullable: true, default: 'n/a' })"]);
  });

  it('add_unique: @Unique on the class with the missing import', () => {
    const edits = apply([{ kind: 'add_unique', table: 'posts', columns: ['author_id', 'title'] }]);
    expectReplaced(only(edits, 'Post.ts'), ['  UpdateDateColumn,\n', '  Unique,\n  UpdateDateColumn,\n'], ["@Index(['authorId', 'createdAt'])\n", "@Index(['authorId', 'createdAt'])\n@Unique(['authorId', 'title'])\n"]);
    expect(findTable(reread(edits), 'posts')!.uniques).toEqual([{ name: uniqueConstraintName('posts', ['author_id', 'title']), columns: ['author_id', 'title'] }]);
  });

  it('create_enum + add_column: a new enum file used by the column', () => {
    const edits = apply([
      { kind: 'create_enum', name: 'user_role', values: ['member', 'admin'] },
      { kind: 'add_column', table: 'users', column: { name: 'role', type: 'user_role', nullable: false, default: "'member'" } },
    ]);
    expect(edit(edits, 'UserRole.ts')).toEqual({ path: file('UserRole.ts'), before: null, after: "export enum UserRole {\n  Member = 'member',\n  Admin = 'admin',\n}\n" });
    expectReplaced(
      edit(edits, 'User.ts'),
      ["import { Post } from './Post.js';\n", "import { Post } from './Post.js';\nimport { UserRole } from './UserRole.js';\n"],
      ['  createdAt!: Date;\n', "  createdAt!: Date;\n\n  @Column({ type: 'enum', enum: UserRole, enumName: 'user_role', nullable: false, default: UserRole.Member })\n  role!: UserRole;\n"],
    );
    const model = reread(edits);
    expect(model.enums).toContainEqual({ name: 'user_role', values: ['member', 'admin'] });
    expect(findColumn(findTable(model, 'users')!, 'role')).toMatchObject({ type: 'user_role', default: "'member'" });
  });

  it('add_enum_value: a new member of the TypeScript enum', () => {
    const edits = apply([{ kind: 'add_enum_value', enum: 'post_status', value: 'scheduled' }]);
    expectReplaced(only(edits, 'post-status.ts'), ["  Archived = 'archived',\n", "  Archived = 'archived',\n  Scheduled = 'scheduled',\n"]);
    expect(reread(edits).enums).toEqual([{ name: 'post_status', values: ['draft', 'published', 'archived', 'scheduled'] }]);
  });

  it('drop_index and drop_unique: remove the declaring decorator', () => {
    const edits = apply([
      { kind: 'drop_index', table: 'posts', name: indexName('posts', ['author_id', 'created_at']) },
      { kind: 'drop_unique', table: 'tag', name: uniqueConstraintName('tag', ['name']) },
    ]);
    expectReplaced(edit(edits, 'Post.ts'), ["@Index(['authorId', 'createdAt'])\n", '']);
    expectReplaced(edit(edits, 'Tag.ts'), ["@Unique(['name'])\n", '']);
    const model = reread(edits);
    expect(findTable(model, 'posts')!.indexes.map((index) => index.columns)).toEqual([['slug']]);
    expect(findTable(model, 'tag')!.uniques).toEqual([]);
  });

  it('drop_foreign_key: removes the relation and its inverse side, keeping the column', () => {
    const edits = apply([{ kind: 'drop_foreign_key', table: 'posts', name: foreignKeyName('posts', ['author_id']) }]);
    expectReplaced(edit(edits, 'Post.ts'), ["  @ManyToOne(() => User, (user) => user.posts, { onDelete: 'CASCADE' })\n  @JoinColumn({ name: 'author_id' })\n  author!: User;\n\n", '']);
    expectReplaced(edit(edits, 'User.ts'), ['\n  @OneToMany(() => Post, (post) => post.author)\n  posts!: Post[];\n', '']);
    const posts = findTable(reread(edits), 'posts')!;
    expect(posts.foreignKeys).toEqual([]);
    expect(findColumn(posts, 'author_id')).toBeDefined();
  });

  it('drop_table: removes the class, its inverse relations and their imports', () => {
    const edits = apply([{ kind: 'drop_table', table: 'comments' }]);
    expect(edits.map((candidate) => path.basename(candidate.path)).sort()).toEqual(['Comment.ts', 'Post.ts']);
    expect(edit(edits, 'Comment.ts').after).toBe("import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { Post } from './Post.js';\nimport { User } from './User.js';\n");
    expectReplaced(
      edit(edits, 'Post.ts'),
      ["import { Comment } from './Comment.js';\n", ''],
      ['  @OneToMany(() => Comment, (comment) => comment.post)\n  comments!: Comment[];\n\n', ''],
    );
    expect(findTable(reread(edits), 'comments')).toBeUndefined();
  });

  it('drop_table: refuses while another entity owns a relation to it', () => {
    expect(applyError([{ kind: 'drop_table', table: 'users' }]).message).toContain('Post.author references "users"; drop its foreign key first');
  });

  it('leaves the schema project as it was', () => {
    const schema = readEntities({ files: BLOG });
    applyPlanToEntities({ schema, plan: plan([{ kind: 'create_enum', name: 'mood', values: ['ok'] }, { kind: 'add_enum_value', enum: 'post_status', value: 'x' }]), entitiesDir: blog });
    for (const name of ['Post.ts', 'User.ts', 'post-status.ts']) expect(schema.project.getSourceFileOrThrow(file(name)).getFullText()).toBe(original(name));
    expect(schema.project.getSourceFile(file('Mood.ts'))).toBeUndefined();
  });
});
