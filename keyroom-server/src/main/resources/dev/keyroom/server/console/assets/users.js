// Users: the list; add one from a pasted public identity; revoke; unlock a locked agent. Each
// action asks first, and says what it will do in words built from text only.

import { get, post } from './api.js';
import { badge, clear, confirm, el, notice, section, short, table, time } from './dom.js';

function addForm(reload) {
  const identity = el('textarea', {
    id: 'add-identity', rows: 4, spellcheck: 'false',
    placeholder: '{"endpoint": "...", "sign_pub": "...", "kex_pub": "..."}  (what keyroom keygen --json printed)',
  });
  const name = el('input', { id: 'add-name', type: 'text', maxlength: 128, placeholder: 'name' });
  const role = el('select', { id: 'add-role' },
    el('option', { value: 'agent' }, 'agent'),
    el('option', { value: 'member' }, 'member'),
    el('option', { value: 'admin' }, 'admin'));
  const add = el('button', { id: 'add-user', type: 'button' }, 'Add user');
  add.addEventListener('click', async () => {
    let endpoint = '?';
    try {
      endpoint = JSON.parse(identity.value).endpoint ?? '?';
    } catch {
      notice('The public identity is not JSON: paste what keyroom keygen --json printed.');
      return;
    }
    const ok = await confirm('Add a user',
      `Register ${short(String(endpoint))} as ${role.value} named "${name.value}"?`, 'Add user');
    if (!ok) return;
    try {
      await post('/console/api/users', { identity: identity.value, name: name.value, role: role.value });
      identity.value = '';
      name.value = '';
      notice('User added.', 'ok');
      await reload();
    } catch (e) {
      notice(e.message);
    }
  });
  return section('Add a user',
    el('p', { class: 'hint' }, 'Paste the public identity an agent or person made with keyroom keygen --json.'),
    el('div', { class: 'form' }, identity, el('div', { class: 'row' }, name, role, add)));
}

function actions(u, reload) {
  const out = [];
  const act = (label, verb, title, text, cls) => {
    const b = el('button', { type: 'button', class: cls, dataset: { action: verb, endpoint: u.endpoint } }, label);
    b.addEventListener('click', async () => {
      if (!(await confirm(title, text, label))) return;
      try {
        await post(`/console/api/users/${u.endpoint}/${verb}`);
        notice(`${label}: done.`, 'ok');
        await reload();
      } catch (e) {
        notice(e.message);
      }
    });
    out.push(b);
  };
  if (u.status === 'locked') {
    act('Unlock', 'unlock', 'Unlock an agent',
      `Unlock "${u.name}" (${short(u.endpoint)})? Its next requests are served again.`, 'quiet');
  }
  if (u.status !== 'revoked') {
    act('Revoke', 'revoke', 'Revoke a user',
      `Revoke "${u.name}" (${short(u.endpoint)})? Every request it signs is refused from now on; this cannot be undone.`,
      'danger');
  }
  return out;
}

export async function render(main) {
  const list = el('div');
  const reload = async () => {
    const { users } = await get('/console/api/users');
    clear(list).append(section(`Users (${users.length})`, table(
      ['Name', 'Endpoint', 'Role', 'Status', 'Added', ''],
      users.map((u) => el('tr', { dataset: { endpoint: u.endpoint } },
        el('td', { class: 'name' }, u.name),
        el('td', { class: 'mono', title: u.endpoint }, short(u.endpoint)),
        el('td', null, badge(u.role, 'neutral')),
        el('td', null, badge(u.status)),
        el('td', null, time(u.created_at)),
        el('td', { class: 'actions' }, actions(u, reload)))),
      { id: 'users' })));
  };
  main.append(el('h1', null, 'Users'), list, addForm(reload));
  await reload();
  return null;
}
