import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { OrmAiError } from '../errors.js';

/** Every database and role this tool creates is named `orm_ai_shadow_<12 hex>`; it drops only those. */
export const SHADOW_DATABASE_PREFIX = 'orm_ai_shadow_';

const SHADOW_NAME = /^orm_ai_shadow_[0-9a-f]{12}$/;

/** A fresh name for a throwaway database or role: the prefix and 12 random hex digits, safe to interpolate. */
export function newShadowName(): string {
  return `${SHADOW_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
}

/** The name itself when this tool could have made it; anything else throws, as a last guard before a DROP. */
export function shadowName(name: string): string {
  if (!SHADOW_NAME.test(name)) throw new OrmAiError('SHADOW_UNAVAILABLE', `refusing to touch "${name}": not a shadow database this tool made`);
  return name;
}

export function isShadowName(name: string): boolean {
  return SHADOW_NAME.test(name);
}

/** This process's run, as recorded on everything it creates. */
export const RUN_ID = randomBytes(6).toString('hex');

/**
 * What a throwaway database or role records about the run that made it, as its COMMENT:
 * a later run removes leftovers by age, and a person can see where one came from.
 */
export interface ShadowLabel {
  readonly tool: 'orm-ai';
  readonly run: string;
  readonly pid: number;
  readonly host: string;
  /** ISO 8601. */
  readonly created: string;
}

export function shadowLabel(now: Date = new Date()): ShadowLabel {
  return { tool: 'orm-ai', run: RUN_ID, pid: process.pid, host: hostname(), created: now.toISOString() };
}

/** The label in a COMMENT, or null when the comment is not one (a database made by an older version). */
export function parseShadowLabel(comment: string | null): ShadowLabel | null {
  if (comment === null) return null;
  try {
    const label = JSON.parse(comment) as Partial<ShadowLabel>;
    if (label.tool !== 'orm-ai' || typeof label.run !== 'string' || typeof label.created !== 'string' || Number.isNaN(Date.parse(label.created))) return null;
    return label as ShadowLabel;
  } catch {
    return null;
  }
}

/** A JSON label as a SQL string literal (it holds no quote a hostname could not: escaped anyway). */
export function labelLiteral(label: ShadowLabel = shadowLabel()): string {
  return `'${JSON.stringify(label).replaceAll("'", "''")}'`;
}

/** A throwaway database, role or account older than this, with no session on it, was left by a run that died. */
export const STALE_SHADOW_AGE_MS = 60 * 60 * 1000;
