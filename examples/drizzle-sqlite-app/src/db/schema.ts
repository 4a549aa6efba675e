// Database schema for the example blog, on SQLite.
//
// This file is the source of truth: drizzle-kit diffs it against the
// snapshots in ./drizzle/meta and writes the next migration into ./drizzle.
// Change the schema here, then run `npm run generate` (or ask drizzle-ai).
//
// Conventions:
//   - TypeScript property names are camelCase; database names are snake_case
//     and always spelled out explicitly.
//   - Timestamps are integer Unix seconds (`mode: 'timestamp'`) defaulting to unixepoch().
//   - Index names follow `<table>_<columns>_idx`.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  // 320 = the longest address RFC 5321 allows; SQLite does not enforce lengths.
  email: text('email', { length: 320 }).notNull().unique(),
  displayName: text('display_name').notNull(),
  bio: text('bio'),
  isAdmin: integer('is_admin', { mode: 'boolean' }).default(false).notNull(),
  createdAt: integer('created_at', { mode: 'timestamp' }).default(sql`(unixepoch())`).notNull(),
});

export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Deleting a user deletes their posts (and, through posts, their comments).
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    // Markdown source; rendered at read time.
    body: text('body').notNull(),
    status: text('status', { enum: ['draft', 'published', 'archived'] }).default('draft').notNull(),
    // Set when the post first moves to `published`; null for drafts.
    publishedAt: integer('published_at', { mode: 'timestamp' }),
    createdAt: integer('created_at', { mode: 'timestamp' }).default(sql`(unixepoch())`).notNull(),
  },
  (t) => [
    index('posts_author_id_idx').on(t.authorId),
    // Serves the home page feed: published posts, newest first.
    index('posts_status_published_at_idx').on(t.status, t.publishedAt),
  ],
);

export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    // Kept when the author is deleted; shown as "deleted user".
    authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp' }).default(sql`(unixepoch())`).notNull(),
  },
  (t) => [index('comments_post_id_idx').on(t.postId)],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('tags_name_idx').on(t.name)],
);

export const postsToTags = sqliteTable(
  'posts_to_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] })],
);
