// Database schema for the example blog.
//
// This file is the source of truth: drizzle-kit diffs it against the
// snapshots in ./drizzle/meta and writes the next migration into ./drizzle.
// Change the schema here, then run `npm run generate` (or ask drizzle-ai).
//
// Conventions:
//   - TypeScript property names are camelCase; database names are snake_case
//     and always spelled out explicitly.
//   - Timestamps are `timestamp with time zone` and default to now().
//   - Index names follow `<table>_<columns>_idx`.
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

/** Lifecycle of a post. Only `published` posts are shown on the public site. */
export const postStatus = pgEnum('post_status', ['draft', 'published', 'archived']);

/** Free-form, per-post settings stored as JSON. Add optional keys only. */
export type PostMetadata = {
  /** Canonical URL when the post was first published elsewhere. */
  canonicalUrl?: string;
  /** Overrides the generated social-card image. */
  coverImageUrl?: string;
  featured?: boolean;
};

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  // Exposed in URLs and the API instead of the sequential id.
  publicId: uuid('public_id').defaultRandom().notNull().unique(),
  // 320 = the longest address RFC 5321 allows (64 local + @ + 255 domain).
  email: varchar('email', { length: 320 }).notNull().unique(),
  displayName: text('display_name').notNull(),
  bio: text('bio'),
  isAdmin: boolean('is_admin').default(false).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
});

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    // Deleting a user deletes their posts (and, through posts, their comments).
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: varchar('title', { length: 200 }).notNull(),
    // Markdown source; rendered at read time.
    body: text('body').notNull(),
    status: postStatus('status').default('draft').notNull(),
    // Estimated by the editor on save; null until the first save.
    readingMinutes: integer('reading_minutes'),
    metadata: jsonb('metadata').$type<PostMetadata>(),
    // Set when the post first moves to `published`; null for drafts.
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [
    index('posts_author_id_idx').on(t.authorId),
    // Serves the home page feed: published posts, newest first.
    index('posts_status_published_at_idx').on(t.status, t.publishedAt),
  ],
);

export const comments = pgTable(
  'comments',
  {
    // Comments outnumber posts by far, so use a 64-bit key from the start.
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    // No cascade: deleting a user who still has comments fails, so threads
    // never lose replies silently. Moderation reassigns or removes them first.
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (t) => [index('comments_post_id_idx').on(t.postId)],
);

export const tags = pgTable(
  'tags',
  {
    id: serial('id').primaryKey(),
    // Display name, e.g. "Node.js".
    name: varchar('name', { length: 50 }).notNull().unique(),
    // URL form of the name, e.g. "node-js".
    slug: varchar('slug', { length: 60 }).notNull(),
  },
  (t) => [uniqueIndex('tags_slug_idx').on(t.slug)],
);

/** Many-to-many link between posts and tags. */
export const postsToTags = pgTable(
  'posts_to_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.postId, t.tagId] }),
    // The primary key covers lookups by post; this one serves "posts with tag X".
    index('posts_to_tags_tag_id_idx').on(t.tagId),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Post = typeof posts.$inferSelect;
export type NewPost = typeof posts.$inferInsert;
export type Comment = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;
export type Tag = typeof tags.$inferSelect;
export type NewTag = typeof tags.$inferInsert;
