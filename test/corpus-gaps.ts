/**
 * What the corpus cannot pass yet, by project and check: the reason, and the exact failure it
 * causes, which the corpus suite expects instead of success. The README's list of gaps says the same.
 */
export type CorpusCheck = 'model' | 'plan-1' | 'plan-2' | 'plan-3' | 'plan-4' | 'plan-5';

export interface CorpusGap {
  readonly reason: string;
  /** The run is refused with this error code. */
  readonly refusedWith?: string;
  /** The model read differs from expect.json in exactly these ways. */
  readonly modelDifferences?: readonly string[];
}

const HAND_MADE_INDEXES: CorpusGap = {
  reason:
    'four indexes (two trigram, two GIN) are created by hand in its migrations and not declared in schema.prisma, so Prisma\'s engine would drop them in any new migration (as `prisma migrate dev` would): refused as drift',
  refusedWith: 'SCHEMA_OUT_OF_SYNC',
};

const RENAMED_BY_HAND_AND_DRIFT: CorpusGap = {
  reason:
    "User.email_verified_at is in its migrations but not in schema.prisma, and its hand-written rename migration (20260528120000_rename_connector_to_feedback_source) named two foreign keys and two unique indexes after the field (feedbackSourceId) where Prisma's default names use the mapped column (feedback_source_id), two of them cut to 63 bytes by PostgreSQL; Prisma's engine would drop the column and rename the four in any new migration (as `prisma migrate dev` would): refused as drift",
  refusedWith: 'SCHEMA_OUT_OF_SYNC',
};

const LIST_NOT_NULL_AND_DRIFT: CorpusGap = {
  reason:
    'nine String[] columns are NOT NULL only because its migrations say so by hand (a Prisma schema cannot say it), and User.email_verified_at is in its migrations but not in schema.prisma (drift)',
  modelDifferences: [
    'column User.email_verified_at is missing',
    ...['oauthAccessToken.scopes', 'oauthClient.scopes', 'oauthClient.contacts', 'oauthClient.redirectUris', 'oauthClient.postLogoutRedirectUris', 'oauthClient.grantTypes', 'oauthClient.responseTypes', 'oauthConsent.scopes', 'oauthRefreshToken.scopes'].map(
      (column) => `column ${column} is nullable, the catalog has the opposite`,
    ),
  ],
};

const DRIFT_KEPT_BY_HAND: CorpusGap = {
  reason:
    "its migrations and schema.prisma differ on purpose, and its CLAUDE.md tells developers to delete the extra lines from every migration Prisma generates: 30 foreign keys (TaskRun's eight and those of 12 other tables) dropped by hand, the implicit many-to-many tables kept on Prisma 5's unique index instead of Prisma 6's primary key, indexes made by hand (TaskRun's with INCLUDE and fillfactor), `updatedAt` defaults, a missing index, and SecretStore_key_idx (`ops: raw(\"text_pattern_ops\")`), which Prisma's engine drops and re-creates in every diff; Prisma 6.14's engine would write all of it into any new migration: refused as drift",
  refusedWith: 'SCHEMA_OUT_OF_SYNC',
};

const HAND_MADE_LIST_NOT_NULL: CorpusGap = {
  reason: 'two String[] columns are NOT NULL only because its migrations say so by hand (a Prisma schema cannot say it)',
  modelDifferences: ['Session.tags', 'api_keys.scopes'].map((column) => `column ${column} is nullable, the catalog has the opposite`),
};

export const CORPUS_GAPS: Readonly<Record<string, Partial<Record<CorpusCheck, CorpusGap>>>> = {
  'prisma-hoppscotch': { 'plan-1': HAND_MADE_INDEXES, 'plan-2': HAND_MADE_INDEXES, 'plan-3': HAND_MADE_INDEXES, 'plan-4': HAND_MADE_INDEXES },
  'prisma-trigger-dev': { model: HAND_MADE_LIST_NOT_NULL, 'plan-1': DRIFT_KEPT_BY_HAND, 'plan-2': DRIFT_KEPT_BY_HAND, 'plan-3': DRIFT_KEPT_BY_HAND, 'plan-4': DRIFT_KEPT_BY_HAND },
  'prisma-formbricks': {
    model: LIST_NOT_NULL_AND_DRIFT,
    'plan-1': RENAMED_BY_HAND_AND_DRIFT,
    'plan-2': RENAMED_BY_HAND_AND_DRIFT,
    'plan-3': RENAMED_BY_HAND_AND_DRIFT,
    'plan-4': RENAMED_BY_HAND_AND_DRIFT,
  },
};
