// Two or more experiments on one chart: each experiment a series, its judges M1 (the seed), M2, ...
// along the x axis; accuracy on a benchmark (pick one) with 95% intervals, and accuracy on the
// experiments' own synthetic pairs, with the numbers in a table below.
//   #/compare?ids=1,2,3

import { gql } from './api.js';
import { lineChart } from './charts.js';
import { wilson } from './experiment-view.js';
import { fmt, h, replace } from './dom.js';
import { CompareExperimentDocument } from './operations.generated.js';

/** @import { CompareExperimentQuery } from '../../generated/dashboard-operations.js' */

export const MAX_COMPARED = 8;

/** The compare page of these experiment ids (2 to MAX_COMPARED). */
export function compareHref(ids) {
  return `#/compare?ids=${ids.join(',')}`;
}

export async function renderCompare(main, query) {
  const ids = [...new Set((new URLSearchParams(query).get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length < 2 || ids.length > MAX_COMPARED || !ids.every((id) => /^\d+$/.test(id))) {
    replace(main, h('p', { class: 'error' }, `Compare takes 2 to ${MAX_COMPARED} experiment ids, as #/compare?ids=1,2: pick them in the experiments table.`));
    return () => {};
  }
  const loaded = await Promise.all(ids.map((id) => gql(CompareExperimentDocument, { id })));
  const missing = ids.filter((_, i) => !loaded[i].experiment);
  if (missing.length > 0) {
    replace(main, h('p', { class: 'error' }, `Experiment ${missing.join(', ')} not found.`));
    return () => {};
  }
  const experiments = loaded.map((d) => ({ ...d.experiment, evaluations: d.evaluations.edges.map((e) => e.node) }));
  // Judge k of an experiment: M1 is the seed (no iteration), iteration t trains M(t+1).
  const judgeCount = Math.max(...experiments.map((e) => e.iterations.length + 1));
  const xLabels = Array.from({ length: judgeCount }, (_, k) => `M${k + 1}`);
  const benchmarks = new Map();
  for (const e of experiments) for (const ev of e.evaluations) if (ev.status === 'SUCCEEDED') benchmarks.set(ev.benchmark.id, ev.benchmark.name);

  const benchmarkFigure = h('div');
  const pick = h('select', { dataset: { compareBenchmark: '' }, 'aria-label': 'benchmark' }, [...benchmarks].map(([id, name]) => h('option', { value: id }, name)));
  const paintBenchmark = () => replace(benchmarkFigure, benchmarks.size === 0
    ? h('div', { class: 'empty' }, 'None of these experiments has a finished benchmark evaluation yet.')
    : benchmarkChart(experiments, pick.value, benchmarks.get(pick.value), xLabels));
  pick.addEventListener('change', paintBenchmark);
  paintBenchmark();

  replace(main,
    h('h1', {}, 'Comparing ', experiments.map((e, i) => [i ? ', ' : '', h('a', { href: `#/experiments/${e.id}` }, e.name), h('span', { class: 'muted' }, ` #${e.id}`)])),
    h('p', { class: 'muted' }, 'Each experiment is one series; M1 is its seed judge and iteration t trains M(t+1).'),
    benchmarks.size > 1 ? h('p', {}, h('label', {}, 'benchmark ', pick)) : null,
    h('div', { class: 'charts' }, benchmarkFigure, pairsChart(experiments)),
  );
  return () => {};
}

/**
 * An experiment with its evaluations, as the page loads it.
 * @typedef {CompareExperimentQuery['experiment'] & { evaluations: CompareExperimentQuery['evaluations']['edges'][number]['node'][] }} Compared
 */

/**
 * The latest finished evaluation of judge k (0: the seed) of an experiment on a benchmark.
 * @param {Compared} e
 * @param {string} benchmarkId
 * @param {number} k
 */
function judgeEvaluation(e, benchmarkId, k) {
  const iterationId = k === 0 ? null : e.iterations.find((it) => it.index === k)?.id;
  if (k > 0 && !iterationId) return null;
  return e.evaluations.find((ev) => ev.status === 'SUCCEEDED' && ev.benchmark.id === benchmarkId && (ev.iterationId ?? null) === (iterationId ?? null)) ?? null;
}

/**
 * @param {Compared[]} experiments
 * @param {string} benchmarkId
 * @param {string} name
 * @param {string[]} xLabels
 */
function benchmarkChart(experiments, benchmarkId, name, xLabels) {
  const values = experiments.map((e) => xLabels.map((_, k) => judgeEvaluation(e, benchmarkId, k)?.overall.accuracy ?? null));
  const chart = lineChart({
    name: 'compare-benchmark',
    xLabels,
    series: experiments.map((e, i) => ({ name: `${e.name} #${e.id}`, values: values[i].map((a) => (a ? { y: a.value, lo: a.low, hi: a.high } : null)) })),
  });
  chart.dataset.compare = name;
  chart.prepend(h('h3', {}, `Accuracy on ${name} `, h('span', { class: 'muted' }, '(per judge, 95% bootstrap interval)')));
  chart.append(numbers('compare-benchmark', experiments, xLabels, values.map((row) => row.map((a) => (a ? fmt.share(a.value) : '–')))));
  return chart;
}

/** @param {Compared[]} experiments */
function pairsChart(experiments) {
  const labels = Array.from({ length: Math.max(1, ...experiments.map((e) => e.iterations.length)) }, (_, t) => `M${t + 1}`);
  const values = experiments.map((e) => labels.map((_, t) => {
    const it = e.iterations.find((x) => x.index === t + 1);
    return it && it.stats.judgments > 0 ? wilson(it.stats.correct, it.stats.judgments) : null;
  }));
  const chart = lineChart({ name: 'compare-pairs', xLabels: labels, series: experiments.map((e, i) => ({ name: `${e.name} #${e.id}`, values: values[i] })) });
  chart.prepend(h('h3', {}, 'Accuracy on the synthetic pairs ', h('span', { class: 'muted' }, '(judgments naming y_w, by the judge M_t of iteration t; 95% interval)')));
  chart.append(numbers('compare-pairs', experiments, labels, values.map((row) => row.map((p) => (p ? fmt.share(p.y) : '–')))));
  return chart;
}

function numbers(name, experiments, xLabels, cells) {
  return h('div', { class: 'scroll' }, h('table', { dataset: { compareTable: name } },
    h('thead', {}, h('tr', {}, h('th', {}, 'experiment'), xLabels.map((x) => h('th', { class: 'num' }, x)))),
    h('tbody', {}, experiments.map((e, i) => h('tr', { dataset: { experiment: e.id } }, h('td', {}, e.name), cells[i].map((c) => h('td', { class: 'num' }, c))))),
  ));
}
