// The landing page: every experiment in a sortable table (status, iterations, best benchmark
// accuracy when known, created, tokens), the benchmarks, and a form that creates an experiment.

import { gql } from './api.js';
import { compareHref, MAX_COMPARED } from './compare-view.js';
import { badge, fmt, h, replace } from './dom.js';
import { CreateExperimentDocument, HomeDocument, HomeEvaluationsDocument } from './operations.generated.js';

/** @import { HomeEvaluationsQuery, HomeQuery } from '../../generated/dashboard-operations.js' */


/** Sortable columns: key -> how a row compares (numbers and dates descending first, names ascending). */
const COLUMNS = [
  { key: 'name', label: 'experiment', value: (r) => r.name.toLowerCase(), asc: true },
  { key: 'status', label: 'status', value: (r) => r.status, asc: true },
  { key: 'iterations', label: 'iterations', value: (r) => r.iterations, num: true },
  { key: 'best', label: 'best accuracy', value: (r) => r.best?.value ?? -1, num: true },
  { key: 'created', label: 'created', value: (r) => r.created, num: true },
  { key: 'tokens', label: 'tokens', value: (r) => r.tokens, num: true },
];
let sort = { key: 'created', descending: true };
/** Experiments ticked for the compare view (kept across sorting). */
const picked = new Set();

/**
 * One row of the table from an experiment and the evaluations of its judges.
 * @param {HomeQuery['experiments']['edges'][number]['node']} e
 * @param {HomeEvaluationsQuery['evaluations']['edges'][number]['node'][]} evaluations
 */
function rowOf(e, evaluations) {
  const mine = evaluations.filter((x) => x.experimentId === e.id && x.status === 'SUCCEEDED' && x.overall.accuracy);
  const best = mine.reduce((top, x) => (!top || x.overall.accuracy.value > top.value ? { value: x.overall.accuracy.value, benchmark: x.benchmark.name } : top), /** @type {{ value: number, benchmark: string } | null} */ (null));
  return {
    id: e.id,
    name: e.name,
    status: e.loop?.status ?? e.iterations.at(-1)?.status ?? 'NEW',
    iterations: e.iterations.length,
    instructions: e.instructionCount,
    best,
    created: Date.parse(e.createdAt),
    createdAt: e.createdAt,
    tokens: e.stages.reduce((sum, s) => sum + s.promptTokens + s.completionTokens, 0),
  };
}

export async function renderHome(main) {
  const [data, evaluations] = await Promise.all([gql(HomeDocument), gql(HomeEvaluationsDocument)]);
  const finished = evaluations.evaluations.edges.map((edge) => edge.node);
  const rows = data.experiments.edges.map((edge) => rowOf(edge.node, finished));
  const table = h('div', { class: 'scroll' });
  const compare = h('p', { class: 'muted', dataset: { compare: '' } });
  const paintCompare = () => replace(compare, picked.size >= 2 && picked.size <= MAX_COMPARED
    ? h('a', { href: compareHref([...picked]), dataset: { compareLink: '' } }, `Compare the ${picked.size} ticked experiments on one chart`)
    : `Tick 2 to ${MAX_COMPARED} experiments to compare them on one chart.`);
  for (const id of [...picked]) if (!rows.some((r) => r.id === id)) picked.delete(id);
  const paintTable = () => replace(table, experimentsTable(rows, paintTable, paintCompare));
  paintTable();
  paintCompare();
  replace(
    main,
    h('h1', {}, 'Experiments ', h('span', { class: 'muted' }, `(${fmt.count(data.experiments.totalCount)})`)),
    rows.length === 0 ? h('div', { class: 'empty' }, 'No experiments yet: create one below, or with ', h('code', {}, 'ste experiment create NAME'), '.') : [table, compare],
    createForm(),
    h('h2', {}, 'Benchmarks'),
    benchmarksTable(data.benchmarks),
  );
  return () => {};
}

function experimentsTable(rows, repaint, onPick) {
  const column = COLUMNS.find((c) => c.key === sort.key);
  const sorted = [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    const order = x < y ? -1 : x > y ? 1 : Number(b.id) - Number(a.id);
    return sort.descending ? -order : order;
  });
  const header = COLUMNS.map((c) => {
    const active = c.key === sort.key;
    const button = h('button', {
      type: 'button',
      class: 'link sort',
      dataset: { sort: c.key },
      'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : null,
      onclick: () => {
        sort = active ? { key: c.key, descending: !sort.descending } : { key: c.key, descending: !c.asc };
        repaint();
      },
    }, c.label, active ? (sort.descending ? ' ▼' : ' ▲') : '');
    return h('th', { class: c.num && c.key !== 'created' ? 'num' : null }, button);
  });
  return h('table', { dataset: { experimentsTable: '' } },
    h('thead', {}, h('tr', {}, header)),
    h('tbody', {}, sorted.map((r) => h('tr', { dataset: { experimentRow: r.id } },
      h('td', {},
        h('input', { type: 'checkbox', 'aria-label': `compare ${r.name}`, checked: picked.has(r.id), dataset: { pick: r.id }, onchange: (event) => {
          if (event.target.checked) picked.add(r.id);
          else picked.delete(r.id);
          onPick();
        } }), ' ',
        h('a', { href: `#/experiments/${r.id}` }, r.name), h('span', { class: 'muted' }, ` #${r.id} · ${fmt.count(r.instructions)} instructions`)),
      h('td', {}, badge(r.status)),
      h('td', { class: 'num' }, String(r.iterations)),
      h('td', { class: 'num', title: r.best ? `on ${r.best.benchmark}` : 'no finished evaluation' }, r.best ? `${fmt.share(r.best.value)} (${r.best.benchmark})` : '–'),
      h('td', {}, new Date(r.createdAt).toISOString().slice(0, 16).replace('T', ' ')),
      h('td', { class: 'num' }, fmt.compact(r.tokens)),
    ))),
  );
}

/** @param {HomeQuery['benchmarks']} benchmarks */
function benchmarksTable(benchmarks) {
  if (benchmarks.length === 0) return h('div', { class: 'empty' }, 'No benchmarks yet: ', h('code', {}, 'ste import benchmark --bundled llmbar'), '.');
  return h('div', { class: 'scroll' }, h('table', { dataset: { benchmarks: '' } },
    h('thead', {}, h('tr', {}, ['name', 'format', 'items', 'subsets'].map((t, i) => h('th', { class: i === 2 ? 'num' : null }, t)))),
    h('tbody', {}, benchmarks.map((b) => h('tr', { dataset: { benchmark: b.name } },
      h('td', {}, b.name, h('span', { class: 'muted' }, ` #${b.id}`)),
      h('td', {}, b.format),
      h('td', { class: 'num' }, fmt.count(b.size)),
      h('td', { class: 'wrap' }, b.subsets.map((s) => `${s.name} (${fmt.count(s.size)})`).join(', ')),
    ))),
  ));
}

/** Creates an experiment with a name and N (the rest takes the server's defaults), then opens it. */
function createForm() {
  const name = h('input', { name: 'name', required: true, maxlength: 200, placeholder: 'name', 'aria-label': 'experiment name' });
  const samples = h('input', { name: 'samples', type: 'number', min: 1, max: 64, value: 8, 'aria-label': 'samples per pair and order' });
  const message = h('span', { class: 'muted' });
  const form = h('form', { class: 'action', dataset: { action: 'create-experiment' } },
    h('strong', {}, 'New experiment '), name, h('label', {}, ' samples per order ', samples), h('button', { type: 'submit' }, 'Create'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(message, 'Creating…');
    try {
      const { createExperiment: e } = await gql(CreateExperimentDocument, {
        name: name.value.trim(),
        samplesPerOrder: Number(samples.value),
      });
      window.dispatchEvent(new CustomEvent('ste:changed'));
      location.hash = `#/experiments/${e.id}`;
    } catch (error) {
      replace(message, h('span', { class: 'error' }, error.message));
    }
  });
  return form;
}
