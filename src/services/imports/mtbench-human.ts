/**
 * MT-Bench human judgments (lm-sys/FastChat llm_judge, dataset `mt_bench_human_judgments`) as
 * benchmark items. A row: question_id, model_a, model_b, winner (model_a, model_b, tie or
 * "tie (bothbad)"), judge, conversation_a, conversation_b (user / assistant messages), turn (1 or 2).
 *
 * As FastChat's compute_agreement.py does, a pair is keyed by (turn, question_id, the two model
 * names sorted): `model_a` is the name that sorts first, and a vote given the other way round is
 * reverted. One item per key holds every human vote on it. Only votes of judges named `expert*`
 * count as human (the paper's "human"); `author*` votes are left out and reported.
 *
 * Texts: turn 1 shows the first question and each model's first answer. Turn 2 shows the first
 * question and the follow-up (the turn judged) as the prompt, and each model's whole conversation
 * (its first answer, then its answer to the follow-up) as its answer, since the two models'
 * first answers differ. `chosen` is model_a's text and `rejected` model_b's: the names are the
 * file's, not a preference (an item may have no preferred answer at all).
 */
import { describeType, isPlainObject, unstorableText } from './records.js';
import type { RawRecord } from './records.js';
import type { BenchmarkItem } from './benchmark-files.js';

export const MTBENCH_HUMAN_COLUMNS = ['question_id', 'model_a', 'model_b', 'winner', 'judge', 'conversation_a', 'conversation_b', 'turn'];

/** A human vote, with model_a / model_b as in the item (sorted names). */
export type HumanVote = 'model_a' | 'model_b' | 'tie';

/** What an MT-Bench item carries besides its texts: stored in `benchmark_items.labels`. */
export type MtBenchLabels = { kind: 'mtbench_human'; questionId: string; turn: 1 | 2; modelA: string; modelB: string; votes: HumanVote[] };

export type MtBenchItem = BenchmarkItem & { labels: MtBenchLabels };

export type MtBenchParse = {
  items: MtBenchItem[];
  rejected: { position: number; reason: string }[];
  leftOut: { position: number; reason: string }[];
};

type Row = { questionId: string; modelA: string; modelB: string; vote: HumanVote; judge: string; convA: string[]; convB: string[]; turn: 1 | 2 };

/** Items in the order of their first row; positions 1, 2, ...; `subset` is `mt-bench-human-turn1` or `-turn2`. */
export function mtBenchHumanItems(records: readonly RawRecord[]): MtBenchParse {
  const out: MtBenchParse = { items: [], rejected: [], leftOut: [] };
  const byKey = new Map<string, MtBenchItem>();
  for (const record of records) {
    const row = 'error' in record ? record.error : readRow(record.value);
    if (typeof row === 'string') {
      out.rejected.push({ position: record.position, reason: row });
      continue;
    }
    if (!row.judge.startsWith('expert')) {
      out.leftOut.push({ position: record.position, reason: `judge "${row.judge}" is not an expert: only expert votes are the human votes` });
      continue;
    }
    const swapped = row.modelA > row.modelB;
    const [modelA, modelB] = swapped ? [row.modelB, row.modelA] : [row.modelA, row.modelB];
    const [convA, convB] = swapped ? [row.convB, row.convA] : [row.convA, row.convB];
    const vote: HumanVote = swapped && row.vote !== 'tie' ? (row.vote === 'model_a' ? 'model_b' : 'model_a') : row.vote;
    const key = JSON.stringify([row.turn, row.questionId, modelA, modelB]);
    const known = byKey.get(key);
    if (known) {
      known.labels.votes.push(vote);
      continue;
    }
    const texts = itemTexts(row.turn, convA, convB);
    if (typeof texts === 'string') {
      out.rejected.push({ position: record.position, reason: texts });
      continue;
    }
    const item: MtBenchItem = {
      ...texts,
      subset: `mt-bench-human-turn${row.turn}`,
      sourceId: `${row.questionId}/${modelA}/${modelB}/turn${row.turn}`,
      position: byKey.size + 1,
      labels: { kind: 'mtbench_human', questionId: row.questionId, turn: row.turn, modelA, modelB, votes: [vote] },
    };
    byKey.set(key, item);
    out.items.push(item);
  }
  return out;
}

function itemTexts(turn: 1 | 2, a: string[], b: string[]): { prompt: string; chosen: string; rejected: string } | string {
  if (a[0] !== b[0] || (turn === 2 && a[2] !== b[2])) return 'conversation_a and conversation_b ask different questions';
  if (turn === 1) return a[1] === b[1] ? 'the two answers are identical' : { prompt: a[0]!, chosen: a[1]!, rejected: b[1]! };
  const whole = (c: string[]) => `[Answer to the first question]\n${c[1]}\n\n[Answer to the follow-up question]\n${c[3]}`;
  if (a[3] === b[3]) return 'the two answers to the follow-up question are identical';
  return { prompt: `${a[0]}\n\n[Follow-up question: judge the answers to this one]\n${a[2]}`, chosen: whole(a), rejected: whole(b) };
}

function readRow(value: unknown): Row | string {
  if (!isPlainObject(value)) return `expected a JSON object, found ${describeType(value)}`;
  const qid = value.question_id;
  if (!(typeof qid === 'number' && Number.isFinite(qid)) && !(typeof qid === 'string' && qid.trim())) return 'field "question_id" must be a number or a string';
  const names: string[] = [];
  for (const field of ['model_a', 'model_b', 'judge']) {
    const v = value[field];
    if (typeof v !== 'string' || !v.trim()) return `field "${field}" must be a non-empty string, found ${v === undefined ? 'nothing' : describeType(v)}`;
    names.push(v.trim());
  }
  if (names[0] === names[1]) return 'model_a and model_b are the same model';
  const winner = value.winner;
  if (typeof winner !== 'string' || !/^(model_a|model_b|tie.*)$/.test(winner)) return `field "winner" must be model_a, model_b or tie, found ${JSON.stringify(winner) ?? 'nothing'}`;
  const turn = value.turn;
  if (turn !== 1 && turn !== 2) return `field "turn" must be 1 or 2, found ${JSON.stringify(turn) ?? 'nothing'}`;
  const convA = conversation(value, 'conversation_a', turn);
  if (typeof convA === 'string') return convA;
  const convB = conversation(value, 'conversation_b', turn);
  if (typeof convB === 'string') return convB;
  const vote: HumanVote = winner.startsWith('tie') ? 'tie' : (winner as HumanVote);
  return { questionId: String(qid).trim(), modelA: names[0]!, modelB: names[1]!, judge: names[2]!, vote, convA, convB, turn };
}

/** The contents of the user / assistant messages up to the turn judged, checked in order. */
function conversation(row: Record<string, unknown>, field: string, turn: 1 | 2): string[] | string {
  const messages = row[field];
  if (!Array.isArray(messages)) return `field "${field}" must be a list of messages, found ${messages === undefined ? 'nothing' : describeType(messages)}`;
  const needed = turn * 2;
  if (messages.length < needed) return `field "${field}" has ${messages.length} message(s); turn ${turn} needs ${needed}`;
  const out: string[] = [];
  for (let i = 0; i < needed; i += 1) {
    const m: unknown = messages[i];
    const role = i % 2 === 0 ? 'user' : 'assistant';
    if (!isPlainObject(m) || m.role !== role || typeof m.content !== 'string' || !m.content.trim()) {
      return `field "${field}" message ${i + 1} must be a ${role} message with content`;
    }
    const unstorable = unstorableText(m.content);
    if (unstorable) return `field "${field}" message ${i + 1} ${unstorable}`;
    out.push(m.content);
  }
  return out;
}
