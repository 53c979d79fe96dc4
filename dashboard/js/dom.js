// Tiny DOM helpers. Text always goes in as text nodes: judge outputs are untrusted.

/** h('div', { class: 'x', onclick: fn, dataset: { seq: 1 } }, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const fmt = {
  count: (n) => Number(n ?? 0).toLocaleString('en-US'),
  pct: (part, whole) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–'),
  share: (x) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`),
  compact: (n) => (n < 1e3 ? String(Math.round(n)) : n < 1e6 ? `${(n / 1e3).toFixed(1)}k` : `${(n / 1e6).toFixed(1)}M`),
  time: (iso) => (iso ? new Date(iso).toLocaleString() : '–'),
  /** A Money ({ amount, value, currency }) or, when null, "no price" (the models lacking one are in `unpriced`). */
  money: (m) => (m ? `${m.value >= 0.01 || m.value === 0 ? m.value.toFixed(2) : m.value.toPrecision(2)} ${m.currency}` : 'no price'),
};

/** A progress bar: <div class="bar"><span style width></span></div> (width set through the CSSOM: CSP-safe). */
export function progressBar(done, total, status = '') {
  const fill = h('span');
  fill.style.width = `${total > 0 ? Math.min(100, (100 * done) / total) : status === 'SUCCEEDED' ? 100 : 0}%`;
  return h('div', { class: `bar ${status.toLowerCase()}`, role: 'progressbar', 'aria-valuenow': done, 'aria-valuemax': total }, fill);
}

/** Status as a small coloured label. */
export function badge(status) {
  return h('span', { class: `badge ${String(status).toLowerCase()}` }, status);
}
