// Building the page with DOM calls only: every string from the server becomes a text node, never
// markup (UI-4). The page's Content-Security-Policy enforces it besides: Trusted Types with no
// policy make every HTML sink throw when handed a string.

const SVG = 'http://www.w3.org/2000/svg';

function append(node, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function attrs(node, a) {
  for (const [k, v] of Object.entries(a ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  return node;
}

/** An HTML element: el('td', {class: 'x'}, 'text', child, ...). */
export function el(tag, a, ...children) {
  return append(attrs(document.createElement(tag), a), children);
}

/** An SVG element, the same way. */
export function svg(tag, a, ...children) {
  return append(attrs(document.createElementNS(SVG, tag), a), children);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function time(iso) {
  if (!iso) return '-';
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

export function clock(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ago(iso) {
  if (!iso) return '-';
  const s = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function duration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min ${Math.floor(seconds % 60)} s`;
}

export function bytes(n) {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The start of an endpoint id, as the CLI shows it. */
export function short(endpoint) {
  return endpoint && endpoint.length > 8 ? endpoint.slice(0, 8) : endpoint ?? '-';
}

/** A badge for a status or role. */
export function badge(text, kind) {
  return el('span', { class: `badge ${kind ?? text}` }, text);
}

/** A section with a heading. */
export function section(title, ...children) {
  return el('section', { class: 'card' }, el('h2', null, title), ...children);
}

/** A table: heads, then rows of cells (nodes or text). */
export function table(heads, rows, a) {
  return el('table', a,
    el('thead', null, el('tr', null, heads.map((h) => el('th', null, h)))),
    el('tbody', null, rows));
}

/** Asks before an action; resolves true when confirmed. Every part is text. */
export function confirm(title, text, action) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  ok.textContent = action;
  return new Promise((resolve) => {
    const done = (answer) => {
      ok.removeEventListener('click', yes);
      cancel.removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    ok.addEventListener('click', yes);
    cancel.addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
  });
}

/** Shows a message in the notice bar (text only); kind is 'error' or 'ok'. */
export function notice(text, kind = 'error') {
  const n = document.getElementById('notice');
  n.textContent = text;
  n.className = `notice ${kind}`;
  n.hidden = !text;
}
