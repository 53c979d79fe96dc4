/**
 * Benchmark uploads in any container: JSONL, a JSON array or Parquet (RewardBench publishes its
 * `filtered` split as Parquet: prompt, chosen, rejected, chosen_model, rejected_model, subset, id).
 * The rows are checked exactly as `parseBenchmarkFile` checks JSONL rows; only the columns the
 * format reads are decoded from a Parquet file.
 */
import { checkOptions, readLlmbarRow, readMappedRow } from './benchmark-files.js';
import type { BenchmarkParseOptions, BenchmarkParseResult } from './benchmark-files.js';
import { readUpload } from './upload.js';
import type { UploadRecords } from './upload.js';

export type BenchmarkUploadResult = BenchmarkParseResult & Pick<UploadRecords, 'container' | 'unit'>;

const LLMBAR_COLUMNS = ['input', 'output_1', 'output_2', 'label'];

/**
 * Parses an uploaded benchmark. Bad rows are listed with their position and reason (never thrown);
 * a file-level problem is one rejection at position 0 with no items. Throws a RangeError for
 * unusable options, as `parseBenchmarkFile` does.
 */
export async function parseBenchmarkUpload(content: Buffer | string, options: BenchmarkParseOptions): Promise<BenchmarkUploadResult> {
  const mapping = checkOptions(options);
  const columns = mapping ? [mapping.prompt, mapping.chosen, mapping.rejected, mapping.subset, mapping.id] : LLMBAR_COLUMNS;
  const read = await readUpload(content, columns);
  const result: BenchmarkUploadResult = { container: read.container, unit: read.unit, items: [], rejected: [] };
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
