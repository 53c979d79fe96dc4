// Every judgment of an iteration, filtered by verdict, correctness, order and selection and found by
// words of its reasoning or of its pair's instruction (full-text search on the server), a page at a
// time ("Load more" follows the cursor), with the total that matches the filter.

import { gql } from './api.js';
import { fmt, h, replace } from './dom.js';
import { IterationJudgmentsDocument, StageUpdatedDocument } from './operations.generated.js';
import { live } from './ws.js';

/** @import { IterationJudgmentsQuery } from '../../generated/dashboard-operations.js' */

const PAGE = 50;

const FILTERS = [
  { key: 'verdict', label: 'verdict', options: [['', 'any'], ['A', 'A'], ['B', 'B'], ['TIE', 'tie'], ['UNPARSEABLE', 'unparseable']] },
  { key: 'correct', label: 'outcome', options: [['', 'any'], ['true', 'correct'], ['false', 'not correct']] },
  { key: 'order', label: 'order', options: [['', 'any'], ['CHOSEN_FIRST', 'y_w first'], ['CHOSEN_SECOND', 'y_w second']] },
  { key: 'selected', label: 'selected', options: [['', 'any'], ['true', 'kept for training'], ['false', 'not kept']] },
];

/** The browser, mounted in `el`; returns the function that stops it. */
export function judgmentsBrowser(el, iterationId, experimentId) {
  const selects = Object.fromEntries(FILTERS.map((f) => [f.key, h('select', { name: f.key, 'aria-label': f.label, dataset: { filter: f.key } }, f.options.map(([value, text]) => h('option', { value }, text)))]));
  const search = h('input', { type: 'search', name: 'search', placeholder: 'words of the reasoning or instruction', 'aria-label': 'search', maxlength: 200, dataset: { filter: 'search' } });
  const searchForm = h('form', { class: 'search', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    void reload();
  } }, search, h('button', { type: 'submit' }, 'Search'));
  const total = h('span', { class: 'muted', dataset: { judgmentTotal: '' } });
  const list = h('div', { class: 'feed browse', dataset: { browse: '' } });
  const more = h('div');
  let generation = 0;

  const filter = () => {
    const f = {};
    for (const { key } of FILTERS) {
      const v = selects[key].value;
      if (v === '') continue;
      f[key] = v === 'true' ? true : v === 'false' ? false : v;
    }
    if (search.value.trim() !== '') f.search = search.value.trim();
    return f;
  };
  const load = async (after) => {
    const mine = generation;
    const data = (await gql(IterationJudgmentsDocument, { id: iterationId, first: PAGE, filter: filter(), after })).iteration.judgments;
    if (mine !== generation) return; // the filter changed while this page was on its way
    total.textContent = `${fmt.count(data.totalCount)} match`;
    list.append(...data.edges.map((e) => row(e.node)));
    if (data.totalCount === 0) list.append(h('div', { class: 'row muted' }, 'No judgment matches.'));
    replace(more, data.pageInfo.hasNextPage
      ? h('button', { type: 'button', dataset: { loadMore: 'judgments' }, onclick: () => void load(data.pageInfo.endCursor) }, `Load more (${fmt.count(list.childElementCount)} of ${fmt.count(data.totalCount)} shown)`)
      : null);
  };
  const reload = () => {
    generation += 1;
    list.replaceChildren();
    replace(more);
    total.textContent = '';
    return load(null).catch((error) => replace(more, h('p', { class: 'error', dataset: { searchError: '' } }, error.message)));
  };
  for (const select of Object.values(selects)) select.addEventListener('change', () => void reload());
  // Clearing the box (its × or Escape) shows every judgment again.
  search.addEventListener('search', () => search.value === '' && void reload());
  replace(el,
    h('div', { class: 'filters' }, FILTERS.map((f) => h('label', {}, `${f.label} `, selects[f.key])), searchForm, total),
    list,
    more,
  );
  void reload();
  // Read again when a stage of the iteration ends: its totals and pages are then final.
  return live.subscribe(StageUpdatedDocument, () => ({ experimentId }), {
    next: ({ stageUpdated: s }) => {
      if (s.iterationId === iterationId && !['QUEUED', 'RUNNING', 'PAUSED'].includes(s.status)) void reload();
    },
  });
}

/** @param {IterationJudgmentsQuery['iteration']['judgments']['edges'][number]['node']} j */
function row(j) {
  const outcome = j.verdict === 'UNPARSEABLE' ? h('span', { class: 'warn' }, 'unparseable') : j.correct ? h('span', { class: 'ok' }, '✓ correct') : h('span', { class: 'bad' }, '✗ incorrect');
  const el = h('div', { class: 'row', dataset: { browseSeq: j.seq, verdict: j.verdict, order: j.order }, tabindex: 0 },
    h('span', { class: 'mono' }, `#${j.seq}`),
    h('a', { href: `#/pairs/${j.pair.id}`, dataset: { pairLink: j.pair.id } }, `pair ${j.pair.id}`),
    h('span', { class: 'muted' }, j.order === 'CHOSEN_FIRST' ? 'y_w first' : 'y_w second'),
    h('span', { class: 'muted' }, `sample ${j.sample}`),
    h('span', { class: 'verdict' }, j.verdict),
    outcome,
    h('span', { class: 'preview' }, j.selected ? '★ kept · ' : '', j.reasoning.slice(0, 160)),
  );
  el.addEventListener('click', (event) => {
    if (event.target.closest('a')) return;
    const open = el.querySelector('.reasoning');
    if (open) open.remove();
    else el.append(h('pre', { class: 'reasoning' }, j.reasoning));
  });
  return el;
}
