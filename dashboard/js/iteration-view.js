// One iteration, live: stage progress bars (stageUpdated), counts (Iteration.stats, refreshed as
// work lands) and a feed of judgments (judgmentAdded). The feed starts with the latest few, then
// follows; after a dropped connection it resubscribes with afterSeq = the last seq shown, so no
// judgment is lost or shown twice. Below it, every judgment with filters and paging
// (judgments-browser.js); "pair N" opens the pair (pair-view.js). The TRAIN stage's log and the
// training actions (cancel, register the trained model) are in training-view.js.

import { gql } from './api.js';
import { badge, fmt, h, progressBar, replace } from './dom.js';
import { judgmentsBrowser } from './judgments-browser.js';
import { IterationDocument, IterationUpdatedDocument, JudgmentAddedDocument, StageUpdatedDocument } from './operations.generated.js';
import { trainingPanel } from './training-view.js';
import { live } from './ws.js';

/** @import { IterationStatsFragment, JudgmentAddedSubscription, MoneyFieldsFragment, StageFieldsFragment } from '../../generated/dashboard-operations.js' */

const FEED_MAX = 200;
const FEED_START = 30;


export async function renderIteration(main, id, onExperiment) {
  const data = await gql(IterationDocument, { id });
  const it = data.iteration;
  if (!it) {
    replace(main, h('p', { class: 'error' }, `Iteration ${id} not found.`));
    return () => {};
  }
  onExperiment(it.experiment.id);
  const stages = new Map(it.stages.map((s) => [s.id, s]));
  const els = {
    status: h('span'),
    models: h('p', { class: 'muted', dataset: { models: '' } }),
    training: h('div', { dataset: { training: '' } }),
    cards: h('div', { class: 'cards' }),
    stages: h('div', { class: 'stages', dataset: { stages: '' } }),
    feed: h('div', { class: 'feed', dataset: { feed: '' } }),
    feedNote: h('span', { class: 'muted' }),
    browse: h('div', { dataset: { judgmentsBrowser: '' } }),
  };
  replace(
    main,
    h('p', { class: 'muted' }, h('a', { href: `#/experiments/${it.experiment.id}` }, `← ${it.experiment.name}`)),
    h('h1', {}, `Iteration ${it.index} `, els.status),
    els.models,
    els.cards,
    h('h2', {}, 'Stages'),
    els.stages,
    els.training,
    h('h2', {}, 'Judgments ', els.feedNote),
    els.feed,
    h('h2', {}, 'Every judgment, filtered'),
    els.browse,
  );
  const stopBrowser = judgmentsBrowser(els.browse, it.id, it.experiment.id);

  let current = it;
  const training = trainingPanel(els.training, it.id, () => refresh());
  const paint = (iteration) => {
    current = iteration;
    replace(els.status, badge(iteration.status), iteration.error ? h('span', { class: 'error' }, ` ${iteration.error}`) : null);
    replace(els.models, `judge ${iteration.judgeModel}`, iteration.trainedModel ? ` → trained ${iteration.trainedModel}` : '');
    training.update(iteration, [...stages.values()]);
    renderCards(els.cards, iteration.stats, iteration);
    renderStages(els.stages, [...stages.values()].sort((a, b) => Number(a.id) - Number(b.id)));
  };
  paint(it);

  // Counts come from the server (exact); refreshed at most once a second while work lands.
  let refreshTimer = null;
  const refresh = () => {
    refreshTimer ??= setTimeout(async () => {
      refreshTimer = null;
      const fresh = (await gql(IterationDocument, { id }).catch(() => null))?.iteration;
      if (!fresh) return;
      for (const s of fresh.stages) stages.set(s.id, s);
      paint(fresh);
    }, 1000);
  };

  const stopStages = live.subscribe(StageUpdatedDocument, () => ({ experimentId: it.experiment.id }), {
    next: ({ stageUpdated: s }) => {
      if (s.iterationId !== it.id) return;
      stages.set(s.id, s);
      renderStages(els.stages, [...stages.values()].sort((a, b) => Number(a.id) - Number(b.id)));
      training.update(current, [...stages.values()]);
      refresh();
    },
  });

  // AWAITING_MODEL and a registered model change the iteration without always changing a stage.
  const stopIteration = live.subscribe(IterationUpdatedDocument, () => ({ experimentId: it.experiment.id }), {
    next: ({ iterationUpdated: changed }) => {
      if (changed.id === it.id) refresh();
    },
  });

  let lastSeq = Math.max(0, it.stats.judgments - FEED_START);
  els.feedNote.textContent = it.stats.judgments > FEED_START ? '(live, latest first; every judgment is below, with filters)' : '(live, latest first)';
  const stopJudgments = live.subscribe(JudgmentAddedDocument, () => ({ iterationId: it.id, afterSeq: lastSeq }), {
    next: ({ judgmentAdded: j }) => {
      if (j.seq <= lastSeq) return;
      lastSeq = j.seq;
      els.feed.prepend(judgmentRow(j));
      while (els.feed.childElementCount > FEED_MAX) els.feed.lastElementChild.remove();
      refresh();
    },
    error: (message) => {
      els.feedNote.textContent = `(stopped: ${message})`;
    },
  });

  if (it.stats.judgments === 0) els.feed.append(h('div', { class: 'row muted', dataset: { placeholder: '' } }, 'No judgments yet: they appear here as they are stored.'));

  return () => {
    clearTimeout(refreshTimer);
    stopStages();
    stopJudgments();
    stopBrowser();
    training.stop();
    stopIteration();
  };
}

/**
 * @param {HTMLElement} el
 * @param {IterationStatsFragment} stats
 * @param {{ cost: MoneyFieldsFragment | null, unpricedModels: string[] }} cost
 */
function renderCards(el, stats, cost) {
  const card = (label, value, title) => h('div', { class: 'card', title }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
  replace(
    el,
    card('judgments', fmt.count(stats.judgments)),
    card('correct', fmt.pct(stats.correct, stats.judgments), `${fmt.count(stats.correct)} name y_w`),
    card('unparseable', fmt.pct(stats.unparseable, stats.judgments), `${fmt.count(stats.unparseable)} without a readable verdict`),
    card('ties', fmt.count(stats.ties)),
    card('selected', fmt.count(stats.selected), 'kept for training'),
    card('A / B wins kept', `${fmt.count(stats.selectedAWins)} / ${fmt.count(stats.selectedBWins)}`),
    card('tokens in / out', `${fmt.compact(stats.promptTokens)} / ${fmt.compact(stats.completionTokens)}`),
    card('cost', fmt.money(cost.cost), cost.cost ? cost.cost.amount : `no price for ${cost.unpricedModels.join(', ')}`),
  );
}

/**
 * Stage rows (kind, status, bar, counts) into `el`; returns `el`.
 * @param {HTMLElement} el
 * @param {StageFieldsFragment[]} stages
 */
export function renderStages(el, stages) {
  if (stages.length === 0) return replace(el, h('span', { class: 'muted' }, 'No stage yet.'));
  return replace(
    el,
    stages.map((s) => [
      h('span', { class: 'mono' }, s.kind),
      badge(s.status),
      progressBar(s.done, s.total, s.status),
      h('span', { class: 'mono muted', dataset: { stage: s.kind } }, `${fmt.count(s.done)}/${fmt.count(s.total)}${s.failed ? ` · ${s.failed} failed` : ''}`),
    ]),
  );
}

/** @param {JudgmentAddedSubscription['judgmentAdded']} j */
function judgmentRow(j) {
  const outcome = j.verdict === 'UNPARSEABLE' ? h('span', { class: 'warn' }, 'unparseable') : j.correct ? h('span', { class: 'ok' }, '✓ correct') : h('span', { class: 'bad' }, '✗ incorrect');
  const row = h(
    'div',
    { class: 'row fresh', dataset: { seq: j.seq, verdict: j.verdict }, title: 'Show the reasoning', tabindex: 0 },
    h('span', { class: 'mono' }, `#${j.seq}`),
    h('a', { href: `#/pairs/${j.pair.id}`, dataset: { pairLink: j.pair.id }, onclick: (e) => e.stopPropagation() }, `pair ${j.pair.id}`),
    h('span', { class: 'muted' }, j.order === 'CHOSEN_FIRST' ? 'y_w first' : 'y_w second'),
    h('span', { class: 'muted' }, `sample ${j.sample}`),
    h('span', { class: 'verdict' }, j.verdict),
    outcome,
    h('span', { class: 'preview' }, j.reasoning.slice(0, 200)),
  );
  const toggle = () => {
    const open = row.querySelector('.reasoning');
    if (open) open.remove();
    else row.append(h('pre', { class: 'reasoning', onclick: (e) => e.stopPropagation() }, j.reasoning));
  };
  row.addEventListener('click', toggle);
  row.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') toggle();
  });
  document.querySelector('[data-placeholder]')?.remove();
  return row;
}
