/**
 * Benchmark uploads in any container: JSONL, a JSON array or Parquet (RewardBench publishes its
 * `filtered` split as Parquet: prompt, chosen, rejected, chosen_model, rejected_model, subset, id).
 * The rows are checked exactly as `parseBenchmarkFile` checks JSONL rows; only the columns the
 * format reads are decoded from a Parquet file.
 */
import { checkOptions, readLlmbarRow, readMappedRow } from './benchmark-files.js';
import type { BenchmarkFormat, BenchmarkItem, BenchmarkParseOptions, BenchmarkParseResult } from './benchmark-files.js';
import { HELPSTEER2_COLUMNS, helpSteer2Pairs } from './helpsteer2.js';
import { MTBENCH_HUMAN_COLUMNS, mtBenchHumanItems } from './mtbench-human.js';
import { readUpload } from './upload.js';
import type { UploadRecords } from './upload.js';

/** The pairwise formats, and the two whose rows become items by a rule (helpsteer2, mtbench_human). */
export type UploadFormat = BenchmarkFormat | 'helpsteer2' | 'mtbench_human';
export const UPLOAD_FORMATS: readonly UploadFormat[] = ['rewardbench', 'llmbar', 'pairwise', 'helpsteer2', 'mtbench_human'];

export type UploadParseOptions = Omit<BenchmarkParseOptions, 'format'> & { format: UploadFormat };

export type BenchmarkUploadResult = BenchmarkParseResult &
  Pick<UploadRecords, 'container' | 'unit'> & {
    items: (BenchmarkItem & { labels?: unknown })[];
    /** Good rows that form no item under the format's rule (HelpSteer2 ties, MT-Bench author votes). */
    leftOut: { position: number; reason: string }[];
  };

const LLMBAR_COLUMNS = ['input', 'output_1', 'output_2', 'label'];

/**
 * Parses an uploaded benchmark. Bad rows are listed with their position and reason (never thrown);
 * a file-level problem is one rejection at position 0 with no items. Throws a RangeError for
 * unusable options, as `parseBenchmarkFile` does.
 */
export async function parseBenchmarkUpload(content: Buffer | string, options: UploadParseOptions): Promise<BenchmarkUploadResult> {
  if (options.format === 'helpsteer2' || options.format === 'mtbench_human') return parseRuleFormat(content, options);
  const mapping = checkOptions(options as BenchmarkParseOptions);
  const columns = mapping ? [mapping.prompt, mapping.chosen, mapping.rejected, mapping.subset, mapping.id] : LLMBAR_COLUMNS;
  const read = await readUpload(content, columns);
  const result: BenchmarkUploadResult = { container: read.container, unit: read.unit, items: [], rejected: [], leftOut: [] };
  if (read.fileError) {
    result.rejected.push({ position: 0, reason: read.fileError });
    return result;
  }
  for (const record of read.records) {
    const { position } = record;
    const row =
      'error' in record
        ? { ok: false as const, reason: record.error }
        : mapping
          ? readMappedRow(record.value, mapping, options.subset)
          : readLlmbarRow(record.value, options.subset!);
    if (row.ok) result.items.push({ ...row.item, position });
    else result.rejected.push({ position, reason: (read.unit === 'item' ? `item ${position}: ` : '') + row.reason });
  }
  return result;
}

async function parseRuleFormat(content: Buffer | string, options: UploadParseOptions): Promise<BenchmarkUploadResult> {
  if (options.mapping) throw new RangeError('mapping is only used with format pairwise');
  const helpSteer = options.format === 'helpsteer2';
  if (!helpSteer && options.subset !== undefined) throw new RangeError('subset is not used with format mtbench_human: its subsets are the turns');
  const read = await readUpload(content, helpSteer ? HELPSTEER2_COLUMNS : MTBENCH_HUMAN_COLUMNS);
  const base = { container: read.container, unit: read.unit };
  if (read.fileError) return { ...base, items: [], rejected: [{ position: 0, reason: read.fileError }], leftOut: [] };
  const parsed = helpSteer ? helpSteer2Pairs(read.records, options.subset?.trim() || 'helpsteer2') : mtBenchHumanItems(read.records);
  const prefix = (r: { position: number; reason: string }) => ({ position: r.position, reason: (read.unit === 'item' ? `item ${r.position}: ` : '') + r.reason });
  return { ...base, items: parsed.items, rejected: parsed.rejected.map(prefix), leftOut: parsed.leftOut };
}
