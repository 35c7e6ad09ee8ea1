// Limits: bans in force, agents locked for harvesting secrets, the most limited addresses and
// identities of the last hour; lift a ban.

import { get, post } from './api.js';
import { badge, clear, confirm, el, notice, section, short, table, time } from './dom.js';

function who(subject, name) {
  return name ? [name, el('span', { class: 'mono dim' }, ` ${subject}`)] : [el('span', { class: 'mono' }, subject)];
}

export async function render(main) {
  const body = el('div');
  const reload = async () => {
    const v = await get('/console/api/limits');
    const bans = v.bans.map((b) => {
      const lift = el('button', { type: 'button', class: 'danger', dataset: { subject: b.subject } }, 'Lift');
      lift.addEventListener('click', async () => {
        if (!(await confirm('Lift a ban', `Lift the ban of ${b.subject}? Its requests are served again at once.`, 'Lift'))) {
          return;
        }
        try {
          await post('/console/api/bans/lift', { subject: b.subject });
          notice('Ban lifted.', 'ok');
          await reload();
        } catch (e) {
          notice(e.message);
        }
      });
      return el('tr', null, el('td', null, who(b.subject, b.name)), el('td', null, time(b.until)),
        el('td', null, b.reason), el('td', { class: 'actions' }, lift));
    });
    const locked = v.locked.map((u) => el('tr', null,
      el('td', { class: 'name' }, u.name), el('td', { class: 'mono' }, short(u.endpoint)),
      el('td', null, badge(u.status)),
      el('td', null, el('a', { href: '/console/users', class: 'go' }, 'Unlock on the users page'))));
    const max = Math.max(1, ...v.most_refused.map((r) => r.refusals));
    const refused = v.most_refused.map((r) => {
      const bar = el('span', { class: 'meter-fill' });
      bar.style.width = `${Math.round((r.refusals / max) * 100)}%`;
      return el('tr', null, el('td', null, who(r.subject, r.name)),
        el('td', { class: 'num' }, String(r.refusals)), el('td', { class: 'meter' }, bar));
    });
    clear(body).append(
      section(`Bans in force (${bans.length})`, bans.length
        ? table(['Subject', 'Until', 'Reason', ''], bans, { id: 'bans' })
        : el('p', { class: 'hint' }, 'No ban is in force.')),
      section(`Locked agents (${locked.length})`, locked.length
        ? table(['Name', 'Endpoint', 'Status', ''], locked, { id: 'locked' })
        : el('p', { class: 'hint' }, 'No agent is locked.')),
      section('Most limited in the last hour', refused.length
        ? table(['Address or identity', 'Refusals', ''], refused, { id: 'refused' })
        : el('p', { class: 'hint' }, 'No request was refused by a rate limit in the last hour.')));
    for (const a of body.querySelectorAll('a.go')) {
      a.addEventListener('click', (event) => {
        event.preventDefault();
        document.querySelector('#nav a[data-page="users"]').click();
      });
    }
  };
  main.append(el('h1', null, 'Limits'), body);
  await reload();
  return null;
}
