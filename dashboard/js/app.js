// The dashboard shell: server line, token prompt, the experiment list and a hash router.
//   #/                      experiments (sortable table), benchmarks, a new experiment
//   #/experiments/ID        one experiment: actions, iterations, charts, evaluations
//   #/iterations/ID         one iteration: live stages and judgments, every judgment filtered
//   #/pairs/ID              one pair: x, x', y_w, y_l, its judgments in both orders, the judge prompt
//   #/compare?ids=1,2       two or more experiments on one chart
//   #/evaluations/B/items/ITEM?against=A   one benchmark item: both answers, the reasoning in both orders, before (A) and after (B)

import { AuthError, gql, onAuthError, token } from './api.js';
import { badge, h, replace } from './dom.js';
import { renderCompare } from './compare-view.js';
import { renderEvaluationItem } from './evaluation-item-view.js';
import { renderExperiment } from './experiment-view.js';
import { renderHome } from './home-view.js';
import { renderIteration } from './iteration-view.js';
import { renderPair } from './pair-view.js';
import { NavExperimentsDocument, ServiceInfoDocument } from './operations.generated.js';
import { live } from './ws.js';

const $ = (id) => document.getElementById(id);
/** The token box (an input: `$` types elements as HTMLElement). */
const tokenInput = () => /** @type {HTMLInputElement} */ ($('token-input'));
let dispose = () => {};
let currentExperimentId = null;

function showTokenForm(message) {
  $('token-message').textContent = message;
  $('token-form').hidden = false;
  $('token-input').focus();
}

function setupToken() {
  onAuthError(showTokenForm);
  $('token-button').addEventListener('click', () => showTokenForm(token.get() ? 'A token is stored in this browser.' : 'No token stored: this server may not need one.'));
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    token.set(tokenInput().value.trim());
    tokenInput().value = '';
    $('token-form').hidden = true;
    live.reconnect();
    void start();
  });
  $('token-clear').addEventListener('click', () => {
    token.set(null);
    $('token-form').hidden = true;
    live.reconnect();
    void start();
  });
}

async function loadServer() {
  const { serviceInfo: info } = await gql(ServiceInfoDocument);
  $('server').textContent = `v${info.version} · ${info.database} · ${info.endpoint}`;
  if (info.endpoint === 'simulator') {
    $('banner').hidden = false;
    $('banner').textContent = 'Running on the built-in offline simulator: its numbers show the machinery, not model quality.';
  }
}

export async function loadExperiments() {
  const data = await gql(NavExperimentsDocument);
  const nodes = data.experiments.edges.map((e) => e.node);
  replace(
    $('experiments'),
    nodes.length === 0
      ? h('p', { class: 'muted' }, 'No experiments yet.')
      : nodes.map((e) =>
          h('a', { href: `#/experiments/${e.id}`, class: e.id === currentExperimentId ? 'current' : null, dataset: { experiment: e.id } },
            h('div', {}, e.name, ' ', e.loop ? badge(e.loop.status) : null),
            h('div', { class: 'sub' }, `#${e.id} · ${e.iterations.length} iteration${e.iterations.length === 1 ? '' : 's'}`),
          ),
        ),
  );
  return nodes;
}

async function route() {
  dispose();
  dispose = () => {};
  const main = $('main');
  const [path, query = ''] = location.hash.replace(/^#\/?/, '/').split('?');
  const [, kind, id, sub, subId] = path.split('/');
  try {
    if (kind === 'experiments' && id) {
      currentExperimentId = id;
      dispose = await renderExperiment(main, id);
    } else if (kind === 'compare') {
      currentExperimentId = null;
      dispose = await renderCompare(main, query);
    } else if (kind === 'evaluations' && id && sub === 'items' && subId) {
      dispose = await renderEvaluationItem(main, id, subId, new URLSearchParams(query).get('against'), (experimentId) => {
        currentExperimentId = experimentId;
      });
    } else if (kind === 'pairs' && id) {
      dispose = await renderPair(main, id, (experimentId) => {
        currentExperimentId = experimentId;
      });
    } else if (kind === 'iterations' && id) {
      dispose = await renderIteration(main, id, (experimentId) => {
        currentExperimentId = experimentId;
      });
    } else {
      currentExperimentId = null;
      dispose = await renderHome(main);
    }
    await loadExperiments();
  } catch (error) {
    if (error instanceof AuthError) replace(main, h('p', { class: 'muted' }, 'Waiting for an API token…'));
    else replace(main, h('p', { class: 'error' }, `Could not load this page: ${error.message}`));
  }
}

async function start() {
  try {
    await loadServer();
  } catch (error) {
    if (!(error instanceof AuthError)) $('server').textContent = `server unreachable: ${error.message}`;
  }
  await route();
}

live.onStatus((status) => {
  const el = $('live-status');
  el.className = `live-status ${status}`;
  el.textContent = { live: 'live', connecting: 'connecting', reconnecting: 'reconnecting', idle: 'idle' }[status];
});
setupToken();
window.addEventListener('hashchange', () => void route());
// A view saw something change (a new iteration, a loop that ended): refresh the list.
window.addEventListener('ste:changed', () => void loadExperiments().catch(() => {}));
void start();
