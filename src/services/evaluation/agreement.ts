/**
 * Agreement of a judge with humans on MT-Bench human judgments, as the MT-Bench paper computes it
 * (lm-sys/FastChat fastchat/llm_judge/compute_agreement.py, judges "gpt4-pair" and "human"):
 *
 * - the judge gives one vote per pair and turn. It judges both orders; as FastChat's pairwise judge
 *   does, the vote is the model that wins in both orders, and "tie" when the orders disagree or
 *   either is a tie or unparseable (with k > 1, each order's majority verdict). With one order
 *   judged, that order's vote.
 * - every human vote on the pair is compared with it: "with ties" counts every vote, a tie
 *   matching a tie (FastChat's equalvote: "tie" and "tie (bothbad)" are the same);
 *   "without ties" leaves out the votes where the judge or the human says tie.
 * - turn 1 and turn 2 are reported apart (the paper's table), and both together.
 *
 * Pure.
 */
import type { JudgmentOrder, Verdict } from '../../domain/vocabulary.js';
import type { HumanVote, MtBenchLabels } from '../imports/mtbench-human.js';
import { majorityVerdict } from './metrics.js';
import type { VerdictRecord } from './metrics.js';

export type AgreementRate = { agree: number; total: number; value: number | null };
export type TurnAgreement = { withTies: AgreementRate; withoutTies: AgreementRate };
export type HumanAgreement = {
  turn1: TurnAgreement;
  turn2: TurnAgreement;
  /** Both turns together. */
  all: TurnAgreement;
  /** Pairs (items) with a judge vote, and the human votes on them. */
  pairs: number;
  humanVotes: number;
};

/** The judge's vote for model_a / model_b from one order's verdict. */
export function orderVote(order: JudgmentOrder, verdict: Verdict): HumanVote {
  if (verdict !== 'A' && verdict !== 'B') return 'tie';
  // CHOSEN_FIRST shows model_a as A; CHOSEN_SECOND shows model_b as A.
  return (verdict === 'A') === (order === 'CHOSEN_FIRST') ? 'model_a' : 'model_b';
}

/** One vote from the orders judged: the same model in both, else a tie. Null when none was judged. */
export function judgeVote(first: Verdict[], second: Verdict[]): HumanVote | null {
  const votes = [
    ...(first.length ? [orderVote('CHOSEN_FIRST', majorityVerdict(first))] : []),
    ...(second.length ? [orderVote('CHOSEN_SECOND', majorityVerdict(second))] : []),
  ];
  if (votes.length === 0) return null;
  return votes.every((v) => v === votes[0]) ? votes[0]! : 'tie';
}

/** Agreement over the items with labels; items with no verdict yet are left out. */
export function humanAgreement(items: readonly { id: number; labels: MtBenchLabels }[], records: readonly VerdictRecord[]): HumanAgreement {
  const verdicts = new Map<number, { first: Verdict[]; second: Verdict[] }>();
  for (const r of records) {
    const id = Number(r.itemId);
    const entry = verdicts.get(id) ?? { first: [], second: [] };
    verdicts.set(id, entry);
    (r.order === 'CHOSEN_FIRST' ? entry.first : entry.second).push(r.verdict);
  }
  const counts = { turn1: emptyCounts(), turn2: emptyCounts(), all: emptyCounts() };
  let pairs = 0;
  let humanVotes = 0;
  for (const item of items) {
    const v = verdicts.get(item.id);
    const vote = v ? judgeVote(v.first, v.second) : null;
    if (vote === null) continue;
    pairs += 1;
    humanVotes += item.labels.votes.length;
    for (const human of item.labels.votes) {
      for (const c of [item.labels.turn === 1 ? counts.turn1 : counts.turn2, counts.all]) {
        const same = human === vote ? 1 : 0;
        c.withTies.agree += same;
        c.withTies.total += 1;
        if (human !== 'tie' && vote !== 'tie') {
          c.withoutTies.agree += same;
          c.withoutTies.total += 1;
        }
      }
    }
  }
  return { turn1: finish(counts.turn1), turn2: finish(counts.turn2), all: finish(counts.all), pairs, humanVotes };
}

function emptyCounts() {
  return { withTies: { agree: 0, total: 0 }, withoutTies: { agree: 0, total: 0 } };
}

function finish(c: ReturnType<typeof emptyCounts>): TurnAgreement {
  const rate = (r: { agree: number; total: number }): AgreementRate => ({ ...r, value: r.total ? r.agree / r.total : null });
  return { withTies: rate(c.withTies), withoutTies: rate(c.withoutTies) };
}
