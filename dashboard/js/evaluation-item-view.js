// One benchmark item as an evaluation judged it: the prompt, the better and the worse answer, and
// the judge's verdict and every sample's reasoning in both orders; opened from a diff row, it shows
// the earlier evaluation (before) beside the later one (after) and how the item changed.
//   #/evaluations/B/items/ITEM?against=A

import { gql } from './api.js';
import { fmt, h, replace } from './dom.js';
import { EvaluationItemDocument } from './operations.generated.js';

/** @import { EvaluationItemQuery, OrderVerdictFieldsFragment } from '../../generated/dashboard-operations.js' */

const CHANGE_TEXT = { FIXED: 'fixed: wrong before, right after', BROKEN: 'broken: right before, wrong after', STILL_WRONG: 'still wrong', STILL_RIGHT: 'still right' };

export async function renderEvaluationItem(main, evaluationId, itemId, againstId, onExperiment) {
  const [after, before] = await Promise.all([
    gql(EvaluationItemDocument, { id: evaluationId, itemId, against: againstId }).then((d) => d.evaluation),
    againstId ? gql(EvaluationItemDocument, { id: againstId, itemId, against: null }).then((d) => d.evaluation) : Promise.resolve(null),
  ]);
  if (!after) {
    replace(main, h('p', { class: 'error' }, `Evaluation ${evaluationId} not found.`));
    return () => {};
  }
  if (againstId && !before) {
    replace(main, h('p', { class: 'error' }, `Evaluation ${againstId} not found.`));
    return () => {};
  }
  const node = after.items.edges[0]?.node ?? before?.items.edges[0]?.node;
  if (!node) {
    replace(main, h('p', { class: 'error' }, `Item ${itemId} was not judged by evaluation ${evaluationId}.`));
    return () => {};
  }
  if (after.experimentId) onExperiment(after.experimentId);
  const item = node.item;
  const change = after.items.edges[0]?.node.change ?? null;
  const text = (label, note, value, key) =>
    h('div', { class: 'figure text', dataset: { text: key } }, h('h3', {}, label, ' ', h('span', { class: 'muted' }, note)), h('pre', { class: 'reasoning' }, value));
  const judged = [
    ...(before ? [['before', before]] : []),
    [before ? 'after' : 'verdicts', after],
  ];
  replace(
    main,
    after.experimentId ? h('p', { class: 'muted' }, h('a', { href: `#/experiments/${after.experimentId}` }, `← experiment ${after.experimentId}`)) : null,
    h('h1', {}, `Item ${item.position} of ${after.benchmark.name}`),
    h('p', { class: 'muted' }, `item #${item.id} · ${item.subset}${item.sourceId ? ` · source id ${item.sourceId}` : ''}`,
      change ? [' · ', h('span', { class: change === 'FIXED' ? 'ok' : change === 'BROKEN' ? 'bad' : change === 'STILL_WRONG' ? 'warn' : '', dataset: { itemChange: change } }, CHANGE_TEXT[change])] : null),
    h('div', { class: 'texts' },
      text('Prompt', '', item.prompt, 'prompt'),
      text('Better answer', '(chosen)', item.chosen, 'chosen'),
      text('Worse answer', '(rejected)', item.rejected, 'rejected'),
    ),
    h('div', { class: 'texts' }, judged.map(([label, evaluation]) => judgedBy(label, evaluation))),
  );
  return () => {};
}

/**
 * One evaluation's verdicts on the item: both orders, each with every sample's reasoning.
 * @param {string} label
 * @param {EvaluationItemQuery['evaluation']} evaluation
 */
function judgedBy(label, evaluation) {
  const node = evaluation.items.edges[0]?.node;
  const head = h('h2', {}, `${label}: `, h('span', { class: 'mono' }, evaluation.judgeModel), h('span', { class: 'muted' }, ` · evaluation ${evaluation.id}`));
  if (!node) return h('div', { dataset: { judgedBy: label } }, head, h('div', { class: 'empty' }, 'This evaluation did not judge the item.'));
  return h('div', { dataset: { judgedBy: label, right: String(node.right) } },
    head,
    h('p', {}, node.right ? h('span', { class: 'ok' }, '✓ right in every order') : h('span', { class: 'bad' }, '✗ not right in every order'), h('span', { class: 'muted' }, ` · score ${node.score}`)),
    order('Better answer first (A = chosen): the correct verdict is A', 'CHOSEN_FIRST', node.chosenFirst),
    order('Better answer second (B = chosen): the correct verdict is B', 'CHOSEN_SECOND', node.chosenSecond),
  );
}

/**
 * @param {string} title
 * @param {string} key
 * @param {OrderVerdictFieldsFragment | null} verdicts
 */
function order(title, key, verdicts) {
  if (!verdicts) return h('div', { class: 'figure', dataset: { order: key } }, h('h3', {}, title), h('p', { class: 'muted' }, 'Not judged in this order.'));
  const outcome = verdicts.score === 1 ? h('span', { class: 'ok' }, 'correct') : verdicts.score === 0 ? h('span', { class: 'bad' }, 'wrong') : h('span', { class: 'warn' }, 'tie or unparseable');
  return h('div', { class: 'figure', dataset: { order: key, verdict: verdicts.verdict } },
    h('h3', {}, title),
    h('p', {}, 'verdict ', h('span', { class: 'verdict' }, verdicts.verdict), ' · ', outcome, verdicts.samples.length > 1 ? h('span', { class: 'muted' }, ` (majority of ${fmt.count(verdicts.samples.length)} samples)`) : null),
    verdicts.samples.map((s) =>
      h('details', { class: 'prompt', open: verdicts.samples.length === 1, dataset: { sample: s.sample } },
        h('summary', {}, `sample ${s.sample}: ${s.verdict}`),
        h('pre', { class: 'reasoning' }, s.reasoning))),
  );
}
