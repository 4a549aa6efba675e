/**
 * What the corpus cannot pass yet, by project and check, with the reason. The corpus suite runs
 * each of these as an expected failure; the README's list of gaps says the same.
 */
export type CorpusCheck = 'model' | 'plan-1' | 'plan-2' | 'plan-3' | 'plan-4' | 'plan-5';

export const CORPUS_GAPS: Readonly<Record<string, Partial<Record<CorpusCheck, string>>>> = {};
