// One synthetic pair: the instruction x, the modified x', y_w (the answer to x, the winner by
// construction) and y_l (the answer to x'); every judgment of it in both orders, of every iteration,
// with verdict, correctness, the selected flag and tokens; and the exact prompt the judge was sent
// in each order (the experiment's template filled as the server fills it).

import { gql } from './api.js';
import { badge, fmt, h, replace } from './dom.js';
import { PairDocument, PairJudgeTemplateDocument } from './operations.generated.js';

/** @import { PairJudgeTemplateQuery, PairQuery } from '../../generated/dashboard-operations.js' */

const PAGE = 200;

/** The judge's messages for a pair in one order: the same one-pass substitution as src/domain/prompts.ts. */
export function judgeMessages(template, question, answerA, answerB) {
  const values = { question, answer_a: answerA, answer_b: answerB };
  const user = template.user.replace(/\{(question|answer_a|answer_b)\}/g, (_, key) => values[key]);
  return [...(template.system.trim() ? [{ role: 'system', content: template.system }] : []), { role: 'user', content: user }];
}

export async function renderPair(main, id, onExperiment) {
  const first = (await gql(PairDocument, { id, first: PAGE, after: null })).pair;
  if (!first) {
    replace(main, h('p', { class: 'error' }, `Pair ${id} not found.`));
    return () => {};
  }
  const pair = first;
  const judgments = pair.judgments.edges.map((e) => e.node);
  const experiment = judgments.length > 0 ? (await gql(PairJudgeTemplateDocument, { iterationId: judgments[0].iteration.id })).iteration.experiment : null;
  if (experiment) onExperiment(experiment.id);

  const text = (label, note, value, key) =>
    h('div', { class: 'figure text', dataset: { text: key } }, h('h3', {}, label, ' ', h('span', { class: 'muted' }, note)), h('pre', { class: 'reasoning' }, value ?? '–'));
  const table = h('div', { class: 'scroll' });
  const more = h('div');
  let page = pair.judgments.pageInfo;
  const paint = () => replace(table, judgmentsTable(judgments));
  const paintMore = () =>
    replace(more, page.hasNextPage
      ? h('button', { type: 'button', dataset: { loadMore: 'pair' }, onclick: async () => {
          const next = (await gql(PairDocument, { id, first: PAGE, after: page.endCursor })).pair.judgments;
          judgments.push(...next.edges.map((e) => e.node));
          page = next.pageInfo;
          paint();
          paintMore();
        } }, `Load more (${fmt.count(judgments.length)} of ${fmt.count(pair.judgments.totalCount)} shown)`)
      : null);
  paint();
  paintMore();

  replace(
    main,
    experiment ? h('p', { class: 'muted' }, h('a', { href: `#/experiments/${experiment.id}` }, `← ${experiment.name}`)) : null,
    h('h1', {}, `Pair ${pair.id} `, badge(pair.status)),
    h('p', { class: 'muted' }, `instruction #${pair.instruction.id}${pair.instruction.category ? ` · ${pair.instruction.category}` : ''}`, pair.error ? h('span', { class: 'error' }, ` · ${pair.error}`) : null),
    h('div', { class: 'texts' },
      text('x', '(the instruction)', pair.instruction.text, 'x'),
      text("x'", '(related, not the same)', pair.modifiedInstruction, 'x-prime'),
      text('y_w', '(answers x: the winner)', pair.chosen, 'chosen'),
      text('y_l', "(answers x': the loser, for x)", pair.rejected, 'rejected'),
    ),
    h('h2', {}, `Judgments `, h('span', { class: 'muted' }, `(${fmt.count(pair.judgments.totalCount)}, both orders, every iteration; click one for its reasoning)`)),
    table,
    more,
    experiment ? promptSection(experiment.config.judgeTemplate, pair) : null,
  );
  return () => {};
}

/** @param {PairQuery['pair']['judgments']['edges'][number]['node'][]} judgments */
function judgmentsTable(judgments) {
  if (judgments.length === 0) return h('div', { class: 'empty' }, 'Not judged yet.');
  const head = ['iteration', 'order', 'sample', 'verdict', 'outcome', 'selected', 'tokens in / out', 'model'];
  const rows = [];
  for (const j of judgments) {
    const reasoning = h('tr', { class: 'reasoning-row', hidden: true }, h('td', { colspan: head.length }, h('pre', { class: 'reasoning' }, j.reasoning)));
    const row = h('tr', { class: 'clickable', dataset: { judgment: j.id, order: j.order, verdict: j.verdict }, tabindex: 0, onclick: () => (reasoning.hidden = !reasoning.hidden) },
      h('td', {}, h('a', { href: `#/iterations/${j.iteration.id}`, onclick: (e) => e.stopPropagation() }, `${j.iteration.index}`), h('span', { class: 'muted' }, ` · #${j.seq}`)),
      h('td', {}, j.order === 'CHOSEN_FIRST' ? 'y_w first (A)' : 'y_w second (B)'),
      h('td', { class: 'num' }, String(j.sample)),
      h('td', { class: 'verdict' }, j.verdict),
      h('td', {}, j.verdict === 'UNPARSEABLE' ? h('span', { class: 'warn' }, 'unparseable') : j.correct ? h('span', { class: 'ok' }, '✓ correct') : h('span', { class: 'bad' }, '✗ incorrect')),
      h('td', { dataset: { selected: String(j.selected) } }, j.selected ? '★ kept' : ''),
      h('td', { class: 'num' }, `${fmt.count(j.usage.promptTokens)} / ${fmt.count(j.usage.completionTokens)}`),
      h('td', { class: 'mono wrap' }, j.model),
    );
    rows.push(row, reasoning);
  }
  return h('table', { dataset: { pairJudgments: '' } }, h('thead', {}, h('tr', {}, head.map((t) => h('th', {}, t)))), h('tbody', {}, rows));
}

/**
 * @param {PairJudgeTemplateQuery['iteration']['experiment']['config']['judgeTemplate']} template
 * @param {PairQuery['pair']} pair
 */
function promptSection(template, pair) {
  const orders = [
    ['CHOSEN_FIRST', 'y_w first: A = y_w, B = y_l; the correct verdict is A', pair.chosen, pair.rejected],
    ['CHOSEN_SECOND', 'y_w second: A = y_l, B = y_w; the correct verdict is B', pair.rejected, pair.chosen],
  ];
  return [
    h('h2', {}, 'The judge prompt ', h('span', { class: 'muted' }, "(the experiment's template, filled for each order)")),
    orders.map(([order, note, a, b]) =>
      h('details', { class: 'prompt', dataset: { prompt: order } },
        h('summary', {}, note),
        judgeMessages(template, pair.instruction.text, a ?? '', b ?? '').map((m) => [h('div', { class: 'muted' }, m.role), h('pre', { class: 'reasoning' }, m.content)]),
      )),
  ];
}
