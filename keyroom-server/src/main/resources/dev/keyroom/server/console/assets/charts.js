// Small charts drawn as SVG through DOM calls: lines over time, and bars for counts per interval.
// No library, nothing fetched: the data is the overview's samples of the last hour.

import { clock, el, svg } from './dom.js';

const W = 640;
const H = 190;
const M = { left: 66, right: 14, top: 14, bottom: 26 };

function nice(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function frame(points, max, format, floor) {
  const t0 = new Date(points[0].t).getTime();
  const t1 = Math.max(new Date(points[points.length - 1].t).getTime(), t0 + 60_000);
  const top = nice(Math.max(max, floor ?? 0));
  const x = (t) => M.left + ((new Date(t).getTime() - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v) => H - M.bottom - (Math.max(0, v) / top) * (H - M.top - M.bottom);
  const grid = [];
  for (const f of [0, 0.5, 1]) {
    const v = top * f;
    grid.push(svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }));
    grid.push(svg('text', { class: 'tick', x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  grid.push(svg('text', { class: 'tick', x: M.left, y: H - 6 }, clock(new Date(t0).toISOString())));
  grid.push(svg('text', { class: 'tick', x: W - M.right, y: H - 6, 'text-anchor': 'end' },
    clock(new Date(t1).toISOString())));
  return { x, y, grid };
}

function legend(lines, points) {
  return el('div', { class: 'legend' }, lines.map((l) => {
    const last = points[points.length - 1][l.key];
    return el('span', { class: 'key' },
      el('span', { class: `swatch ${l.cls}` }), `${l.label} `, el('b', null, l.format(last ?? 0)));
  }));
}

/**
 * A chart of one or more lines: {title, points, lines: [{key, label, cls, format}], format, floor},
 * floor the least top of the scale (so that an idle chart reads 0 to something, not 0 to 0).
 */
export function lineChart({ title, points, lines, format, id, floor }) {
  let max = 0;
  for (const p of points) for (const l of lines) max = Math.max(max, p[l.key] ?? 0);
  const { x, y, grid } = frame(points, max, format, floor);
  const paths = lines.map((l) => {
    const d = points
      .filter((p) => p[l.key] !== null && p[l.key] !== undefined)
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p[l.key]).toFixed(1)}`)
      .join(' ');
    return svg('path', { class: `line ${l.cls}`, d: d || `M${M.left},${y(0)}` });
  });
  const dots = lines.map((l) => {
    const p = points[points.length - 1];
    return svg('circle', { class: `dot ${l.cls}`, cx: x(p.t), cy: y(p[l.key] ?? 0), r: 3 });
  });
  return el('figure', { class: 'chart', id },
    el('figcaption', null, title),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title }, grid, paths, dots),
    legend(lines, points));
}

/**
 * Stacked bars per sample, each ending at its sample's time (a rate covers the interval before it):
 * {title, points, bars: [{key, label, cls, format}], format, floor}.
 */
export function barChart({ title, points, bars, format, id, floor }) {
  let max = 0;
  for (const p of points) max = Math.max(max, bars.reduce((s, b) => s + (p[b.key] ?? 0), 0));
  const { x, y, grid } = frame(points, max, format, floor);
  const width = Math.max(2, Math.min(14, (W - M.left - M.right) / Math.max(points.length, 1) - 1));
  const rects = [];
  for (const p of points) {
    let base = 0;
    for (const b of bars) {
      const v = p[b.key] ?? 0;
      if (v > 0) {
        rects.push(svg('rect', {
          class: `col ${b.cls}`, x: Math.max(M.left, x(p.t) - width), y: y(base + v), width, height: y(base) - y(base + v),
        }, svg('title', null, `${clock(p.t)} ${b.label} ${b.format(v)}`)));
      }
      base += v;
    }
  }
  return el('figure', { class: 'chart', id },
    el('figcaption', null, title),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title }, grid, rects),
    legend(bars, points));
}
