import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { changePlanSchema } from '@orm-ai/core';
import { typecheckSources } from '@orm-ai/core/typescript';
import { applyPlanToEntities } from '../src/apply-plan.js';
import { ENTITY_COMPILER_OPTIONS } from '../src/entity-typecheck.js';
import { readEntities } from '../src/read-entities.js';
import { registerNewEntities } from '../src/register-entities.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A new table with a foreign key (imports and an inverse relation on User), and a new column on users. */
const plan = changePlanSchema.parse({
  version: 1,
  request: 'Add a bookmarks table owned by users, and a bio to users',
  summary: 'Creates bookmarks and adds users.bio.',
  changes: [
    {
      kind: 'create_table',
      table: 'bookmarks',
      reason: 'r',
      columns: [
        { name: 'id', type: 'serial', nullable: false, primaryKey: true },
        { name: 'user_id', type: 'integer', nullable: false },
        { name: 'note', type: 'text', nullable: true, default: "'none'" },
        { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
      ],
    },
    { kind: 'add_foreign_key', table: 'bookmarks', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade', reason: 'r' },
    { kind: 'add_column', table: 'users', column: { name: 'bio', type: 'varchar(200)', nullable: true, default: "'it''s me'" }, reason: 'r' },
  ],
});

/** Every file the plan writes in the fixture project (entities, and the data source listing them), by name. */
function edited(fixture: string): Record<string, string> {
  const dir = path.join(packageRoot, 'test', 'fixtures', 'style', fixture);
  const edits = applyPlanToEntities({ schema: readEntities({ files: [path.join(dir, 'User.ts')] }), plan, entitiesDir: dir });
  expect(typecheckSources({ projectRoot: packageRoot, edits, requiredOptions: ENTITY_COMPILER_OPTIONS })).toEqual([]);
  const all = [...edits, ...registerNewEntities({ dataSourcePath: path.join(dir, 'data-source.ts'), edits })];
  return Object.fromEntries(all.map((edit) => [path.basename(edit.path), edit.after]));
}

describe('entity and data source edits follow the file\'s style', () => {
  it('double quotes, no semicolons, tabs, and a data source listing one entity per line', () => {
    expect(edited('double-tabs')).toEqual({
      'Bookmark.ts': `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm"
import { User } from "./User.js"

@Entity("bookmarks")
export class Bookmark {
\t@PrimaryGeneratedColumn()
\tid!: number

\t@Column({ name: "user_id", type: "integer", nullable: false })
\tuserId!: number

\t@ManyToOne(() => User, (user) => user.bookmarks, { onDelete: "CASCADE" })
\t@JoinColumn({ name: "user_id" })
\tuser!: User

\t@Column({ type: "text", nullable: true, default: "none" })
\tnote?: string | null

\t@Column({ name: "created_at", type: "timestamptz", nullable: false, default: () => "now()" })
\tcreatedAt!: Date
}
`,
      'User.ts': `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm"
import { Bookmark } from "./Bookmark.js"

@Entity("users")
export class User {
\t@PrimaryGeneratedColumn()
\tid!: number

\t@Column({ type: "text" })
\tname!: string

\t@Column({ type: "varchar", length: 200, nullable: true, default: "it's me" })
\tbio?: string | null

\t@OneToMany(() => Bookmark, (bookmark) => bookmark.user)
\tbookmarks!: Bookmark[]
}
`,
      'data-source.ts': `import { DataSource } from "typeorm"
import { User } from "./User.js"
import { Bookmark } from "./Bookmark.js"

export const AppDataSource = new DataSource({
\ttype: "postgres",
\tentities: [
\t\tUser,
\t\tBookmark,
\t],
})
`,
    });
  });

  it('single quotes, semicolons, two spaces, and a data source listing entities on one line', () => {
    expect(edited('single-spaces')).toEqual({
      'Bookmark.ts': `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './User.js';

@Entity('bookmarks')
export class Bookmark {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'integer', nullable: false })
  userId!: number;

  @ManyToOne(() => User, (user) => user.bookmarks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: User;

  @Column({ type: 'text', nullable: true, default: 'none' })
  note?: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', nullable: false, default: () => 'now()' })
  createdAt!: Date;
}
`,
      'User.ts': `import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Bookmark } from './Bookmark.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true, default: "it's me" })
  bio?: string | null;

  @OneToMany(() => Bookmark, (bookmark) => bookmark.user)
  bookmarks!: Bookmark[];
}
`,
      'data-source.ts': `import { DataSource } from 'typeorm';
import { User } from './User.js';
import { Bookmark } from './Bookmark.js';

export const AppDataSource = new DataSource({
  type: 'postgres',
  entities: [User, Bookmark],
});
`,
    });
  });
});
