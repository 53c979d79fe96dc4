// Small inline-SVG charts: lines with an interval band per series, and (stacked) bars. Colours
// come from CSS classes s0..s7; values are shown on hover through <title>.

const NS = 'http://www.w3.org/2000/svg';
const W = 560;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

function frame(name, xLabels, yMax, format) {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-chart': name });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (xLabels.length <= 1 ? plotW / 2 : (i * plotW) / (xLabels.length - 1));
  const y = (v) => PAD.top + plotH - (Math.max(0, Math.min(yMax, v)) / yMax) * plotH;
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: PAD.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, format(v)));
  }
  return { svg, x, y, plotW };
}

function legend(series) {
  const el = document.createElement('div');
  el.className = 'legend';
  series.forEach((serie, i) => {
    const item = document.createElement('span');
    item.className = `key s${i % 8}`;
    item.textContent = serie.name;
    el.append(item);
  });
  return el;
}

/**
 * Lines over categorical x (iterations). series: [{ name, values: [{ y, lo, hi, label } | null],
 * interval = true }], y in [0, yMax]; lo/hi draw a band and whiskers (an interval) unless
 * `interval` is false (then they are in the hover text only); label is the hover text. The first
 * series is drawn last and thicker: the headline.
 */
export function lineChart({ name, xLabels, series, yMax = 1, format = (v) => `${Math.round(v * 100)}%` }) {
  const { svg, x, y } = frame(name, xLabels, yMax, format);
  xLabels.forEach((label, i) => svg.append(s('text', { x: x(i), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, label)));
  [...series.entries()].reverse().forEach(([si, serie]) => {
    const cls = `s${si % 8}${si === 0 ? ' main' : ''}`;
    const points = serie.values.map((v, i) => (v && Number.isFinite(v.y) ? { ...v, i } : null)).filter(Boolean);
    const banded = serie.interval === false ? [] : points.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (banded.length > 1) {
      const upper = banded.map((p) => `${x(p.i)},${y(p.hi)}`);
      const lower = banded.map((p) => `${x(p.i)},${y(p.lo)}`).reverse();
      svg.append(s('polygon', { points: [...upper, ...lower].join(' '), class: `band ${cls}` }));
    }
    if (points.length > 1) svg.append(s('polyline', { points: points.map((p) => `${x(p.i)},${y(p.y)}`).join(' '), class: `line ${cls}` }));
    for (const p of points) {
      const hasInterval = Number.isFinite(p.lo) && Number.isFinite(p.hi);
      if (hasInterval && serie.interval !== false) {
        svg.append(s('line', { x1: x(p.i), x2: x(p.i), y1: y(p.lo), y2: y(p.hi), class: `whisker ${cls}` }));
      }
      const text = p.label ?? `${serie.name}, ${xLabels[p.i]}: ${format(p.y)}${hasInterval ? ` (95% interval ${format(p.lo)} to ${format(p.hi)})` : ''}`;
      svg.append(s('circle', { cx: x(p.i), cy: y(p.y), r: si === 0 ? 4 : 2.5, class: `dot ${cls}` }, s('title', {}, text)));
    }
  });
  return wrap(svg, series);
}

/**
 * Bars per x, side by side or stacked. series: [{ name, values: [number] }].
 * @param {{ name: string, xLabels: string[], series: { name: string, values: number[] }[], stacked?: boolean, yMax?: number, format?: (v: number) => string }} options
 *   `yMax`: the top of the axis (default: a round number above the tallest bar).
 */
export function barChart({ name, xLabels, series, stacked = false, yMax, format = (v) => String(Math.round(v)) }) {
  const totals = xLabels.map((_, i) => (stacked ? series.reduce((sum, serie) => sum + (serie.values[i] ?? 0), 0) : Math.max(0, ...series.map((serie) => serie.values[i] ?? 0))));
  const top = yMax ?? niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const slot = plotW / Math.max(1, xLabels.length);
  const { svg, y } = frame(name, xLabels, top, format);
  const barW = Math.min(48, slot * 0.7) / (stacked ? 1 : series.length);
  xLabels.forEach((label, i) => {
    const center = PAD.left + slot * (i + 0.5);
    svg.append(s('text', { x: center, y: H - 8, class: 'tick', 'text-anchor': 'middle' }, label));
    let base = 0;
    series.forEach((serie, si) => {
      const v = serie.values[i] ?? 0;
      const left = stacked ? center - barW / 2 : center - (barW * series.length) / 2 + si * barW;
      const y0 = stacked ? base : 0;
      const rect = s('rect', { x: left, width: Math.max(1, barW - 1), y: y(y0 + v), height: Math.max(0, y(y0) - y(y0 + v)), class: `col s${si % 8}` });
      rect.append(s('title', {}, `${serie.name}, ${label}: ${format(v)}`));
      svg.append(rect);
      if (stacked) base += v;
    });
    // The value (the total, when stacked) above each bar, so that a zero still reads as one.
    const shown = stacked ? totals[i] : series.length === 1 ? series[0].values[i] ?? 0 : null;
    if (shown !== null) svg.append(s('text', { x: center, y: y(Math.min(top, shown)) - 4, class: 'tick value', 'text-anchor': 'middle' }, format(shown)));
  });
  return wrap(svg, series);
}

function wrap(svg, series) {
  const figure = document.createElement('div');
  figure.className = 'figure';
  figure.append(svg, legend(series));
  return figure;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}
