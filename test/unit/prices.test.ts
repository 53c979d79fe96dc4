import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { parsePrices } from '../../src/config/prices.js';
import { budgetAtto, money, Pricing, UNRECORDED } from '../../src/services/stages/cost.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ste-prices-'));
let n = 0;
function file(content: unknown): string {
  const f = path.join(dir, `p-${(n += 1)}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}
const refused = (env: Record<string, string>): string => {
  try {
    loadConfig(env, []);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

const TABLE = { default: { 'sim-judge': { inputPerMillion: 0.15, outputPerMillion: 0.6, batchDiscount: 0.5 }, '*': { inputPerMillion: '2.5', outputPerMillion: 10 } } };

describe('price table', () => {
  it('reads prices from STE_CONFIG and from the file STE_PRICES names, kept as exact decimals', () => {
    const viaConfig = loadConfig({ STE_CONFIG: file({ prices: TABLE }) }, []).prices;
    const viaFile = loadConfig({ STE_PRICES: file({ prices: TABLE }) }, []).prices;
    for (const prices of [viaConfig, viaFile]) {
      const judge = prices.get('default')!.get('sim-judge')!;
      expect([judge.inputPerMillion, judge.outputPerMillion, judge.batchDiscount]).toEqual(['0.15', '0.6', '0.5']);
      expect([judge.inputPico, judge.outputPico, judge.discountMicro]).toEqual([150_000n, 600_000n, 500_000n]);
      expect(prices.get('default')!.get('*')!.batchDiscount).toBe('0');
    }
    expect(loadConfig({}, []).prices.size).toBe(0);
  });

  it('refuses a bad price with one line naming the field', () => {
    const bad = (entry: unknown) => refused({ STE_CONFIG: file({ prices: { default: { m: entry } } }) });
    expect(bad({ inputPerMillion: -1, outputPerMillion: 1 })).toMatch(/^STE_CONFIG .*: prices\.default\.m\.inputPerMillion must be a number of USD from 0 with at most 6 decimals \(example: 0\.15\); got -1$/);
    expect(bad({ inputPerMillion: 1, outputPerMillion: 0.0000001 })).toMatch(/prices\.default\.m\.outputPerMillion must be a number of USD .* got 1e-7$/);
    expect(bad({ inputPerMillion: 1 })).toMatch(/prices\.default\.m\.outputPerMillion must be .* got nothing$/);
    expect(bad({ inputPerMillion: 1, outputPerMillion: 1, batchDiscount: 1.5 })).toMatch(/prices\.default\.m\.batchDiscount must be a fraction from 0 to 1 with at most 6 decimals \(0\.5 is half price\); got 1\.5$/);
    expect(bad({ inputPerMillion: 1, outputPerMillion: 1, input: 2 })).toMatch(/prices\.default\.m: unknown key "input" \(known: inputPerMillion, outputPerMillion, batchDiscount\)$/);
    expect(bad('cheap')).toMatch(/prices\.default\.m must be a JSON object$/);
    expect(refused({ STE_CONFIG: file({ prices: { gpu: { m: { inputPerMillion: 1, outputPerMillion: 1 } } } }) })).toMatch(/prices\.gpu: no endpoint of that name \(known: default\)$/);
    expect(refused({ STE_PRICES: file('{ not json') })).toMatch(/^STE_PRICES=.* could not be read as JSON/);
    expect(refused({ STE_PRICES: file({ prices: TABLE }), STE_CONFIG: file({ prices: TABLE }) })).toMatch(/STE_PRICES=.* and the prices of STE_CONFIG are both set: keep one of the two$/);
  });

  it('prices usage exactly: tokens x prices, the batch discount on BATCH usage, null with the unpriced models named', () => {
    const pricing = new Pricing(parsePrices(TABLE, 'prices'));
    // 1,234,567 x 0.15 + 89,101 x 0.6 per million = 0.18518505 + 0.0534606 = 0.23864565 USD
    const online = { endpoint: 'default', model: 'sim-judge', execution: 'ONLINE' as const, promptTokens: 1_234_567, completionTokens: 89_101 };
    expect(money(pricing.cost([online]).atto!).amount).toBe('0.23864565');
    // the same usage as batch lines: half price, still exact
    expect(money(pricing.cost([{ ...online, execution: 'BATCH' }]).atto!).amount).toBe('0.119322825');
    expect(money(pricing.cost([online, { ...online, execution: 'BATCH' }]).atto!).amount).toBe('0.357968475');
    // `*` prices the endpoint's other models (a fine-tuned judge)
    expect(money(pricing.cost([{ ...online, model: 'ft:judge-2' }]).atto!).amount).toBe('3.9774275');
    // a million single-token lines add up with no drift
    const tiny = { ...online, promptTokens: 1, completionTokens: 0 };
    expect(money(pricing.cost(Array.from({ length: 1_000_000 }, () => tiny)).atto!).amount).toBe('0.15');
    expect(pricing.cost([online, { ...online, endpoint: 'gpu' }])).toEqual({ atto: null, unpriced: ['gpu/sim-judge'] });
    expect(pricing.cost([online], 10)).toEqual({ atto: null, unpriced: [UNRECORDED] });
    expect(pricing.cost([])).toEqual({ atto: 0n, unpriced: [] });
    expect(budgetAtto(2.5)).toBe(2_500_000_000_000_000_000n);
    expect(budgetAtto(0.0000001)).toBeUndefined();
  });
});
