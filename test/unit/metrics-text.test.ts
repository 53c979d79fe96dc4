/**
 * The Prometheus text the metrics module writes, read back by the test parser (which must refuse
 * what Prometheus would), and the METRICS_PORT server.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/http/metrics.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text.js';

describe('metrics text', () => {
  it("adds a worker thread's registry to the API's: counters and histograms summed, process metrics once", async () => {
    const api = new Metrics({ queueDepth: async () => ({ 'stage-batch': 4 }) });
    const worker = new Metrics({ endpoints: () => [{ endpoint: 'gpu', inFlight: 5, queued: 0, concurrencyLimit: 64 }], processMetrics: false });
    api.addPeer(() => worker.snapshot());
    const commit = { waitSeconds: 0.004, transactionSeconds: 0.02 };
    api.batchCommitted({ kind: 'JUDGE', done: 2, failed: 0, commit });
    worker.batchCommitted({ kind: 'JUDGE', done: 30, failed: 1, commit });
    worker.batchCommitted({ kind: 'SELECT', done: 7, failed: 0, commit: { waitSeconds: 0, transactionSeconds: 0.3 } });
    api.wsOpened();
    await new Promise((resolve) => setTimeout(resolve, 50)); // a few samples of the thread's event-loop lag
    const e = parsePrometheusText(await api.text());
    const all = (name: string) => e.samples.filter((s) => s.name === name);
    expect(sampleValue(e, 'ste_stage_items_total', { kind: 'JUDGE', outcome: 'done' })).toBe(31);
    expect(sampleValue(e, 'ste_stage_items_total', { kind: 'JUDGE', outcome: 'failed' })).toBe(1);
    expect(sampleValue(e, 'ste_stage_items_total', { kind: 'SELECT', outcome: 'done' })).toBe(7);
    expect(sampleValue(e, 'ste_stage_batch_commit_seconds_count', { kind: 'JUDGE' })).toBe(2);
    expect(sampleValue(e, 'ste_stage_batch_commit_seconds_bucket', { kind: 'JUDGE', le: '0.025' })).toBe(2);
    expect(sampleValue(e, 'ste_stage_batch_commit_seconds_sum', { kind: 'JUDGE' })).toBeCloseTo(0.04, 9);
    expect(sampleValue(e, 'ste_queue_depth', { queue: 'stage-batch' })).toBe(4);
    expect(sampleValue(e, 'ste_llm_in_flight', { endpoint: 'gpu' })).toBe(5);
    expect(sampleValue(e, 'ste_llm_concurrency_limit', { endpoint: 'gpu' })).toBe(64);
    expect(sampleValue(e, 'ste_websocket_connections')).toBe(1);
    expect(all('process_start_time_seconds')).toHaveLength(1);
    expect(all('nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect(e.types.get('ste_worker_thread_eventloop_lag_seconds')).toBe('gauge');
    expect(all('ste_worker_thread_eventloop_lag_seconds').map((s) => s.labels.quantile)).toEqual(['p50', 'p99', 'max']);
    // The worker's own registry has no process metrics (they are the process's, reported once).
    expect(parsePrometheusText(await worker.text()).types.has('process_start_time_seconds')).toBe(false);
  });

  it('writes counters and histograms the parser reads back exactly', async () => {
    const metrics = new Metrics({ queueDepth: async () => ({ 'stage-batch': 7 }), endpoints: () => [{ endpoint: 'gpu', inFlight: 3, queued: 2, concurrencyLimit: 16 }] });
    const judge = metrics.forEndpoint('gpu');
    judge.attempt({ model: 'm "quoted"\\n' })({ status: '200', seconds: 0.2 });
    judge.attempt({ model: 'm "quoted"\\n' })({ status: '429', seconds: 0.01 });
    judge.retry({ rateLimited: true, waitMs: 1500 });
    metrics.batchCommitted({ kind: 'JUDGE', done: 10, failed: 2, commit: { waitSeconds: 0.004, transactionSeconds: 0.02 }, usage: { endpoint: 'gpu', model: 'm', promptTokens: 1000, completionTokens: 50, usd: 0.0011 } });
    metrics.batchCommitted({ kind: 'JUDGE', done: 0, failed: 0, commit: { waitSeconds: 0.3, transactionSeconds: 0.002 } });
    metrics.commitGrouped({ kind: 'JUDGE', batches: 3 });
    metrics.commitGrouped({ kind: 'JUDGE', batches: 1 });
    metrics.leasesReclaimed(3);
    metrics.wsOpened();
    metrics.wsSlowConsumer();
    const e = parsePrometheusText(await metrics.text());
    expect(sampleValue(e, 'ste_stage_items_total', { kind: 'JUDGE', outcome: 'done' })).toBe(8);
    expect(sampleValue(e, 'ste_stage_items_total', { kind: 'JUDGE', outcome: 'failed' })).toBe(2);
    expect(sampleValue(e, 'ste_llm_request_duration_seconds_count', { endpoint: 'gpu', model: 'm "quoted"\\n' })).toBe(2);
    expect(sampleValue(e, 'ste_llm_request_duration_seconds_bucket', { endpoint: 'gpu', le: '0.1' })).toBe(1);
    expect(sampleValue(e, 'ste_llm_responses_total', { endpoint: 'gpu', status: '429' })).toBe(1);
    expect(sampleValue(e, 'ste_llm_retries_total', { endpoint: 'gpu', reason: 'rate_limited' })).toBe(1);
    expect(sampleValue(e, 'ste_llm_rate_limit_wait_seconds_total', { endpoint: 'gpu' })).toBe(1.5);
    expect(sampleValue(e, 'ste_tokens_total', { model: 'm', type: 'prompt' })).toBe(1000);
    expect(sampleValue(e, 'ste_cost_usd_total', { model: 'm' })).toBe(0.0011);
    expect(sampleValue(e, 'ste_queue_lease_reclaims_total')).toBe(3);
    // commits: the first waited 4 ms for its turn and took 20 ms, the second 300 ms and 2 ms
    expect(sampleValue(e, 'ste_stage_batch_commit_wait_seconds_count', { kind: 'JUDGE' })).toBe(2);
    expect(sampleValue(e, 'ste_stage_batch_commit_wait_seconds_bucket', { kind: 'JUDGE', le: '0.005' })).toBe(1);
    expect(sampleValue(e, 'ste_stage_batch_commit_wait_seconds_sum', { kind: 'JUDGE' })).toBeCloseTo(0.304, 9);
    expect(sampleValue(e, 'ste_stage_batch_commit_seconds_bucket', { kind: 'JUDGE', le: '0.0025' })).toBe(1);
    expect(sampleValue(e, 'ste_stage_batch_commit_seconds_bucket', { kind: 'JUDGE', le: '0.025' })).toBe(2);
    // two transactions: one of 3 batches, one of 1
    expect([1, 2, 4].map((le) => sampleValue(e, 'ste_stage_commit_batches_bucket', { kind: 'JUDGE', le: String(le) }))).toEqual([1, 1, 2]);
    expect(sampleValue(e, 'ste_stage_commit_batches_sum', { kind: 'JUDGE' })).toBe(4);
    expect(sampleValue(e, 'ste_queue_depth', { queue: 'stage-batch' })).toBe(7);
    expect([sampleValue(e, 'ste_llm_in_flight'), sampleValue(e, 'ste_llm_queued'), sampleValue(e, 'ste_llm_concurrency_limit')]).toEqual([3, 2, 16]);
    expect([sampleValue(e, 'ste_websocket_connections'), sampleValue(e, 'ste_websocket_slow_consumer_closes_total')]).toEqual([1, 1]);
  });

  it('the parser refuses what is not the text format', () => {
    expect(() => parsePrometheusText('x_total 1\n')).toThrow(/line 1 .*sample of x_total before its TYPE/);
    expect(() => parsePrometheusText('# TYPE x counter\nx{a="1" 2\n')).toThrow(/line 2 .*bad label/);
    expect(() => parsePrometheusText('# TYPE x counter\nx one\n')).toThrow(/line 2 .*value one is not a number/);
    expect(() => parsePrometheusText('# TYPE x counter\n# TYPE x gauge\n')).toThrow(/x typed twice/);
    expect(() => parsePrometheusText('# TYPE x counter\n#comment\n')).toThrow(/not a HELP or TYPE comment/);
  });

  it('serves GET /metrics on a port of its own and nothing else', async () => {
    const metrics = new Metrics();
    metrics.leasesReclaimed(2);
    const server = await startMetricsServer(metrics, '127.0.0.1', 0, pino({ level: 'silent' }));
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(sampleValue(parsePrometheusText(await res.text()), 'ste_queue_lease_reclaims_total')).toBe(2);
      expect((await fetch(server.url.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
