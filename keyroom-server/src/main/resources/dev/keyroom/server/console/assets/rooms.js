// Rooms: metadata only. Names, policies, epochs, members and their roles, whether a rekey is due,
// counts and last activity; never a message, a blob or a secret (UI-5).

import { get } from './api.js';
import { ago, badge, clear, el, section, short, table, time } from './dom.js';

async function detail(box, id) {
  const { room, members } = await get(`/console/api/rooms/${id}`);
  clear(box).append(section(`Members of ${room.name}`,
    el('p', { class: 'hint' }, `Room ${room.id}, epoch ${room.epoch}, created ${time(room.created_at)}.`),
    table(['Name', 'Endpoint', 'Role', 'Status', 'Joined'],
      members.map((m) => el('tr', null,
        el('td', { class: 'name' }, m.name ?? '-'),
        el('td', { class: 'mono', title: m.endpoint }, short(m.endpoint)),
        el('td', null, badge(m.role, 'neutral')),
        el('td', null, m.status ? badge(m.status) : '-'),
        el('td', null, time(m.joined_at)))),
      { id: 'members' })));
}

export async function render(main) {
  const { rooms } = await get('/console/api/rooms');
  const box = el('div', { id: 'room-detail' });
  const rows = rooms.map((r) => {
    const show = el('button', { type: 'button', class: 'quiet', dataset: { room: r.id } }, 'Members');
    show.addEventListener('click', () => detail(box, r.id));
    return el('tr', { dataset: { room: r.id } },
      el('td', { class: 'name' }, r.name),
      el('td', null, badge(r.policy, r.policy === 'encrypted' ? 'good' : 'warn')),
      el('td', { class: 'num' }, String(r.epoch)),
      el('td', null, r.rekey_required ? badge('rekey required', 'bad') : '-'),
      el('td', null, r.owner_name ?? short(r.owner)),
      el('td', { class: 'num' }, String(r.members)),
      el('td', { class: 'num' }, String(r.messages)),
      el('td', { class: 'num' }, String(r.secrets)),
      el('td', { title: time(r.last_activity) }, ago(r.last_activity)),
      el('td', { class: 'actions' }, show));
  });
  main.append(el('h1', null, 'Rooms'),
    section(`Rooms (${rooms.length})`,
      el('p', { class: 'hint' }, 'Metadata only: the console never shows a message, a blob or a secret.'),
      table(['Name', 'Policy', 'Epoch', 'Rekey', 'Owner', 'Members', 'Messages', 'Secrets', 'Last activity', ''],
        rows, { id: 'rooms' })),
    box);
  return null;
}
