/**
 * `@orm-ai/core/typescript`: what plugins whose schema is TypeScript source (Drizzle's
 * tables, TypeORM's entities) share: formatting-preserving text changes and an in-memory
 * type check of the edited files. A separate entry point, so that plugins without
 * TypeScript sources (Prisma) never load the TypeScript compiler.
 */
export * from './text-changes.js';
export * from './typecheck-sources.js';
export * from './source-typecheck.js';
export * from './source-style.js';
export * from './syntax-errors.js';
