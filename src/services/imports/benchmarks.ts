/**
 * Labelled benchmarks: all-or-nothing imports (uploaded files and the bundled LLMBar / LLMEval^2
 * files), and the rule that keeps them out of training: importing a benchmark flags every
 * instruction with the same normalised text, in every experiment (importing instructions checks
 * the benchmarks the other way round).
 */
import { readFile } from 'node:fs/promises';
import { transaction } from '../../db/database.js';
import type { Database } from '../../db/database.js';
import * as benchmarksRepo from '../../db/benchmarks-repo.js';
import * as experimentsRepo from '../../db/experiments-repo.js';
import type { BenchmarkRow } from '../../db/schema.js';
import { BUNDLED_BENCHMARKS, parseBenchmarkFile } from './benchmark-files.js';
import { parseBenchmarkUpload, UPLOAD_FORMATS } from './benchmark-upload.js';
import type { UploadFormat } from './benchmark-upload.js';
import { decodeBase64 } from './upload.js';
import type { ContentEncoding } from './upload.js';
import type { BenchmarkItem, BundledBenchmarkName, PairwiseMapping } from './benchmark-files.js';
import { badInput, notFound } from '../../domain/errors.js';
import { MAX_IMPORT_BYTES, textHash } from '../experiments/experiments.js';
import { projectPath } from '../../config/paths.js';


/** A row left out of a benchmark: `file` is set for the bundled benchmarks (several files). */
export type BenchmarkRowRejection = { file: string | null; position: number; reason: string };

export type ImportBenchmarkResult = {
  benchmark: BenchmarkRow;
  /** False when a bundled benchmark was already imported (it is returned as it is). */
  created: boolean;
  /**
   * Rows left out: for a bundled benchmark, its known bad rows; for an upload with `skipBadRows`,
   * its bad rows (otherwise an upload with bad rows stores nothing).
   */
  skipped: BenchmarkRowRejection[];
  /** Instructions (of any experiment) newly flagged because the benchmark contains their text. */
  excludedInstructions: number;
};

export type ImportBenchmarkInput = {
  name: string;
  content: string | Buffer;
  /** REWARDBENCH | LLMBAR | PAIRWISE (GraphQL enum) or the lower-case format name. */
  format: string;
  subset?: string | null;
  mapping?: PairwiseMapping | null;
  /** TEXT (default): JSONL or a JSON array as text; BASE64: the file's bytes (JSONL, JSON or Parquet). */
  encoding?: ContentEncoding | null;
  /** Store the good rows and report the bad ones in `skipped`. Default false: any bad row stores nothing. */
  skipBadRows?: boolean | null;
};

/** Most rejected rows listed in an error message (all of them are in `extensions.rejected`). */
const MAX_LISTED = 20;

export class BenchmarkService {
  constructor(private readonly database: Database) {}

  /** The benchmark, or a BAD_USER_INPUT naming `field` when the id is malformed or unknown. */
  async benchmark(id: number, field = 'benchmarkId'): Promise<BenchmarkRow> {
    const row = (await benchmarksRepo.getBenchmarks(this.database.db, [id]))[0];
    if (!row) throw notFound(field, 'benchmark', id);
    return row;
  }

  async find(id: number): Promise<BenchmarkRow | undefined> {
    return (await benchmarksRepo.getBenchmarks(this.database.db, [id]))[0];
  }

  async list(): Promise<BenchmarkRow[]> {
    return benchmarksRepo.listBenchmarks(this.database.db);
  }

  /**
   * Imports an uploaded benchmark file (JSONL, a JSON array, or with encoding BASE64 also Parquet)
   * in one transaction. By default any rejected row stores nothing: the BAD_USER_INPUT error lists
   * every position and reason. With `skipBadRows` the good rows are stored and the bad ones
   * returned in `skipped`; a file-level problem (not readable as a whole) still stores nothing.
   * A name already in use is refused.
   */
  async import(input: ImportBenchmarkInput): Promise<ImportBenchmarkResult> {
    const name = checkName(input.name);
    const format = input.format.toLowerCase() as UploadFormat;
    if (!UPLOAD_FORMATS.includes(format)) throw badInput('format', `unknown benchmark format "${input.format}"`);
    const content = decodeContent(input.content, input.encoding ?? 'TEXT');
    if (Buffer.byteLength(content) > MAX_IMPORT_BYTES) {
      throw badInput('content', `is larger than ${MAX_IMPORT_BYTES} bytes: split the benchmark into several (one per subset, for example)`);
    }
    let parsed;
    try {
      // GraphQL sends an explicit null for a field set to null: treat it as left out.
      const mapping = input.mapping ? (Object.fromEntries(Object.entries(input.mapping).filter(([, v]) => v != null)) as PairwiseMapping) : undefined;
      parsed = await parseBenchmarkUpload(content, { format, subset: input.subset ?? undefined, mapping });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      const field = error.message.includes('mapping') ? 'mapping' : error.message.includes('subset') ? 'subset' : 'format';
      throw badInput(field, error.message, { cause: error });
    }
    const rejected = parsed.rejected.map((r) => ({ position: r.position, reason: r.reason }));
    const fileLevel = rejected.some((r) => r.position === 0);
    if (rejected.length > 0 && (!input.skipBadRows || fileLevel)) {
      const listed = rejected.slice(0, MAX_LISTED).map((r) => (r.position === 0 ? `the file: ${r.reason}` : `${parsed.unit} ${r.position}: ${r.reason}`));
      const more = rejected.length > MAX_LISTED ? `; and ${rejected.length - MAX_LISTED} more` : '';
      throw badInput('content', `${rejected.length} ${parsed.unit}(s) rejected, nothing stored: ${listed.join('; ')}${more}`, undefined, { rejected, unit: parsed.unit });
    }
    if (parsed.items.length === 0) throw badInput('content', rejected.length > 0 ? `has no good ${parsed.unit}: all ${rejected.length} rejected` : 'has no rows');
    const stored = await this.store(name, format, parsed.items);
    if (!stored) throw badInput('name', `a benchmark named "${name}" exists already: choose another name`);
    const skipped = [...rejected, ...parsed.leftOut].sort((a, b) => a.position - b.position).map((r) => ({ file: null, ...r }));
    return { ...stored, created: true, skipped };
  }

  /**
   * Imports a bundled benchmark by name (llmbar: the five LLMBar files as RewardBench's llmbar-*
   * subsets; llmeval2). Its known bad rows are skipped and reported. Importing it again returns
   * the stored one. Positions run on across files in the listed order.
   */
  async importBundled(name: string): Promise<ImportBenchmarkResult> {
    const bundled = BUNDLED_BENCHMARKS[name as BundledBenchmarkName];
    if (!Object.hasOwn(BUNDLED_BENCHMARKS, name) || !bundled) {
      throw badInput('name', `unknown bundled benchmark "${name}": use one of ${Object.keys(BUNDLED_BENCHMARKS).join(', ')}`);
    }
    const items: BenchmarkItem[] = [];
    const skipped: BenchmarkRowRejection[] = [];
    let offset = 0;
    for (const file of bundled.files) {
      const parsed = parseBenchmarkFile(await readFile(projectPath(file.path)), { format: bundled.format, subset: file.subset });
      const known = file.knownRejected.map((k) => k.position);
      const got = parsed.rejected.map((r) => r.position);
      if (got.join() !== known.join() || parsed.items.length !== file.items) {
        throw new Error(`bundled file ${file.path} does not match its listing: rejected rows ${got.join(', ') || 'none'}, expected ${known.join(', ') || 'none'}`);
      }
      for (const item of parsed.items) items.push({ ...item, position: offset + item.position });
      for (const r of parsed.rejected) skipped.push({ file: file.path, position: r.position, reason: r.reason });
      offset += file.rows;
    }
    const existing = await benchmarksRepo.getBenchmarkByName(this.database.db, name);
    const expected = (benchmark: BenchmarkRow) => {
      if (benchmark.format !== bundled.format || benchmark.size !== items.length) {
        throw badInput('name', `a different benchmark named "${name}" exists (id ${benchmark.id}, ${benchmark.size} items)`);
      }
      return { benchmark, created: false, skipped, excludedInstructions: 0 };
    };
    if (existing) return expected(existing);
    const stored = await this.store(name, bundled.format, items);
    if (!stored) return expected((await benchmarksRepo.getBenchmarkByName(this.database.db, name))!); // imported concurrently
    return { ...stored, created: true, skipped };
  }

  /** Stores the benchmark, its items and the instruction flags in one transaction; null when the name is taken. */
  private async store(name: string, format: string, items: readonly (BenchmarkItem & { labels?: unknown })[]) {
    const db = this.database.db;
    const rows = items.map((i) => ({
      position: i.position,
      subset: i.subset,
      prompt: i.prompt,
      promptHash: textHash(i.prompt),
      chosen: i.chosen,
      rejected: i.rejected,
      sourceId: i.sourceId,
      labels: i.labels ?? null,
    }));
    return transaction(db, async (t) => {
      const benchmark = await benchmarksRepo.insertBenchmark(t, { name, format, size: rows.length });
      if (!benchmark) return null;
      await benchmarksRepo.insertBenchmarkItems(t, benchmark.id, rows);
      const hashes = [...new Set(rows.map((r) => r.promptHash))];
      let excludedInstructions = 0;
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < hashes.length; i += 10_000) {
        const chunk = hashes.slice(i, i + 10_000);
        excludedInstructions += await experimentsRepo.excludeBenchmarkInstructions(t, chunk, `appears in benchmark "${name}": never used for training`);
      }
      return { benchmark, excludedInstructions };
    });
  }
}

/** The bytes of base64 content (BAD_USER_INPUT when it is not base64), or the text as it is. */
function decodeContent(content: string | Buffer, encoding: ContentEncoding): string | Buffer {
  if (encoding === 'TEXT' || typeof content !== 'string') return content;
  if (encoding !== 'BASE64') throw badInput('encoding', `unknown content encoding "${String(encoding)}": use TEXT or BASE64`);
  const bytes = decodeBase64(content);
  if (!bytes) throw badInput('content', 'is not valid base64 (encoding BASE64): only A-Z, a-z, 0-9, +, / and = padding, in groups of 4');
  return bytes;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw badInput('name', 'must be 1 to 200 characters');
  return trimmed;
}
