// One experiment: its configuration, operator actions (actions.js), live stage progress with
// cancel/resume, the iterations with their counts, and charts of how the judge changes from
// iteration to iteration.

import { renderActions, renderStageControls } from './actions.js';
import { gql } from './api.js';
import { barChart, lineChart } from './charts.js';
import { badge, fmt, h, replace } from './dom.js';
import { renderEvaluations } from './evaluations-view.js';
import { instructionsList, pairsList } from './experiment-lists.js';
import { renderStages } from './iteration-view.js';
import { ExperimentDocument, StageUpdatedDocument } from './operations.generated.js';
import { live } from './ws.js';

/** @import { ExperimentQuery, StageFieldsFragment } from '../../generated/dashboard-operations.js' */

const ACTIVE = new Set(['QUEUED', 'RUNNING', 'PAUSED']);

export async function renderExperiment(main, id) {
  const first = (await gql(ExperimentDocument, { id })).experiment;
  if (!first) {
    replace(main, h('p', { class: 'error' }, `Experiment ${id} not found.`));
    return () => {};
  }
  const els = {
    head: h('div'),
    stages: h('div'),
    iterations: h('div'),
    charts: h('div', { class: 'charts' }),
    evaluations: h('div'),
    actions: h('div', { dataset: { actions: '' } }),
    controls: h('div', { dataset: { stageControls: '' } }),
    instructions: h('div', { dataset: { instructionsList: '' } }),
    pairs: h('div', { dataset: { pairsList: '' } }),
  };
  // Benchmark accuracy first: it is what the loop is for.
  els.stageCost = h('div');
  replace(main, els.head, els.actions, els.stages, els.controls, els.evaluations, h('h2', {}, 'How the judge changes on its own training data'), els.charts, h('h2', {}, 'Iterations'), els.iterations, els.stageCost,
    h('h2', {}, 'Instructions'), els.instructions, h('h2', {}, 'Pairs'), els.pairs);
  // Drawn once (a search typed is kept); read again after an action (an import adds instructions)
  // and when a stage that adds pairs or categories ends, not on every progress update.
  const lists = [instructionsList(els.instructions, id), pairsList(els.pairs, id)];
  const reloadLists = () => {
    for (const list of lists) void list.reload();
  };

  let experiment = first;
  const stages = new Map(first.stages.map((s) => [s.id, s]));
  const paintStages = () => {
    renderStageControls(els.controls, [...stages.values()]);
    const active = [...stages.values()].filter((s) => ACTIVE.has(s.status)).sort((a, b) => Number(a.id) - Number(b.id));
    if (active.length === 0) replace(els.stages);
    else replace(els.stages, h('h2', {}, 'In progress'), renderStages(h('div', { class: 'stages' }), active));
  };
  const paint = () => {
    renderHead(els.head, experiment);
    paintStages();
    renderIterations(els.iterations, experiment.iterations);
    renderCharts(els.charts, experiment.iterations);
    renderStageCost(els.stageCost, [...stages.values()], experiment.iterations);
  };
  paint();
  const actions = await renderActions(els.actions, experiment);
  // Evaluations are drawn again only when one more has finished (not on every progress update).
  const finishedEvaluations = () => [...stages.values()].filter((s) => s.kind === 'EVALUATE' && !ACTIVE.has(s.status)).length;
  let evaluationsShown = finishedEvaluations();
  await renderEvaluations(els.evaluations, experiment);

  let timer = null;
  const reload = () => {
    timer ??= setTimeout(async () => {
      timer = null;
      const fresh = (await gql(ExperimentDocument, { id }).catch(() => null))?.experiment;
      if (!fresh) return;
      experiment = fresh;
      actions.refreshJudges(fresh);
      window.dispatchEvent(new CustomEvent('ste:changed'));
      for (const s of fresh.stages) stages.set(s.id, s);
      paint();
      if (finishedEvaluations() !== evaluationsShown) {
        evaluationsShown = finishedEvaluations();
        await renderEvaluations(els.evaluations, experiment).catch(() => {});
      }
    }, 1000);
  };
  const stop = live.subscribe(StageUpdatedDocument, () => ({ experimentId: id }), {
    next: ({ stageUpdated: s }) => {
      const ended = ACTIVE.has(stages.get(s.id)?.status) && !ACTIVE.has(s.status);
      if (ended && (s.kind === 'GENERATE_PAIRS' || s.kind === 'CATEGORIZE')) reloadLists();
      stages.set(s.id, s);
      paintStages();
      reload();
    },
  });
  window.addEventListener('ste:acted', reload);
  window.addEventListener('ste:acted', reloadLists);
  return () => {
    clearTimeout(timer);
    for (const list of lists) list.stop();
    stop();
    window.removeEventListener('ste:acted', reload);
    window.removeEventListener('ste:acted', reloadLists);
  };
}

/**
 * @param {HTMLElement} el
 * @param {ExperimentQuery['experiment']} e
 */
function renderHead(el, e) {
  const c = e.config;
  replace(
    el,
    h('h1', {}, e.name, ' ', h('span', { class: 'muted' }, `#${e.id}`)),
    h('p', { class: 'muted' },
      `${fmt.count(e.instructionCount)} instructions · judge ${c.judgeModel} · generator ${c.generatorModel} · ${c.samplesPerOrder} samples per order · temperature ${c.temperature} · seed ${c.seed} · cost ${e.cost ? fmt.money(e.cost) : `unknown (no price for ${e.unpricedModels.join(', ')})`}`),
    e.loop
      ? h('p', {}, 'Loop ', badge(e.loop.status), ` to iteration ${e.loop.targetIteration}`, e.loop.error ? h('span', { class: 'error' }, ` ${e.loop.error}`) : null)
      : h('p', { class: 'muted' }, 'No loop started: ', h('code', {}, `ste loop ${e.id} --iterations 2`)),
  );
}

/**
 * @param {HTMLElement} el
 * @param {ExperimentQuery['experiment']['iterations']} iterations
 */
function renderIterations(el, iterations) {
  if (iterations.length === 0) return replace(el, h('div', { class: 'empty' }, 'No iteration yet.'));
  const head = ['t', 'status', 'judge → trained', 'judgments', 'correct', 'unparseable', 'selected (A / B)', 'tokens in / out', 'cost'];
  replace(
    el,
    h('div', { class: 'scroll' }, h('table', { dataset: { iterations: '' } },
      h('thead', {}, h('tr', {}, head.map((label, i) => h('th', { class: i >= 3 ? 'num' : null }, label)))),
      h('tbody', {}, iterations.map((it) => {
        const s = it.stats;
        return h('tr', {},
          h('td', {}, h('a', { href: `#/iterations/${it.id}`, dataset: { iteration: it.index } }, `${it.index}`)),
          h('td', {}, badge(it.status), it.status === 'AWAITING_MODEL' ? [' ', h('a', { href: `#/iterations/${it.id}`, dataset: { registerLink: it.id } }, 'register its model')] : null),
          h('td', { class: 'mono models' }, it.judgeModel, it.trainedModel ? ` → ${it.trainedModel}` : ''),
          h('td', { class: 'num' }, fmt.count(s.judgments)),
          h('td', { class: 'num' }, fmt.pct(s.correct, s.judgments)),
          h('td', { class: 'num' }, fmt.pct(s.unparseable, s.judgments)),
          h('td', { class: 'num' }, `${fmt.count(s.selected)} (${fmt.count(s.selectedAWins)} / ${fmt.count(s.selectedBWins)})`),
          h('td', { class: 'num' }, `${fmt.compact(s.promptTokens)} / ${fmt.compact(s.completionTokens)}`),
          h('td', { class: 'num' }, fmt.money(it.cost)),
        );
      })),
    )),
  );
}

/** Wilson score interval (95%) of a proportion: a fair band even for small counts. */
export function wilson(successes, n, z = 1.96) {
  if (n === 0) return null;
  const p = successes / n;
  const d = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { y: p, lo: Math.max(0, center - half), hi: Math.min(1, center + half) };
}

/**
 * @param {HTMLElement} el
 * @param {ExperimentQuery['experiment']['iterations']} iterations
 */
function renderCharts(el, iterations) {
  const done = iterations.filter((it) => it.stats.judgments > 0);
  if (done.length === 0) return replace(el, h('div', { class: 'empty' }, 'Charts appear once the first iteration has judgments.'));
  // Iteration t is judged by M_t: the x axis names the judge, as the benchmark chart does.
  const labels = done.map((it) => `M${it.index}`);
  const figure = (title, note, chart) => {
    chart.prepend(h('h3', {}, title, ' ', h('span', { class: 'muted' }, note)));
    return chart;
  };
  replace(
    el,
    figure('Accuracy on the synthetic pairs', '(judgments naming y_w, by the judge M_t of iteration t; 95% interval)', lineChart({
      name: 'train-accuracy',
      xLabels: labels,
      series: [{ name: 'correct judgments', values: done.map((it) => wilson(it.stats.correct, it.stats.judgments)) }],
    })),
    figure('A/B balance of the kept judgments', '(verdict A vs B among those selected for training)', barChart({
      name: 'ab-balance',
      xLabels: labels,
      stacked: true,
      series: [
        { name: 'A wins', values: done.map((it) => it.stats.selectedAWins) },
        { name: 'B wins', values: done.map((it) => it.stats.selectedBWins) },
      ],
    })),
    figure('Unparseable verdicts', '(share of judgments)', barChart({
      name: 'unparseable',
      xLabels: labels,
      yMax: shareScale(Math.max(...done.map((it) => it.stats.unparseable / it.stats.judgments))),
      format: (v) => `${(100 * v).toFixed(1)}%`,
      series: [{ name: 'unparseable share', values: done.map((it) => it.stats.unparseable / it.stats.judgments) }],
    })),
  );
}

/**
 * Seconds a stage ran: from start to finish, or to now while it runs; null before it starts.
 * @param {{ startedAt: string | null, finishedAt: string | null }} stage
 */
export function stageSeconds(stage, now = Date.now()) {
  if (!stage.startedAt) return null;
  const end = stage.finishedAt ? Date.parse(stage.finishedAt) : now;
  return Math.max(0, (end - Date.parse(stage.startedAt)) / 1000);
}

const duration = (seconds) => (seconds === null ? '–' : seconds < 60 ? `${seconds.toFixed(1)} s` : seconds < 3600 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`);

/**
 * Time and tokens of every stage: two charts by stage kind (summed) and the table of stages.
 * @param {HTMLElement} el
 * @param {StageFieldsFragment[]} stages
 * @param {ExperimentQuery['experiment']['iterations']} iterations
 */
function renderStageCost(el, stages, iterations) {
  const started = stages.filter((s) => s.startedAt).sort((a, b) => Number(a.id) - Number(b.id));
  if (started.length === 0) return replace(el);
  const indexOf = new Map(iterations.map((it) => [it.id, it.index]));
  const kinds = [...new Set(started.map((s) => s.kind))];
  const sum = (kind, f) => started.filter((s) => s.kind === kind).reduce((total, s) => total + (f(s) ?? 0), 0);
  const figure = (title, note, chart) => {
    chart.prepend(h('h3', {}, title, ' ', h('span', { class: 'muted' }, note)));
    return chart;
  };
  const seconds = kinds.map((k) => sum(k, (s) => stageSeconds(s)));
  const unit = Math.max(...seconds) >= 120 ? 60 : 1;
  replace(el,
    h('h2', {}, 'Stages: time and tokens'),
    h('div', { class: 'charts' },
      figure('Time per stage kind', `(${unit === 60 ? 'minutes' : 'seconds'}, every stage of the kind summed; a running stage counts to now)`, barChart({
        name: 'stage-durations',
        xLabels: kinds,
        format: (v) => (unit === 60 ? v.toFixed(1) : v < 10 ? v.toFixed(1) : String(Math.round(v))),
        series: [{ name: unit === 60 ? 'minutes' : 'seconds', values: seconds.map((v) => v / unit) }],
      })),
      figure('Tokens per stage kind', '(prompt and completion, every call of the kind)', barChart({
        name: 'stage-tokens',
        xLabels: kinds,
        stacked: true,
        format: fmt.compact,
        series: [
          { name: 'prompt tokens', values: kinds.map((k) => sum(k, (s) => s.promptTokens)) },
          { name: 'completion tokens', values: kinds.map((k) => sum(k, (s) => s.completionTokens)) },
        ],
      })),
    ),
    h('div', { class: 'scroll' }, h('table', { dataset: { stageTable: '' } },
      h('thead', {}, h('tr', {}, ['stage', 'iteration', 'status', 'items', 'time', 'tokens in / out'].map((t, i) => h('th', { class: i >= 3 ? 'num' : null }, t)))),
      h('tbody', {}, started.map((s) => h('tr', { dataset: { stage: s.id, kind: s.kind } },
        h('td', {}, s.kind, h('span', { class: 'muted' }, ` #${s.id}`)),
        h('td', {}, s.iterationId ? `${indexOf.get(s.iterationId) ?? '?'}` : '–'),
        h('td', {}, badge(s.status)),
        h('td', { class: 'num' }, `${fmt.count(s.done)} / ${fmt.count(s.total)}`),
        h('td', { class: 'num' }, duration(stageSeconds(s))),
        h('td', { class: 'num' }, `${fmt.compact(s.promptTokens)} / ${fmt.compact(s.completionTokens)}`),
      ))),
    )),
  );
}

/** A round top for a share axis, so that its four ticks read well (1%, 2%, ... or 25%, 50%, ...). */
function shareScale(max) {
  return [0.04, 0.08, 0.2, 0.4].find((top) => max <= top) ?? 1;
}
