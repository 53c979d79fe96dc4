/**
 * Importer for labelled pairwise benchmarks (held-out evaluation data: never trained on):
 * RewardBench rows, LLMBar / LLMEval^2 arrays, and any pairwise file with a field mapping.
 * Pure; re-exported by `importers.ts`.
 */
import { describeType, isPlainObject, readOptionalId, readRecords, unstorableText } from './records.js';

export type BenchmarkFormat = 'rewardbench' | 'llmbar' | 'pairwise';

/** Names of the fields of a generic pairwise row. */
export type PairwiseMapping = { prompt: string; chosen: string; rejected: string; subset?: string; id?: string };

export type BenchmarkParseOptions = {
  /**
   * - `rewardbench`: rows `prompt`, `chosen`, `rejected`, `subset`, `id`;
   * - `llmbar`: rows `input`, `output_1`, `output_2`, `label` (1 or 2 names the better output);
   *   `subset` is required (the file has none);
   * - `pairwise`: rows named by `mapping` (required).
   * The container is detected: a JSON array when the first non-space character is `[`, JSONL otherwise.
   */
  format: BenchmarkFormat;
  /** Subset for rows without one (rewardbench, pairwise) and for every row (llmbar). */
  subset?: string;
  /** Field names, for format `pairwise` only. */
  mapping?: PairwiseMapping;
};

export type BenchmarkItem = {
  prompt: string;
  chosen: string;
  rejected: string;
  subset: string;
  /** The row's `id` as a string; null when it has none (LLMBar rows never do). */
  sourceId: string | null;
  /** 1-based line number (JSONL) or item number (JSON array). */
  position: number;
};

export type BenchmarkParseResult = {
  items: BenchmarkItem[];
  /** Rows that cannot be imported; `position` 0 means the whole file (then there are no items). */
  rejected: { position: number; reason: string }[];
};

const REWARDBENCH_MAPPING: Required<PairwiseMapping> = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected', subset: 'subset', id: 'id' };

/**
 * Parses a benchmark file. Texts are kept exactly as published (white space matters in code
 * answers). A row is rejected, with its position and reason, when it is not valid UTF-8 (Buffer
 * input only) or JSON, not an object, has a missing, non-string or blank prompt / chosen /
 * rejected, a NUL or unpaired surrogate, identical chosen and rejected texts, an LLMBar label
 * other than the number 1 or 2, no subset (neither in the row nor in `options.subset`), or an id
 * that is not a string or number. In a JSON array the reasons start with "item N".
 * Never throws for bad content; throws a RangeError for unusable options (llmbar without
 * `subset`, pairwise without a complete `mapping`, a mapping given for another format).
 */
export function parseBenchmarkFile(content: Buffer | string, options: BenchmarkParseOptions): BenchmarkParseResult {
  const mapping = checkOptions(options);
  const read = readRecords(content, 'auto');
  const result: BenchmarkParseResult = { items: [], rejected: [] };
  if (read.fileError) {
    result.rejected.push({ position: 0, reason: read.fileError });
    return result;
  }
  for (const record of read.records) {
    const { position } = record;
    const row =
      'error' in record
        ? { ok: false as const, reason: record.error }
        : options.format === 'llmbar'
          ? readLlmbarRow(record.value, options.subset!)
          : readMappedRow(record.value, mapping!, options.subset);
    if (row.ok) result.items.push({ ...row.item, position });
    else result.rejected.push({ position, reason: (read.isArray ? `item ${position}: ` : '') + row.reason });
  }
  return result;
}

export function checkOptions(options: BenchmarkParseOptions): Required<PairwiseMapping> | null {
  const { format, subset, mapping } = options;
  if (subset !== undefined && (typeof subset !== 'string' || !subset.trim())) {
    throw new RangeError('subset, when given, must be a non-empty string');
  }
  if (format === 'llmbar') {
    if (!subset) throw new RangeError('format llmbar needs options.subset (LLMBar files do not name their subset)');
    if (mapping) throw new RangeError('mapping is only used with format pairwise');
    return null;
  }
  if (format === 'rewardbench') {
    if (mapping) throw new RangeError('mapping is only used with format pairwise');
    return REWARDBENCH_MAPPING;
  }
  if (format !== 'pairwise') throw new RangeError(`unknown benchmark format: ${String(format)}`);
  if (!mapping) throw new RangeError('format pairwise needs options.mapping (the prompt, chosen and rejected field names)');
  for (const key of ['prompt', 'chosen', 'rejected'] as const) {
    if (typeof mapping[key] !== 'string' || !mapping[key].trim()) throw new RangeError(`mapping.${key} must be a field name`);
  }
  if (new Set([mapping.prompt, mapping.chosen, mapping.rejected]).size < 3) {
    throw new RangeError('mapping.prompt, mapping.chosen and mapping.rejected must name different fields');
  }
  return { subset: 'subset', id: 'id', ...mapping };
}

export type RowResult = { ok: true; item: Omit<BenchmarkItem, 'position'> } | { ok: false; reason: string };

export function readMappedRow(value: unknown, mapping: Required<PairwiseMapping>, defaultSubset: string | undefined): RowResult {
  if (!isPlainObject(value)) return { ok: false, reason: `expected a JSON object, found ${describeType(value)}` };
  const texts: string[] = [];
  for (const field of [mapping.prompt, mapping.chosen, mapping.rejected]) {
    const t = readText(value, field);
    if (typeof t !== 'string') return t;
    texts.push(t);
  }
  const [prompt, chosen, rejected] = texts as [string, string, string];
  if (chosen === rejected) return { ok: false, reason: `fields "${mapping.chosen}" and "${mapping.rejected}" are identical` };
  const rowSubset = value[mapping.subset];
  let subset: string;
  if (typeof rowSubset === 'string' && rowSubset.trim()) subset = rowSubset.trim();
  else if (rowSubset !== undefined && rowSubset !== null && typeof rowSubset !== 'string') {
    return { ok: false, reason: `field "${mapping.subset}" must be a string, found ${describeType(rowSubset)}` };
  } else if (defaultSubset) subset = defaultSubset.trim();
  else return { ok: false, reason: `missing the subset: no field "${mapping.subset}" in the row and no subset option` };
  const id = readOptionalId(value, mapping.id);
  if (!id.ok) return id;
  return { ok: true, item: { prompt, chosen, rejected, subset, sourceId: id.value } };
}

export function readLlmbarRow(value: unknown, subset: string): RowResult {
  if (!isPlainObject(value)) return { ok: false, reason: `expected a JSON object, found ${describeType(value)}` };
  const texts: string[] = [];
  for (const field of ['input', 'output_1', 'output_2']) {
    const t = readText(value, field);
    if (typeof t !== 'string') return t;
    texts.push(t);
  }
  const [prompt, output1, output2] = texts as [string, string, string];
  const label = value.label;
  if (label !== 1 && label !== 2) {
    return { ok: false, reason: `field "label" must be the number 1 or 2 (the better output), found ${JSON.stringify(label) ?? 'nothing'}` };
  }
  if (output1 === output2) return { ok: false, reason: 'fields "output_1" and "output_2" are identical' };
  const [chosen, rejected] = label === 1 ? [output1, output2] : [output2, output1];
  return { ok: true, item: { prompt, chosen, rejected, subset: subset.trim(), sourceId: null } };
}

/** The field's text, or a rejection: missing, not a string, blank, or not storable. */
function readText(row: Record<string, unknown>, field: string): string | { ok: false; reason: string } {
  const v = row[field];
  if (v === undefined) return { ok: false, reason: `missing field "${field}"` };
  if (typeof v !== 'string') return { ok: false, reason: `field "${field}" must be a string, found ${describeType(v)}` };
  if (!v.trim()) return { ok: false, reason: `field "${field}" is empty` };
  const unstorable = unstorableText(v);
  if (unstorable) return { ok: false, reason: `field "${field}" ${unstorable}` };
  return v;
}

export type BundledBenchmarkFile = {
  /** Path relative to the repository root. */
  path: string;
  subset: string;
  /** Rows in the file as published. */
  rows: number;
  /** Items `parseBenchmarkFile` accepts (rows minus the known bad rows listed in `knownRejected`). */
  items: number;
  /** Positions of rows the importer rejects, with why; empty for clean files. */
  knownRejected: readonly { position: number; why: string }[];
};

export type BundledBenchmark = {
  format: 'llmbar';
  description: string;
  /** Licence file, relative to the repository root. */
  license: string;
  files: readonly BundledBenchmarkFile[];
};

const LLMBAR_LICENSE = 'data/eval/LICENSE-LLMBar.txt';
const clean = (path: string, subset: string, rows: number): BundledBenchmarkFile => ({ path, subset, rows, items: rows, knownRejected: [] });

/**
 * The benchmark files bundled with the repository, importable by name. Subset names are
 * RewardBench's, so the five LLMBar files score as its Chat Hard section (with mt-bench-hard missing).
 */
export const BUNDLED_BENCHMARKS = {
  llmbar: {
    format: 'llmbar',
    description: "LLMBar (Zeng et al., 2023): the five llmbar-* subsets of RewardBench's Chat Hard section",
    license: LLMBAR_LICENSE,
    files: [
      clean('data/eval/llmbar/natural.json', 'llmbar-natural', 100),
      clean('data/eval/llmbar/adversarial-neighbor.json', 'llmbar-adver-neighbor', 134),
      clean('data/eval/llmbar/adversarial-gptinst.json', 'llmbar-adver-GPTInst', 92),
      clean('data/eval/llmbar/adversarial-gptout.json', 'llmbar-adver-GPTOut', 47),
      clean('data/eval/llmbar/adversarial-manual.json', 'llmbar-adver-manual', 46),
    ],
  },
  llmeval2: {
    format: 'llmbar',
    description: 'LLMEval^2 as processed by the LLMBar authors (not a RewardBench subset)',
    license: LLMBAR_LICENSE,
    files: [
      {
        path: 'data/eval/llmeval2/dataset.json',
        subset: 'llmeval2',
        rows: 200,
        items: 198,
        knownRejected: [
          { position: 58, why: 'output_1 and output_2 are the same text' },
          { position: 170, why: 'output_2 (the losing answer) is only white space' },
        ],
      },
    ],
  },
} as const satisfies Record<string, BundledBenchmark>;

export type BundledBenchmarkName = keyof typeof BUNDLED_BENCHMARKS;
