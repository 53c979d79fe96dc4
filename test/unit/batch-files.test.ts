/** The Batch API's formats (src/llm/batches.ts) and the experiment fields that choose it. */
import { describe, expect, it } from 'vitest';
import { batchLine, LlmError, parseBatchResults } from '../../src/llm/index.js';
import { resolveExperimentConfig } from '../../src/services/experiments/config.js';
import { parseSimulatorOptions } from '../../src/sim/server.js';

const DEFAULTS = { generatorModel: 'sim-generator', judgeModel: 'sim-judge' };

describe('batch request lines', () => {
  it('writes the body an online request sends, with custom_id, method and url', () => {
    const line = batchLine('12:CHOSEN_FIRST#0', { model: 'm', messages: [{ role: 'user', content: 'q' }], n: 4, temperature: 0.7, top_p: 0.9, max_tokens: 100, seed: 7 });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({
      custom_id: '12:CHOSEN_FIRST#0',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'm', messages: [{ role: 'user', content: 'q' }], n: 4, temperature: 0.7, top_p: 0.9, max_tokens: 100, seed: 7 },
    });
  });

  it('leaves n out when 1 and sends the limit as max_completion_tokens when the endpoint wants it', () => {
    const body = (JSON.parse(batchLine('a#0', { model: 'm', messages: [], max_tokens: 5 }, 'max_completion_tokens')) as { body: Record<string, unknown> }).body;
    expect(body).toEqual({ model: 'm', messages: [], max_completion_tokens: 5 });
  });
});

describe('batch result files', () => {
  it('reads answers, failed lines and expired lines by custom_id', () => {
    const text = [
      JSON.stringify({ id: 'r1', custom_id: 'a#0', response: { status_code: 200, body: { model: 'm', choices: [{ index: 1, message: { content: 'second' }, finish_reason: 'length' }, { index: 0, message: { content: 'first' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 4 } } }, error: null }),
      JSON.stringify({ id: 'r2', custom_id: 'b#0', response: { status_code: 500, body: { error: { message: 'boom', code: null } } }, error: null }),
      JSON.stringify({ id: 'r3', custom_id: 'c#1', response: null, error: { code: 'batch_expired', message: 'not executed in time' } }),
      '',
    ].join('\n');
    expect(parseBatchResults(text)).toEqual([
      { customId: 'a#0', ok: true, choices: [{ text: 'first', finishReason: 'stop' }, { text: 'second', finishReason: 'length' }], usage: { promptTokens: 10, completionTokens: 4 }, model: 'm' },
      { customId: 'b#0', ok: false, error: 'HTTP 500: boom', status: 500 },
      { customId: 'c#1', ok: false, error: 'not executed in time (batch_expired)', status: null },
    ]);
  });

  it('reads a NUL character and an unpaired surrogate in an answer as U+FFFD (PostgreSQL stores neither)', () => {
    const line = '{"custom_id":"a#0","response":{"status_code":200,"body":{"choices":[{"index":0,"message":{"content":"x\\u0000y\\udc00z\\ud83d\\ude00 [[A]]"},"finish_reason":"st\\u0000op"}]}},"error":null}';
    const [outcome] = parseBatchResults(`${line}\n`);
    expect(outcome).toMatchObject({ ok: true, choices: [{ text: 'x\uFFFDy\uFFFDz\u{1F600} [[A]]', finishReason: 'st\uFFFDop' }] });
  });

  it('estimates a token count that is not a whole number an integer column holds, as a missing one', () => {
    const line = (usage: object) => JSON.stringify({ custom_id: 'a#0', response: { status_code: 200, body: { choices: [{ index: 0, message: { content: '12345678' }, finish_reason: 'stop' }], usage } } });
    expect(parseBatchResults(line({ prompt_tokens: 12.5, completion_tokens: -3 }))[0]).toMatchObject({ usage: { promptTokens: 0, completionTokens: 2 } });
    expect(parseBatchResults(line({ prompt_tokens: 2 ** 31, completion_tokens: '7' }))[0]).toMatchObject({ usage: { promptTokens: 0, completionTokens: 2 } });
    expect(parseBatchResults(line({ prompt_tokens: 40, completion_tokens: 7 }))[0]).toMatchObject({ usage: { promptTokens: 40, completionTokens: 7 } });
  });

  it('refuses a file whose line is not a result line', () => {
    expect(() => parseBatchResults('{"custom_id": "a"}\nnot json\n')).toThrow(new LlmError('batch result file line 2 is not JSON', { kind: 'transient', attempts: 1 }));
    expect(() => parseBatchResults('{"response": {}}\n')).toThrow('batch result file line 1 has no custom_id');
  });
});

describe('config.execution and config.batchRetry', () => {
  it('default to ONLINE and NEXT_BATCH', () => {
    expect(resolveExperimentConfig({}, DEFAULTS)).toMatchObject({ execution: 'ONLINE', batchRetry: 'NEXT_BATCH' });
    expect(resolveExperimentConfig({ execution: 'BATCH', batchRetry: 'ONLINE' }, DEFAULTS)).toMatchObject({ execution: 'BATCH', batchRetry: 'ONLINE' });
  });

  it('refuse an unknown value with a field error', () => {
    expect(() => resolveExperimentConfig({ execution: 'SOMETIMES' as never }, DEFAULTS)).toThrow('config.execution: must be one of ONLINE, BATCH, got "SOMETIMES"');
    expect(() => resolveExperimentConfig({ batchRetry: 'LATER' as never }, DEFAULTS)).toThrow('config.batchRetry: must be one of NEXT_BATCH, ONLINE, got "LATER"');
  });
});

describe('the simulator options of its Batch API', () => {
  it('reads SIM_BATCHES, SIM_BATCH_MS, SIM_BATCH_ERROR_RATE and SIM_BATCH_EXPIRE_RATE', () => {
    expect(parseSimulatorOptions({ SIM_BATCHES: 'false', SIM_BATCH_MS: '250', SIM_BATCH_ERROR_RATE: '0.1', SIM_BATCH_EXPIRE_RATE: '0.2' })).toEqual({ batches: false, batchMs: 250, batchErrorRate: 0.1, batchExpireRate: 0.2 });
  });

  it('refuses a bad value naming the variable, with an example', () => {
    expect(() => parseSimulatorOptions({ SIM_BATCH_EXPIRE_RATE: '2' })).toThrow('SIM_BATCH_EXPIRE_RATE must be a number between 0 and 1, got "2" (example: SIM_BATCH_EXPIRE_RATE=0.1)');
    expect(() => parseSimulatorOptions({ SIM_BATCHES: 'maybe' })).toThrow('SIM_BATCHES must be true or false, got "maybe" (example: SIM_BATCHES=true)');
  });
});
