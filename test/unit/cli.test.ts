import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiClient, SubscriptionSink } from '../../src/cli/client.js';
import { SubscriptionError, unreachable } from '../../src/cli/client.js';
import { DEFAULT_URL, loadCliConfig, siblingUrl } from '../../src/cli/config.js';
import { trendLines } from '../../src/cli/evaluation-view.js';
import { InvalidUtf8Error, readLines } from '../../src/cli/lines.js';
import { followJudgments, retryDelay } from '../../src/cli/live.js';
import type { JudgmentEvent } from '../../src/cli/live.js';
import { createBoard } from '../../src/cli/progress.js';
import { addJudgment, emptyTally, renderBoard } from '../../src/cli/watch-view.js';

const judgment = (seq: number, verdict: JudgmentEvent['verdict'] = 'A', correct = true): JudgmentEvent => ({
  seq,
  order: 'CHOSEN_FIRST',
  sample: 0,
  verdict,
  correct,
  pair: { id: String(seq) },
  usage: { promptTokens: 10, completionTokens: 2 },
});

describe(loadCliConfig.name, () => {
  it('prefers flags to STE_URL and STE_TOKEN, and derives the WebSocket URL', () => {
    expect(loadCliConfig({}, {})).toEqual({ url: DEFAULT_URL, wsUrl: 'ws://127.0.0.1:4000/graphql', token: null });
    const config = loadCliConfig({ token: 'flag' }, { STE_URL: 'https://ste.example/api/graphql', STE_TOKEN: 'env' });
    expect(config).toEqual({ url: 'https://ste.example/api/graphql', wsUrl: 'wss://ste.example/api/graphql', token: 'flag' });
    expect(siblingUrl(config, 'exports/iterations/3/judgments.jsonl')).toBe('https://ste.example/api/exports/iterations/3/judgments.jsonl');
  });

  it('refuses a URL that is not http(s) as a usage error', () => {
    expect(() => loadCliConfig({ url: 'ftp://x' }, {})).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('http:// or https://') }));
    expect(() => loadCliConfig({ url: 'not a url' }, {})).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe(unreachable.name, () => {
  it('names the reason from the error code behind a failed fetch', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(unreachable('http://h/graphql', error).message).toBe('cannot reach the server at http://h/graphql (connection refused): is it running? Point --url or STE_URL at it');
  });
});

describe(followJudgments.name, () => {
  it('resubscribes after a drop from the last seq delivered, and skips what it already counted', () => {
    vi.useFakeTimers();
    const subscriptions: { variables: Record<string, unknown>; sink: SubscriptionSink<{ judgmentAdded: JudgmentEvent }> }[] = [];
    const api = {
      subscribe: (_query: string, variables: Record<string, unknown>, sink: SubscriptionSink<{ judgmentAdded: JudgmentEvent }>) => {
        subscriptions.push({ variables, sink });
        return () => {};
      },
    } as unknown as ApiClient;
    const seen: number[] = [];
    const retries: number[] = [];
    const handle = followJudgments(api, '7', 0, { onJudgment: (j) => seen.push(j.seq), onRetry: (attempt) => retries.push(attempt), onFatal: () => {} });
    subscriptions[0]!.sink.next({ judgmentAdded: judgment(1) });
    subscriptions[0]!.sink.next({ judgmentAdded: judgment(2) });
    subscriptions[0]!.sink.error(new SubscriptionError('socket closed', true));
    vi.runAllTimers();
    expect(subscriptions[1]!.variables).toEqual({ iterationId: '7', afterSeq: 2 });
    // A replay that overlaps what was delivered before the drop is not counted twice.
    subscriptions[1]!.sink.next({ judgmentAdded: judgment(2) });
    subscriptions[1]!.sink.next({ judgmentAdded: judgment(3) });
    expect(seen).toEqual([1, 2, 3]);
    expect(retries).toEqual([1]);
    expect(handle.lastSeq()).toBe(3);
    handle.stop();
    vi.useRealTimers();
  });

  it('stops on an error that retrying cannot fix', () => {
    let sink: SubscriptionSink<unknown> | undefined;
    const api = { subscribe: (_q: string, _v: unknown, s: SubscriptionSink<unknown>) => ((sink = s), () => {}) } as unknown as ApiClient;
    const fatal: string[] = [];
    followJudgments(api, '7', 0, { onJudgment: () => {}, onFatal: (e) => fatal.push(e.message) });
    sink!.error(new SubscriptionError('iterationId: no iteration with id 7', false));
    expect(fatal).toEqual(['iterationId: no iteration with id 7']);
  });

  it('backs off from about 250 ms to at most 5 s', () => {
    expect(retryDelay(1, () => 1)).toBe(250);
    expect(retryDelay(1, () => 0)).toBe(125);
    expect(retryDelay(20, () => 1)).toBe(5000);
  });
});

describe(renderBoard.name, () => {
  it('shows the stages with bars, the tally and the latest judgments', () => {
    const tally = emptyTally();
    for (const j of [judgment(1), judgment(2, 'B', false), judgment(3, 'UNPARSEABLE', false)]) addJudgment(tally, j);
    const lines = renderBoard({
      title: 'experiment 1 "demo"',
      iteration: { id: '4', index: 2, judgeModel: 'm', status: 'RUNNING' },
      stages: [{ id: '9', kind: 'JUDGE', status: 'RUNNING', total: 4, done: 1, failed: 0, iterationId: '4', error: null }],
      tally,
      tail: [judgment(3, 'UNPARSEABLE', false)],
      note: 'reconnecting (attempt 1)',
    });
    expect(lines).toEqual([
      'experiment 1 "demo"',
      'iteration 2 (id 4) · judge m · RUNNING',
      '  JUDGE           RUNNING    [█████░░░░░░░░░░░░░░░] 1/4',
      'judgments 3 · correct 1 (33.3%) · A 1 · B 1 · tie 0 · unparseable 1 · tokens 30 in / 6 out',
      '  #3  pair 3  y_w first   sample 0  → UNPARSEABLE  unparseable',
      'reconnecting (attempt 1)',
    ]);
  });
});

describe(createBoard.name, () => {
  it('writes only lasting lines when the stream is not a terminal', () => {
    const written: string[] = [];
    const board = createBoard({ write: (text) => written.push(text) > 0, isTTY: false });
    board.update(['progress']);
    board.log('JUDGE SUCCEEDED');
    board.close();
    expect(written).toEqual(['JUDGE SUCCEEDED\n']);
  });
});

describe(trendLines.name, () => {
  it('names judges M1 (seed), M2, ... and shows the newest evaluation of each', () => {
    const e = (id: string, value: number, status = 'SUCCEEDED') => ({ id, status, benchmark: { id: 'b', name: 'llmbar' }, overall: { accuracy: { value, low: value - 0.05, high: value + 0.05 } } });
    const lines = trendLines([e('3', 0.6), e('1', 0.1)], [{ index: 1, evaluations: [e('4', 0.7)] }, { index: 2, evaluations: [e('5', 0, 'RUNNING')] }]);
    expect(lines).toEqual(['llmbar accuracy: M1 (seed) 60.0% [55.0–65.0] → M2 70.0% [65.0–75.0] → M3 RUNNING']);
  });
});

describe(readLines.name, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ste-lines-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads CRLF and LF lines, drops a byte-order mark, and keeps a last line without a newline', async () => {
    const file = path.join(dir, 'a.jsonl');
    await writeFile(file, '\uFEFF{"a":1}\r\n\n{"b":2}');
    const lines = [];
    for await (const line of readLines(file)) lines.push([line.number, line.text]);
    expect(lines).toEqual([[1, '{"a":1}'], [2, ''], [3, '{"b":2}']]);
  });

  it('names the line whose bytes are not UTF-8', async () => {
    const file = path.join(dir, 'b.jsonl');
    await writeFile(file, Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
    const read = async () => {
      for await (const _ of readLines(file));
    };
    await expect(read()).rejects.toEqual(new InvalidUtf8Error(2));
  });
});
