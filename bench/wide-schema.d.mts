/** Types for wide-schema.mjs, which the tests import too. */
export function wideSchemaSource(tableCount: number): string;
export const WIDE_CONFIG: string;
