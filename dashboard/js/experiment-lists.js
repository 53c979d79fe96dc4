// An experiment's instructions and pairs, each a list found by words (full-text search on the
// server: Experiment.instructions / Experiment.pairs `search`) a page at a time ("Load more" follows
// the cursor), with the total that matches. Typing searches once the input has rested for
// SEARCH_DELAY_MS; a refused search (stop words only, too long) shows the server's message.
// A pair row links to its page (#/pairs/ID).

import { gql } from './api.js';
import { badge, fmt, h, replace } from './dom.js';
import { ExperimentInstructionsDocument, ExperimentPairsDocument } from './operations.generated.js';

/** @import { PairStatus } from '../../generated/dashboard-operations.js' */

const PAGE = 25;
export const SEARCH_DELAY_MS = 300;


/**
 * A searchable, paged list mounted in `el`. `fetchPage(after, search, filters)` returns a connection;
 * `filters` are selects whose values go to fetchPage by name. Returns { reload, stop }.
 * @template T
 * @param {HTMLElement} el
 * @param {{
 *   name: string, placeholder: string, noun: { one: string, plural: string },
 *   filters?: { name: string, label: string, select: HTMLSelectElement }[],
 *   fetchPage: (after: string | null, search: string | null, filters: Record<string, string | null>) =>
 *     Promise<{ totalCount?: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: { node: T }[] }>,
 *   row: (node: T) => HTMLElement,
 * }} options
 */
function searchableList(el, { name, placeholder, noun, filters = [], fetchPage, row }) {
  const search = h('input', { type: 'search', name: 'search', placeholder, 'aria-label': `search ${noun.plural}`, maxlength: 200, dataset: { listSearch: name } });
  const total = h('span', { class: 'muted', dataset: { listTotal: name } });
  const list = h('div', { class: 'feed browse listing', dataset: { list: name } });
  const more = h('div');
  let generation = 0;
  let timer = null;

  const values = () => Object.fromEntries(filters.map((f) => [f.name, f.select.value || null]));
  const load = async (after) => {
    const mine = generation;
    const words = search.value.trim();
    const page = await fetchPage(after, words === '' ? null : words, values());
    if (mine !== generation) return; // the search changed while this page was on its way
    list.append(...page.edges.map((e) => row(e.node)));
    const shown = list.querySelectorAll('[data-list-row]').length;
    if (page.totalCount !== undefined) total.textContent = words || filters.some((f) => f.select.value) ? `${fmt.count(page.totalCount)} match` : `${fmt.count(page.totalCount)} ${page.totalCount === 1 ? noun.one : noun.plural}`;
    if (shown === 0) list.append(h('div', { class: 'row muted', dataset: { listEmpty: name } }, words || filters.some((f) => f.select.value) ? `No ${noun.one} matches.` : `No ${noun.plural} yet.`));
    replace(more, page.pageInfo.hasNextPage
      ? h('button', { type: 'button', dataset: { loadMore: name }, onclick: () => void load(page.pageInfo.endCursor).catch(showError) },
          page.totalCount !== undefined ? `Load more (${fmt.count(shown)} of ${fmt.count(page.totalCount)} shown)` : 'Load more')
      : null);
  };
  const showError = (error) => replace(more, h('p', { class: 'error', dataset: { listError: name } }, error.message));
  const reload = () => {
    clearTimeout(timer);
    timer = null;
    generation += 1;
    list.replaceChildren();
    replace(more);
    total.textContent = '';
    return load(null).catch(showError);
  };
  // Debounced: one request once typing pauses, not one per key.
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void reload();
  });
  for (const f of filters) f.select.addEventListener('change', () => void reload());
  replace(el,
    h('div', { class: 'filters' }, h('label', { class: 'search' }, search), filters.map((f) => h('label', {}, `${f.label} `, f.select)), total),
    list,
    more,
  );
  void reload();
  return { reload, stop: () => clearTimeout(timer) };
}

/** The experiment's instructions, found by words of their text. */
export function instructionsList(el, experimentId) {
  return searchableList(el, {
    name: 'instructions',
    placeholder: 'words of the instruction',
    noun: { one: 'instruction', plural: 'instructions' },
    fetchPage: async (after, search) => (await gql(ExperimentInstructionsDocument, { id: experimentId, first: PAGE, after, search })).experiment.instructions,
    row: (i) => h('div', { class: 'row', dataset: { listRow: i.id } },
      h('span', { class: 'mono muted' }, `#${i.id}`),
      h('span', { class: 'muted' }, i.category ?? '–'),
      h('span', { class: 'text' }, i.text, i.excludedReason ? h('span', { class: 'warn' }, ` (kept out: ${i.excludedReason})`) : null),
    ),
  });
}

/** The experiment's pairs, by status and words of their instruction x; each opens the pair page. */
export function pairsList(el, experimentId) {
  const status = /** @type {HTMLSelectElement} */ (h('select', { name: 'status', 'aria-label': 'pair status', dataset: { listFilter: 'status' } },
    [['', 'any'], ['READY', 'ready'], ['REJECTED', 'rejected']].map(([value, text]) => h('option', { value }, text))));
  return searchableList(el, {
    name: 'pairs',
    placeholder: 'words of the instruction x',
    noun: { one: 'pair', plural: 'pairs' },
    filters: [{ name: 'status', label: 'status', select: status }],
    fetchPage: async (after, search, { status }) =>
      (await gql(ExperimentPairsDocument, { id: experimentId, first: PAGE, after, status: /** @type {PairStatus | null} */ (status), search })).experiment.pairs,
    row: (p) => h('div', { class: 'row', dataset: { listRow: p.id, status: p.status } },
      h('a', { href: `#/pairs/${p.id}`, dataset: { pairLink: p.id } }, `pair ${p.id}`),
      h('span', {}, badge(p.status)),
      h('span', { class: 'text' }, p.instruction.text, p.error ? h('span', { class: 'error' }, ` (${p.error})`) : null),
    ),
  });
}
