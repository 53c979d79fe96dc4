/**
 * HelpSteer2 (nvidia/HelpSteer2) as a pairwise benchmark. Its rows are pointwise: a prompt, one
 * response, and five human attribute scores from 0 to 4 (helpfulness, correctness, coherence,
 * complexity, verbosity); each prompt has two responses.
 *
 * The rule that turns them into preference pairs: the responses to the same prompt (the exact
 * same text) are paired, and the one with the higher `helpfulness` is the better answer; a pair
 * whose helpfulness scores are equal has no preference and is left out (reported, not an error).
 * Helpfulness is HelpSteer2's overall-quality attribute; the other four are read and checked but
 * do not decide. With more than two responses to a prompt, every two of them form a pair.
 * Pure; positions of the pairs are 1, 2, ... in the order of their first row, and each pair's
 * `sourceId` names its two rows ("rows 3+4").
 */
import { describeType, isPlainObject, unstorableText } from './records.js';
import type { RawRecord } from './records.js';
import type { BenchmarkItem } from './benchmark-files.js';

export const HELPSTEER2_ATTRIBUTES = ['helpfulness', 'correctness', 'coherence', 'complexity', 'verbosity'] as const;
export const HELPSTEER2_COLUMNS = ['prompt', 'response', ...HELPSTEER2_ATTRIBUTES];

type Response = { row: number; prompt: string; response: string; helpfulness: number };

export type HelpSteer2Pairs = {
  items: BenchmarkItem[];
  /** Rows that cannot be read (bad rows). */
  rejected: { position: number; reason: string }[];
  /** Rows that are fine but form no pair under the rule (a lone response, equal helpfulness). */
  leftOut: { position: number; reason: string }[];
};

/** Pairs HelpSteer2 rows by the rule above; `subset` names the subset of every pair. */
export function helpSteer2Pairs(records: readonly RawRecord[], subset: string): HelpSteer2Pairs {
  const out: HelpSteer2Pairs = { items: [], rejected: [], leftOut: [] };
  const byPrompt = new Map<string, Response[]>();
  for (const record of records) {
    if ('error' in record) {
      out.rejected.push({ position: record.position, reason: record.error });
      continue;
    }
    const read = readRow(record.value, record.position);
    if (typeof read === 'string') {
      out.rejected.push({ position: record.position, reason: read });
      continue;
    }
    byPrompt.set(read.prompt, [...(byPrompt.get(read.prompt) ?? []), read]);
  }
  for (const responses of byPrompt.values()) {
    if (responses.length === 1) {
      out.leftOut.push({ position: responses[0]!.row, reason: 'the only response to its prompt: no pair' });
      continue;
    }
    const paired = new Set<number>();
    for (let i = 0; i < responses.length; i += 1) {
      for (let j = i + 1; j < responses.length; j += 1) {
        const [a, b] = [responses[i]!, responses[j]!];
        if (a.helpfulness === b.helpfulness) continue;
        const [better, worse] = a.helpfulness > b.helpfulness ? [a, b] : [b, a];
        if (better.response === worse.response) continue;
        paired.add(a.row).add(b.row);
        out.items.push({ prompt: a.prompt, chosen: better.response, rejected: worse.response, subset, sourceId: `rows ${a.row}+${b.row}`, position: out.items.length + 1 });
      }
    }
    for (const r of responses) {
      if (!paired.has(r.row)) out.leftOut.push({ position: r.row, reason: `no pair: every other response to its prompt has the same helpfulness (${r.helpfulness})` });
    }
  }
  out.leftOut.sort((x, y) => x.position - y.position);
  return out;
}

function readRow(value: unknown, row: number): Response | string {
  if (!isPlainObject(value)) return `expected a JSON object, found ${describeType(value)}`;
  const texts: string[] = [];
  for (const field of ['prompt', 'response']) {
    const v = value[field];
    if (typeof v !== 'string') return v === undefined ? `missing field "${field}"` : `field "${field}" must be a string, found ${describeType(v)}`;
    if (!v.trim()) return `field "${field}" is empty`;
    const unstorable = unstorableText(v);
    if (unstorable) return `field "${field}" ${unstorable}`;
    texts.push(v);
  }
  for (const field of HELPSTEER2_ATTRIBUTES) {
    const v = value[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 4) {
      return `field "${field}" must be an integer from 0 to 4, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
    }
  }
  return { row, prompt: texts[0]!, response: texts[1]!, helpfulness: value.helpfulness as number };
}
