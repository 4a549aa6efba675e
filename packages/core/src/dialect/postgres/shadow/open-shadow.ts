import { describeError, OrmAiError } from '../../../errors.js';
import { openPgliteShadow } from './pglite-shadow.js';
import { openServerShadow } from './server-shadow.js';
import type { OpenShadowOptions, ShadowDatabase } from '../../../shadow/shadow-database.js';

/**
 * Opens the shadow the user chose: a server database for a URL, else embedded PGlite able to
 * create the extensions `options.sql` creates (`SHADOW_EXTENSION_UNAVAILABLE` when it cannot).
 */
export async function openShadowDatabase(options: OpenShadowOptions = {}): Promise<ShadowDatabase> {
  if (options.server) return openServerShadow(options.server);
  try {
    return await openPgliteShadow(options.sql);
  } catch (error) {
    if (error instanceof OrmAiError) throw error;
    throw new OrmAiError('SHADOW_UNAVAILABLE', `the embedded PGlite shadow did not start: ${describeError(error)}`, {
      hint: 'Pass --shadow-url postgres://... to use a PostgreSQL server instead.',
      cause: error,
    });
  }
}
