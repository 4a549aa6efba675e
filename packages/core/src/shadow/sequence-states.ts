import { PostgresCatalogReader, type SequenceStates } from '../dialect/postgres/catalog-reader.js';
import type { ShadowDatabase } from './shadow-database.js';

export type { SequenceStates } from '../dialect/postgres/catalog-reader.js';

/** Where every sequence the shadow's role may set stands now: one query. */
export async function readSequenceStates(shadow: ShadowDatabase): Promise<SequenceStates> {
  return new PostgresCatalogReader(shadow).sequenceStates();
}

/** Sets back the sequences that no longer stand as in `before`, in one query (none without sequences); returns how many. */
export async function restoreSequenceStates(shadow: ShadowDatabase, before: SequenceStates): Promise<number> {
  return new PostgresCatalogReader(shadow).restoreSequenceStates(before);
}
