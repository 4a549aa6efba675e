import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { REPO_ROOT } from './example-project.js';

/**
 * A real SQLite file for examples/drizzle-sqlite-app, migrated by drizzle-orm's own
 * better-sqlite3 migrator as the example's `npm run migrate` does: what the plugin's and the
 * CLI's SQLite tests apply their migrations to.
 */

/** The example's `npm run migrate` (tsx src/migrate.ts) on `databaseFile`. */
export function runMigrate(root: string, databaseFile: string): { status: number | null; output: string } {
  const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['src/migrate.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_FILE: databaseFile },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** What `npm run migrate` runs (src/migrate.ts), in this process: drizzle-orm's better-sqlite3 migrator over the copy's folder. */
export function migrateInProcess(root: string, databaseFile: string): void {
  const client = new Database(databaseFile);
  try {
    migrate(drizzle({ client }), { migrationsFolder: join(root, 'drizzle') });
  } finally {
    client.close();
  }
}

/** A database migrated to the example's history, with two users, their posts and a comment. */
export function seededDatabase(root: string): string {
  const file = join(root, 'blog.db');
  migrateInProcess(root, file);
  const db = new Database(file);
  try {
    db.exec(`
      INSERT INTO users (email, display_name, bio) VALUES ('ada@example.com', 'Ada', 'Analyst'), ('alan@example.com', 'Alan', 'Logician');
      INSERT INTO posts (author_id, title, body) SELECT id, 'Notes of ' || display_name, '...' FROM users;
      INSERT INTO comments (post_id, author_id, body) SELECT p.id, u.id, 'Nice' FROM posts p JOIN users u ON u.email = 'alan@example.com' LIMIT 1;
    `);
  } finally {
    db.close();
  }
  return file;
}

export function query(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
