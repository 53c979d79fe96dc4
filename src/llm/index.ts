export { createLlmClient, resolveEndpointConfig, DEFAULT_ENDPOINT_CONFIG } from './client.js';
export { isEndpointRefusal, LlmError, parseRetryAfter, type LlmErrorKind } from './errors.js';
export type * from './types.js';
export { batchLine, parseBatchResults, DEFAULT_BATCH_LIMITS, type BatchLimits, type BatchLineOutcome } from './batches.js';
