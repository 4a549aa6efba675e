import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureMetadataLockWait } from '../src/dialect/mysql/metadata-locks.js';
import { openMysqlShadow, type MysqlShadow } from '../src/dialect/mysql/shadow.js';

const SERVER_URL = process.env.MYSQL_SHADOW_TEST_URL?.trim() || null;

describe.skipIf(SERVER_URL === null)('metadata locks on a MySQL shadow', () => {
  let shadow: MysqlShadow;

  beforeAll(async () => {
    shadow = await openMysqlShadow({ url: SERVER_URL! });
    await shadow.exec("CREATE TABLE users (id int PRIMARY KEY, email varchar(100)); INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');");
  });

  afterAll(async () => {
    await shadow?.close();
  });

  it('an INSTANT ALTER waits behind an open transaction, blocks the reads after it, and gives up at lock_wait_timeout', async () => {
    const wait = await measureMetadataLockWait(shadow, { table: 'users', statement: 'ALTER TABLE users ADD COLUMN bio text NULL, ALGORITHM=INSTANT', lockWaitTimeoutSeconds: 1 });
    expect(wait).toMatchObject({ alterWaited: true, laterReadsBlocked: true, alterTimedOut: true, readsResumed: true });
    expect(wait.alterError).toMatch(/Lock wait timeout exceeded/);
    expect(wait.alterWaitMs).toBeGreaterThanOrEqual(900);
    expect(wait.alterWaitMs).toBeLessThan(5_000);
    // It ran on a copy: the shadow has no bio column.
    const columns = await shadow.query<{ name: string }>("SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'");
    expect(columns.map((column) => column.name)).toEqual(['id', 'email']);
  });

  it('a statement on another table does not wait', async () => {
    await shadow.exec('CREATE TABLE other (id int PRIMARY KEY)');
    const wait = await measureMetadataLockWait(shadow, { table: 'users', statement: 'ALTER TABLE other ADD COLUMN c int NULL' });
    expect(wait).toMatchObject({ alterWaited: false, laterReadsBlocked: false, alterTimedOut: false, alterError: null });
  });
});
