/**
 * The price table: what a million tokens cost per named endpoint and model, in USD, and the
 * discount of batch (Batch API) usage. Nothing is built in (prices go stale): it comes from the
 * `prices` key of the STE_CONFIG file, or from the JSON file STE_PRICES names (one or the other).
 *
 * ```json
 * { "prices": { "default": { "gpt-4o-mini": { "inputPerMillion": 0.15, "outputPerMillion": 0.6, "batchDiscount": 0.5 },
 *                            "*": { "inputPerMillion": 0.3, "outputPerMillion": 1.2 } } } }
 * ```
 * `"*"` prices every other model of that endpoint (fine-tuned models get new names). Amounts are
 * decimals with at most 6 places after the point; they are kept as exact integers (pico-USD per
 * token, millionths of the discount), so a cost is tokens x prices with no rounding.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type ModelPrice = {
  endpoint: string;
  /** A model name, or `*` for the endpoint's other models. */
  model: string;
  /** USD per million input (prompt) tokens, as configured (decimal text). */
  inputPerMillion: string;
  outputPerMillion: string;
  /** Fraction taken off batch usage, 0 to 1 (decimal text); 0 when not configured. */
  batchDiscount: string;
  /** The same as exact integers: pico-USD per token (= micro-USD per million), millionths of the discount. */
  inputPico: bigint;
  outputPico: bigint;
  discountMicro: bigint;
};

/** Prices by endpoint, then model (`*` included). Empty when no table is configured. */
export type PriceTable = ReadonlyMap<string, ReadonlyMap<string, ModelPrice>>;

export const EMPTY_PRICES: PriceTable = new Map();

const PRICE_KEYS = new Set(['inputPerMillion', 'outputPerMillion', 'batchDiscount']);
const ENDPOINT_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Exact decimal text of a JSON number or string with at most `places` decimals, scaled to an
 * integer (`"0.15"`, 6 -> 150000n). Undefined when it is not such a number.
 */
export function scaledDecimal(value: unknown, places: number): bigint | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[2]?.length ?? 0) > places) return undefined;
  return BigInt(m[1]!) * 10n ** BigInt(places) + BigInt((m[2] ?? '').padEnd(places, '0') || '0');
}

/** Parses the `prices` object; `at` names where it came from. Throws one line naming the field at fault. */
export function parsePrices(raw: unknown, at: string): PriceTable {
  const table = new Map<string, Map<string, ModelPrice>>();
  const top = object(raw, at);
  for (const [endpoint, models] of Object.entries(top)) {
    const where = `${at}.${endpoint}`;
    if (!ENDPOINT_NAME.test(endpoint)) throw new Error(`${where}: an endpoint name is 1 to 64 of a-z, 0-9, _ and -, starting with a letter`);
    const byModel = new Map<string, ModelPrice>();
    for (const [model, value] of Object.entries(object(models, where))) {
      const field = `${where}.${model}`;
      if (model.length === 0 || model.length > 256) throw new Error(`${field}: a model name is 1 to 256 characters`);
      const o = object(value, field);
      const unknown = Object.keys(o).filter((k) => !PRICE_KEYS.has(k));
      if (unknown.length > 0) throw new Error(`${field}: unknown key ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...PRICE_KEYS].join(', ')})`);
      const amount = (key: 'inputPerMillion' | 'outputPerMillion') => {
        const scaled = scaledDecimal(o[key], 6);
        if (scaled === undefined) throw new Error(`${field}.${key} must be a number of USD from 0 with at most 6 decimals (example: 0.15); got ${JSON.stringify(o[key]) ?? 'nothing'}`);
        return scaled;
      };
      const inputPico = amount('inputPerMillion');
      const outputPico = amount('outputPerMillion');
      const discountMicro = o.batchDiscount === undefined ? 0n : scaledDecimal(o.batchDiscount, 6);
      if (discountMicro === undefined || discountMicro > 1_000_000n) {
        throw new Error(`${field}.batchDiscount must be a fraction from 0 to 1 with at most 6 decimals (0.5 is half price); got ${JSON.stringify(o.batchDiscount)}`);
      }
      byModel.set(model, {
        endpoint,
        model,
        inputPerMillion: decimalText(inputPico, 6),
        outputPerMillion: decimalText(outputPico, 6),
        batchDiscount: decimalText(discountMicro, 6),
        inputPico,
        outputPico,
        discountMicro,
      });
    }
    table.set(endpoint, byModel);
  }
  return table;
}

/** Reads the JSON file STE_PRICES names: `{ "prices": {...} }` or the prices object itself. */
export function readPriceFile(file: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.resolve(file), 'utf8'));
  } catch (error) {
    throw new Error(`STE_PRICES=${file} could not be read as JSON: ${(error as Error).message}`, { cause: error });
  }
  const o = object(raw, `STE_PRICES ${file}`);
  return parsePrices(Object.keys(o).length === 1 && 'prices' in o ? o.prices : o, `STE_PRICES ${file}: prices`);
}

/** The price of `model` on `endpoint`: its own entry, else the endpoint's `*`; undefined when none. */
export function priceOf(table: PriceTable, endpoint: string, model: string): ModelPrice | undefined {
  const byModel = table.get(endpoint);
  return byModel?.get(model) ?? byModel?.get('*');
}

/** `150000n, 6` -> "0.15"; trailing zeros dropped, at least "0". */
export function decimalText(scaled: bigint, places: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${at} must be a JSON object`);
  return value as Record<string, unknown>;
}
