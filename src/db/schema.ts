/**
 * The tables, in two files: core-tables.ts (experiments, instructions, pairs, iterations, judgments,
 * stages, benchmarks, evaluations, the audit log) and stage-records.ts (what stages record beside
 * their results). Migrations in /migrations are generated from this file by drizzle-kit
 * (`npm run db:generate`); a test fails when the two drift.
 */
export * from './core-tables.js';
export * from './stage-records.js';
