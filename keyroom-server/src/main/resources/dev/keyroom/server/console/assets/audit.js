// The audit log: filter by actor, action, outcome, resource and time, page back, follow live, and
// see whether the hash chain of what was read holds.

import { get, query } from './api.js';
import { badge, clear, el, notice, section, short, time } from './dom.js';

const FOLLOW_EVERY_MS = 1000;

function outcomeBadge(outcome) {
  const kind = outcome === 'started' ? 'neutral'
    : outcome.startsWith('2') || outcome.startsWith('3') ? 'good'
      : outcome.startsWith('401') || outcome.startsWith('403') ? 'bad' : 'warn';
  return badge(outcome, kind);
}

function row(e, names, fresh) {
  return el('tr', { class: fresh ? 'new' : null, dataset: { seq: String(e.seq) } },
    el('td', { class: 'num' }, String(e.seq)),
    el('td', null, time(e.time)),
    el('td', { title: e.actor }, names[e.actor] ?? (e.actor === '-' ? '-' : short(e.actor))),
    el('td', null, e.action),
    el('td', { class: 'mono resource' }, e.resource),
    el('td', null, outcomeBadge(e.outcome)),
    el('td', { class: 'mono' }, e.remote));
}

function verdict(chain) {
  if (chain.to < chain.from) return el('p', { id: 'chain', class: 'chain neutral' }, 'No entries read.');
  return chain.ok
    ? el('p', { id: 'chain', class: 'chain good' },
      `Hash chain verified for entries ${chain.from} to ${chain.to}, linked to the entry before.`)
    : el('p', { id: 'chain', class: 'chain bad' }, `Hash chain broken: ${chain.problem}`);
}

function iso(local) {
  return local ? new Date(local).toISOString() : '';
}

export async function render(main) {
  const f = {
    actor: el('input', { id: 'f-actor', type: 'text', placeholder: 'endpoint or its start' }),
    action: el('select', { id: 'f-action' }, ['', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH']
      .map((m) => el('option', { value: m }, m || 'any method'))),
    outcome: el('input', { id: 'f-outcome', type: 'text', placeholder: '401, 2, started' }),
    resource: el('input', { id: 'f-resource', type: 'text', placeholder: 'part of the path' }),
    from: el('input', { id: 'f-from', type: 'datetime-local', step: 1 }),
    to: el('input', { id: 'f-to', type: 'datetime-local', step: 1 }),
  };
  const apply = el('button', { id: 'f-apply', type: 'button' }, 'Filter');
  const follow = el('input', { id: 'f-follow', type: 'checkbox' });
  const older = el('button', { id: 'older', type: 'button', class: 'quiet', hidden: true }, 'Older entries');
  const newest = el('button', { id: 'newest', type: 'button', class: 'quiet' }, 'Newest');
  const chainBox = el('div');
  const tbody = el('tbody');
  const status = el('p', { class: 'hint', id: 'audit-status' });
  let last = 0;
  let nextBefore = null;
  let timer = null;

  const params = (extra) => query({
    actor: f.actor.value.trim(), action: f.action.value, outcome: f.outcome.value.trim(),
    resource: f.resource.value.trim(), from: iso(f.from.value), to: iso(f.to.value), ...extra,
  });

  const load = async (before) => {
    const page = await get(`/console/api/audit${params({ before: before ?? '', limit: 50 })}`);
    clear(tbody).append(...page.entries.map((e) => row(e, page.names, false)));
    clear(chainBox).append(verdict(page.chain));
    last = page.last;
    nextBefore = page.next_before;
    older.hidden = nextBefore === null || nextBefore === undefined;
    status.textContent = page.entries.length === 0 ? 'No entry matches.' : `${page.entries.length} entries shown.`;
  };

  const poll = async () => {
    const page = await get(`/console/api/audit${params({ after: last })}`);
    if (page.entries.length > 0) {
      tbody.prepend(...page.entries.map((e) => row(e, page.names, true)));
      while (tbody.children.length > 200) tbody.lastChild.remove();
    }
    if (!page.chain.ok) clear(chainBox).append(verdict(page.chain));
    last = Math.max(last, page.last);
  };

  const setFollow = () => {
    clearInterval(timer);
    timer = null;
    if (follow.checked) {
      timer = setInterval(() => poll().catch((e) => notice(e.message)), FOLLOW_EVERY_MS);
    }
  };

  apply.addEventListener('click', () => load().catch((e) => notice(e.message)));
  older.addEventListener('click', () => load(nextBefore).catch((e) => notice(e.message)));
  newest.addEventListener('click', () => load().catch((e) => notice(e.message)));
  follow.addEventListener('change', setFollow);

  const field = (label, input) => el('label', null, el('span', null, label), input);
  main.append(el('h1', null, 'Audit log'),
    section('Filter',
      el('div', { class: 'filters' },
        field('Actor', f.actor), field('Method', f.action), field('Outcome', f.outcome),
        field('Resource', f.resource), field('From', f.from), field('To', f.to)),
      el('div', { class: 'row' }, apply,
        el('label', { class: 'check' }, follow, el('span', null, 'Follow live')))),
    section('Entries', chainBox, status,
      el('table', { id: 'audit' },
        el('thead', null, el('tr', null,
          ['Seq', 'Time', 'Actor', 'Method', 'Resource', 'Outcome', 'From'].map((h) => el('th', null, h)))),
        tbody),
      el('div', { class: 'row' }, newest, older)));
  await load();
  return () => clearInterval(timer);
}
