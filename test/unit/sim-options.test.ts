import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_OPTIONS, parseSimulatorOptions, resolveSimulatorOptions } from '../../src/config/simulator.js';

describe(parseSimulatorOptions.name, () => {
  it('reads the SIM_* variables it is given and skips unset or empty ones', () => {
    expect(
      parseSimulatorOptions({
        SIM_PORT: '4010',
        SIM_LATENCY_MS: '25',
        SIM_JITTER_MS: '',
        SIM_MAX_CONCURRENCY: 'unlimited',
        SIM_ERROR_RATE: '0.2',
        SIM_TIMEOUT_RATE: '0',
        SIM_MALFORMED_RATE: '1',
        SIM_TRUNCATED_RATE: '.05',
        SIM_SEED: '-3',
        SIM_MAX_N: '4',
        SIM_FINE_TUNE_MS: '0',
        SIM_MODELS: 'sim-judge, gpt-4o-mini',
        SIM_MAX_COMPLETION_TOKENS_ONLY: 'true',
        OTHER: 'ignored',
      }),
    ).toEqual({
      port: 4010,
      latencyMs: 25,
      maxConcurrency: Infinity,
      errorRate: 0.2,
      timeoutRate: 0,
      malformedRate: 1,
      truncatedRate: 0.05,
      seed: -3,
      maxN: 4,
      fineTuneMs: 0,
      seedModels: ['sim-judge', 'gpt-4o-mini'],
      maxCompletionTokensOnly: true,
    });
    expect(parseSimulatorOptions({ SIM_MAX_COMPLETION_TOKENS_ONLY: 'off' })).toEqual({ maxCompletionTokensOnly: false });
    expect(parseSimulatorOptions({})).toEqual({});
  });

  it('names the variable, the problem and an example when a value is wrong', () => {
    expect(() => parseSimulatorOptions({ SIM_ERROR_RATE: 'abc' })).toThrow(
      'SIM_ERROR_RATE must be a number between 0 and 1, got "abc" (example: SIM_ERROR_RATE=0.2)',
    );
    expect(() => parseSimulatorOptions({ SIM_TIMEOUT_RATE: '1.5' })).toThrow(/^SIM_TIMEOUT_RATE must be a number between 0 and 1/);
    expect(() => parseSimulatorOptions({ SIM_MAX_N: '0' })).toThrow(/^SIM_MAX_N must be a whole number >= 1, or "unlimited", got "0"/);
    expect(() => parseSimulatorOptions({ SIM_PORT: '70000' })).toThrow(/SIM_PORT=8089/);
    expect(() => parseSimulatorOptions({ SIM_LATENCY_MS: '-1' })).toThrow(/^SIM_LATENCY_MS must be a number of milliseconds >= 0/);
    expect(() => parseSimulatorOptions({ SIM_SEED: '1.5' })).toThrow(/^SIM_SEED must be a whole number/);
    expect(() => parseSimulatorOptions({ SIM_MAX_COMPLETION_TOKENS_ONLY: 'sometimes' })).toThrow(
      'SIM_MAX_COMPLETION_TOKENS_ONLY must be true or false, got "sometimes" (example: SIM_MAX_COMPLETION_TOKENS_ONLY=true)',
    );
  });
});

describe(resolveSimulatorOptions.name, () => {
  it('overlays overrides on the defaults and rejects out-of-range values by name', () => {
    expect(resolveSimulatorOptions({ errorRate: 0.5, latencyMs: undefined })).toEqual({ ...DEFAULT_SIMULATOR_OPTIONS, errorRate: 0.5 });
    expect(() => resolveSimulatorOptions({ errorRate: 2 })).toThrow('errorRate must be a number between 0 and 1, got 2');
    expect(resolveSimulatorOptions({ maxCompletionTokensOnly: true }).maxCompletionTokensOnly).toBe(true);
    expect(() => resolveSimulatorOptions({ maxCompletionTokensOnly: 'yes' as unknown as boolean })).toThrow(
      'maxCompletionTokensOnly must be true or false, got "yes"',
    );
  });
});
