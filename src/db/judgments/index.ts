/**
 * The judgments table, one statement family per file: insert (with counters and NOTIFY), list,
 * counters, selection (SELECT), training rows, DPO rows, export. Import this module as `judgmentsRepo`.
 */
export * from './insert.js';
export * from './list.js';
export * from './count.js';
export * from './counters.js';
export * from './selection.js';
export * from './training.js';
export * from './dpo.js';
export * from './export.js';
