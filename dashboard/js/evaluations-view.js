// Benchmark evaluations of an experiment's judges: accuracy of M1 (the seed) and of each trained
// judge M(t+1), overall and per subset with 95% intervals, and the item-by-item diff between two
// evaluations; an empty-state message until something is evaluated.

import { gql } from './api.js';
import { lineChart } from './charts.js';
import { fmt, h, replace } from './dom.js';
import { EvaluationDiffDocument, EvaluationDiffPageDocument, EvaluationSubsetsDocument, ExperimentEvaluationsDocument } from './operations.generated.js';

/** @import { EvaluationBriefFragment, EvaluationDiffPageQuery, EvaluationDiffQuery, EvaluationSubsetsQuery } from '../../generated/dashboard-operations.js' */

/** Requests for per-subset accuracies in flight at once (one evaluation each). */
const SUBSET_REQUESTS = 6;
const DIFF_ROWS = 100;
const ACTIVE = new Set(['QUEUED', 'RUNNING', 'PAUSED']);

export async function renderEvaluations(el, experiment) {
  const data = (await gql(ExperimentEvaluationsDocument, { id: experiment.id })).experiment;
  // Points per benchmark: M1 is the seed judge, iteration t's evaluations score the M(t+1) it trained.
  const judges = [{ label: 'M1 (seed)', evaluations: data.seedEvaluations }, ...data.iterations.map((it) => ({ label: `M${it.index + 1}`, evaluations: it.evaluations }))];
  const benchmarks = new Map();
  for (const judge of judges) {
    for (const e of judge.evaluations) if (!benchmarks.has(e.benchmark.id)) benchmarks.set(e.benchmark.id, e.benchmark.name);
  }
  if (benchmarks.size === 0) {
    empty(el, 'No evaluation yet: run the loop with ', h('code', {}, `ste loop ${experiment.id} --iterations 2 --eval llmbar`), ' or call evaluateJudge.');
    return;
  }
  const sections = [];
  for (const [benchmarkId, name] of benchmarks) {
    // Lists are newest first: a judge's latest finished evaluation on this benchmark is its point.
    const points = judges
      .map((judge) => ({ label: judge.label, evaluation: judge.evaluations.find((e) => e.benchmark.id === benchmarkId && e.status === 'SUCCEEDED') }))
      .filter((p) => p.evaluation);
    const running = judges.filter((judge) => judge.evaluations.some((e) => e.benchmark.id === benchmarkId && ACTIVE.has(e.status))).map((judge) => judge.label);
    sections.push(await benchmarkSection(name, points, running));
  }
  replace(el, h('h2', {}, 'Benchmark accuracy'), sections);
}

function empty(el, ...message) {
  replace(el, h('h2', {}, 'Benchmark accuracy'), h('div', { class: 'empty', dataset: { chart: 'benchmark-empty' } }, ...message));
}

/**
 * A judge's latest finished evaluation on a benchmark: a point of its chart.
 * @typedef {{ label: string, evaluation: EvaluationBriefFragment }} Point
 */

/**
 * @param {string} name
 * @param {Point[]} points
 * @param {string[]} running
 */
async function benchmarkSection(name, points, running) {
  const subsets = await subsetsOf(points.map((p) => p.evaluation.id));
  const subsetNames = [...new Set(points.flatMap((p) => (subsets.get(p.evaluation.id) ?? []).map((s) => s.subset)))].sort();
  const toPoint = (a) => (a ? { y: a.value, lo: a.low, hi: a.high } : null);
  const series = [
    { name: 'overall', values: points.map((p) => toPoint(p.evaluation.overall.accuracy)) },
    ...(subsetNames.length > 1
      ? subsetNames.map((subset) => ({
          name: subset,
          interval: false,
          values: points.map((p) => toPoint((subsets.get(p.evaluation.id) ?? []).find((s) => s.subset === subset)?.accuracy)),
        }))
      : []),
  ];
  const chart = points.length > 0
    ? lineChart({ name: 'benchmark', xLabels: points.map((p) => p.label), series })
    : h('div', { class: 'empty' }, 'No finished evaluation yet.');
  chart.dataset.benchmark = name;
  chart.prepend(h('h3', {}, name, ' ', h('span', { class: 'muted' }, '(accuracy per judge, 95% bootstrap interval; M1 is the seed, iteration t trains M(t+1))')));
  // The chart and the diff's summary side by side; the diff's items below, full width.
  const diff = h('div', { class: 'figure diff', dataset: { diff: name } });
  const items = h('div');
  if (points.length > 1) renderDiffPicker(diff, items, points, subsetNames);
  return [
    h('div', { class: 'charts' }, chart, points.length > 0 ? accuracyTable(name, points, subsets, subsetNames) : null, points.length > 0 ? positionBiasChart(name, points) : null, points.length > 1 ? diff : null),
    points.length ? rewardBenchLine(points[points.length - 1]) : null,
    running.length ? h('p', { class: 'muted' }, `Evaluating ${running.join(', ')} on ${name}…`) : null,
    items,
  ];
}

/**
 * Position bias per judge: accuracy with the better answer shown first and shown second (a gap is
 * a bias toward one position), and the agreement rate (the same answer wins in both orders).
 */
function positionBiasChart(/** @type {string} */ name, /** @type {Point[]} */ points) {
  const toPoint = (a) => (a ? { y: a.value, lo: a.low, hi: a.high } : null);
  const chart = lineChart({
    name: 'position-bias',
    xLabels: points.map((p) => p.label),
    series: [
      { name: 'better answer first', values: points.map((p) => toPoint(p.evaluation.overall.chosenFirst)) },
      { name: 'better answer second', values: points.map((p) => toPoint(p.evaluation.overall.chosenSecond)) },
      { name: 'agreement between orders', interval: false, values: points.map((p) => toPoint(p.evaluation.overall.agreementRate)) },
    ],
  });
  chart.dataset.positionBias = name;
  chart.prepend(h('h3', {}, `Position bias on ${name} `, h('span', { class: 'muted' }, '(accuracy by the position of the better answer, 95% interval; agreement: the same answer wins in both orders)')));
  chart.append(h('div', { class: 'scroll' }, h('table', { dataset: { positionBiasTable: name } },
    h('thead', {}, h('tr', {}, ['judge', 'first', 'second', 'gap', 'agreement'].map((t, i) => h('th', { class: i ? 'num' : null }, t)))),
    h('tbody', {}, points.map((p) => {
      const o = p.evaluation.overall;
      const gap = o.chosenFirst && o.chosenSecond ? o.chosenFirst.value - o.chosenSecond.value : null;
      return h('tr', { dataset: { judge: p.label } },
        h('td', {}, p.label),
        h('td', { class: 'num' }, fmt.share(o.chosenFirst?.value)),
        h('td', { class: 'num' }, fmt.share(o.chosenSecond?.value)),
        h('td', { class: 'num' }, gap === null ? '–' : `${gap >= 0 ? '+' : ''}${(100 * gap).toFixed(1)}`),
        h('td', { class: 'num', title: `over ${o.agreementItems} items` }, fmt.share(o.agreementRate?.value)),
      );
    })),
  )));
  return chart;
}

/**
 * RewardBench headline per evaluation id, filled by subsetsOf.
 * @type {Map<string, EvaluationSubsetsQuery['evaluation']['rewardBench']>}
 */
const rewardBenchOf = new Map();
const SCORING_TEXT = { ONE_VERDICT: 'one verdict', PER_SAMPLE: 'per sample', MAJORITY_VOTE: 'majority vote' };

/**
 * "RewardBench of M3: overall 88.1% (per sample) · overall 88.7% (majority vote)", or
 * "partial (Chat Hard) 55.1%" when some section is missing: never called overall then.
 */
function rewardBenchLine(/** @type {Point} */ point) {
  const rb = rewardBenchOf.get(point.evaluation.id);
  if (!rb || rb.mean.label === 'none') return null;
  const part = (r) => `${r.mean.overall !== null ? 'overall' : r.mean.label} ${fmt.share(r.mean.overall ?? r.mean.partialMean)} (${SCORING_TEXT[r.scoring]})`;
  const parts = [rb, ...(rb.majorityVote ? [rb.majorityVote] : [])].map(part);
  return h('p', { class: 'muted', dataset: { rewardbench: rb.mean.label } }, `RewardBench of ${point.label}: ${parts.join(' · ')}`);
}

/** Per-subset accuracies of evaluations: one EvaluationSubsets request each, a few in parallel. */
async function subsetsOf(ids) {
  /** @type {Map<string, EvaluationSubsetsQuery['evaluation']['subsets']>} */
  const out = new Map();
  for (let start = 0; start < ids.length; start += SUBSET_REQUESTS) {
    const chunk = ids.slice(start, start + SUBSET_REQUESTS);
    const found = await Promise.all(chunk.map(async (id) => (await gql(EvaluationSubsetsDocument, { id })).evaluation));
    for (const value of found) {
      if (!value) continue;
      out.set(value.id, value.subsets);
      rewardBenchOf.set(value.id, value.rewardBench);
    }
  }
  return out;
}

function renderDiffPicker(el, itemsEl, points, subsetNames) {
  const select = (selected) =>
    h('select', {}, points.map((p, i) => h('option', { value: p.evaluation.id, selected: i === selected }, `${p.label} · evaluation ${p.evaluation.id}`)));
  const a = select(0);
  const b = select(points.length - 1);
  const out = h('div');
  const show = async () => {
    replace(itemsEl);
    if (a.value === b.value) return replace(out, h('p', { class: 'muted' }, 'Pick two different evaluations.'));
    replace(out, h('p', { class: 'muted' }, 'Comparing…'));
    try {
      const view = diffView((await gql(EvaluationDiffDocument, { a: a.value, b: b.value })).evaluationDiff, { a: a.value, b: b.value }, subsetNames);
      replace(out, view.summary);
      replace(itemsEl, view.items);
    } catch (error) {
      replace(out, h('p', { class: 'error' }, error.message));
    }
  };
  a.addEventListener('change', show);
  b.addEventListener('change', show);
  replace(el, h('h3', {}, 'What changed between two judges, item by item'), h('p', {}, a, ' → ', b), out);
  void show();
}

/**
 * @param {EvaluationDiffQuery['evaluationDiff']} d
 * @param {{ a: string, b: string }} pair
 * @param {string[]} subsetNames
 */
function diffView(d, pair, subsetNames) {
  const change = d.accuracyChange;
  const pp = (v) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}`;
  const cards = [
    ['fixed', d.fixed, 'ok'],
    ['broken', d.broken, 'bad'],
    ['still wrong', d.stillWrong, 'warn'],
    ['still right', d.stillRight, ''],
  ].map(([label, n, cls]) => h('div', { class: 'card', dataset: { change: label } }, h('div', { class: `value ${cls}` }, fmt.count(n)), h('div', { class: 'label' }, label)));
  const summary = h('div', {},
    h('div', { class: 'cards' }, cards),
    h('p', {}, `accuracy ${fmt.share(d.accuracyA)} → ${fmt.share(d.accuracyB)}`,
      change ? ` (${pp(change.value)} points, 95% interval ${pp(change.low)} to ${pp(change.high)})` : '',
      d.onlyInA || d.onlyInB ? h('span', { class: 'muted' }, ` · ${d.onlyInA + d.onlyInB} items judged by only one of them are left out`) : null),
  );
  return { summary, items: diffItems(pair, subsetNames) };
}

/**
 * Which changes the diff's item list shows: the items not right in both by default.
 * @type {[string, string, import('../../generated/dashboard-operations.js').ItemChange[] | null][]}
 */
const CHANGE_CHOICES = [
  ['NOT_RIGHT', 'not right in both', ['FIXED', 'BROKEN', 'STILL_WRONG']],
  ['FIXED', 'fixed', ['FIXED']],
  ['BROKEN', 'broken', ['BROKEN']],
  ['STILL_WRONG', 'still wrong', ['STILL_WRONG']],
  ['STILL_RIGHT', 'still right', ['STILL_RIGHT']],
  ['ALL', 'every change', null],
];

/**
 * The diff's items, DIFF_ROWS at a time with "load more" (EvaluationDiff.itemPage), filtered by
 * change and subset; each row opens the item page (both answers, the reasoning before and after).
 */
function diffItems({ a, b }, subsetNames) {
  const change = h('select', { dataset: { diffFilter: 'change' }, 'aria-label': 'change' }, CHANGE_CHOICES.map(([value, label]) => h('option', { value }, label)));
  const subset = h('select', { dataset: { diffFilter: 'subset' }, 'aria-label': 'subset' }, h('option', { value: '' }, 'every subset'), subsetNames.map((s) => h('option', { value: s }, s)));
  const count = h('span', { class: 'muted' });
  const tbody = h('tbody');
  const more = h('div');
  let generation = 0;
  const load = async (after, shown) => {
    const mine = generation;
    const changes = CHANGE_CHOICES.find(([value]) => value === change.value)[2];
    const page = (await gql(EvaluationDiffPageDocument, { a, b, first: DIFF_ROWS, after, changes, subset: subset.value || null })).evaluationDiff.itemPage;
    if (mine !== generation) return;
    tbody.append(...page.edges.map((e) => diffRow(e.node, a, b)));
    const total = shown + page.edges.length;
    count.textContent = `${fmt.count(total)} of ${fmt.count(page.totalCount)} shown`;
    replace(more, page.pageInfo.hasNextPage
      ? h('button', { type: 'button', dataset: { loadMore: 'diff' }, onclick: () => void load(page.pageInfo.endCursor, total).catch(showError) }, `Load ${DIFF_ROWS} more`)
      : null);
  };
  const showError = (error) => replace(more, h('p', { class: 'error' }, error.message));
  const reload = () => {
    generation += 1;
    replace(tbody);
    replace(more);
    count.textContent = 'loading…';
    void load(null, 0).catch(showError);
  };
  change.addEventListener('change', reload);
  subset.addEventListener('change', reload);
  reload();
  return h('div', { class: 'diff-items', dataset: { diffItems: '' } },
    h('h3', {}, 'Items ', h('span', { class: 'muted' }, '(click one for both answers and the reasoning before and after)')),
    h('div', { class: 'filters' }, h('label', {}, 'change ', change), subsetNames.length > 1 ? h('label', {}, 'subset ', subset) : null, count),
    h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['change', 'subset', 'prompt', 'verdicts a (first/second)', 'verdicts b'].map((t) => h('th', {}, t)))), tbody)),
    more,
  );
}

/**
 * @param {EvaluationDiffPageQuery['evaluationDiff']['itemPage']['edges'][number]['node']} row
 * @param {string} a
 * @param {string} b
 */
function diffRow(row, a, b) {
  const href = itemHref(b, row.item.id, a);
  return h('tr', { class: 'clickable', dataset: { diffItem: row.item.id, change: row.change }, tabindex: 0, onclick: () => (location.hash = href), onkeydown: (e) => e.key === 'Enter' && (location.hash = href) },
    h('td', { class: row.change === 'FIXED' ? 'up' : row.change === 'BROKEN' ? 'down' : '' }, row.change.toLowerCase().replace('_', ' ')),
    h('td', {}, row.item.subset),
    h('td', { class: 'prompt', title: row.item.prompt }, h('a', { href, onclick: (e) => e.stopPropagation() }, row.item.prompt.slice(0, 90) || `item ${row.item.id}`)),
    h('td', { class: 'mono' }, verdicts(row.a)),
    h('td', { class: 'mono' }, verdicts(row.b)),
  );
}

/** The item page of evaluation `b`'s item, compared with evaluation `a` when given. */
export function itemHref(b, itemId, a) {
  return `#/evaluations/${b}/items/${itemId}${a ? `?against=${a}` : ''}`;
}

function verdicts(outcome) {
  return `${outcome.chosenFirst ?? '–'} / ${outcome.chosenSecond ?? '–'}`;
}

/** The numbers behind the chart: accuracy [95% interval] per judge (rows) and subset (columns). */
function accuracyTable(/** @type {string} */ name, /** @type {Point[]} */ points, /** @type {Map<string, EvaluationSubsetsQuery['evaluation']['subsets']>} */ subsets, /** @type {string[]} */ subsetNames) {
  const cell = (a) => (a ? h('td', { class: 'num', title: `95% interval ${fmt.share(a.low)} to ${fmt.share(a.high)}` }, fmt.share(a.value), h('span', { class: 'muted interval' }, ` ${(100 * a.low).toFixed(1)}–${(100 * a.high).toFixed(1)}`)) : h('td', { class: 'num' }, '–'));
  const columns = subsetNames.length > 1 ? ['overall', ...subsetNames] : ['overall'];
  return h('div', { class: 'figure' },
    h('h3', {}, 'Accuracy per judge and subset ', h('span', { class: 'muted' }, '(95% interval)')),
    h('div', { class: 'scroll' }, h('table', { dataset: { accuracyTable: name } },
      h('thead', {}, h('tr', {}, h('th', {}, 'judge'), columns.map((c) => h('th', { class: 'num' }, c)))),
      h('tbody', {}, points.map((p) => h('tr', { dataset: { judge: p.label } },
        h('td', {}, p.label, h('span', { class: 'muted' }, ` · evaluation ${p.evaluation.id}`)),
        columns.map((c) => cell(c === 'overall' ? p.evaluation.overall.accuracy : (subsets.get(p.evaluation.id) ?? []).find((s) => s.subset === c)?.accuracy)),
      ))),
    )),
  );
}
