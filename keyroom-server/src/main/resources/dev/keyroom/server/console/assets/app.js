// The console's entry: exchanges the login link's ticket for a session, then routes between the
// pages in the browser. The ticket rides in the URL fragment, which the browser never sends; it is
// taken out of the address bar and the history before anything else happens.

import * as api from './api.js';
import { clear, el, notice, short } from './dom.js';
import * as overview from './overview.js';

// The overview comes with the page; the other pages' modules are loaded when first shown.
const PAGES = {
  '/console/': ['overview', async () => overview],
  '/console/users': ['users', () => import('./users.js')],
  '/console/rooms': ['rooms', () => import('./rooms.js')],
  '/console/audit': ['audit', () => import('./audit.js')],
  '/console/limits': ['limits', () => import('./limits.js')],
};

const main = document.getElementById('main');
let stop = () => {};
let generation = 0;

function loggedOut(message) {
  stop();
  stop = () => {};
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  document.getElementById('nav').hidden = true;
  clear(main).append(el('section', { class: 'card login' },
    el('h2', null, 'Log in'),
    el('p', null, message),
    el('p', null, 'Make a one-time login link with an admin identity, and open it within 60 seconds:'),
    el('pre', null, 'keyroom console login --server https://HOST:PORT --pin PIN --identity admin.identity')));
  document.body.dataset.ready = 'login';
}

async function render(path) {
  const [name, load] = PAGES[path] ?? PAGES['/console/'];
  stop();
  stop = () => {};
  const mine = ++generation;
  notice('');
  delete document.body.dataset.ready;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === name);
  }
  clear(main);
  try {
    const page = await load();
    if (mine !== generation) return;
    const cleanup = await page.render(main);
    if (mine !== generation) {
      if (cleanup) cleanup();
      return;
    }
    stop = cleanup ?? (() => {});
    document.body.dataset.ready = name;
    performance.mark(`keyroom-ready-${name}`);
  } catch (e) {
    if (!(e instanceof api.ApiError && e.status === 401)) notice(e.message);
  }
}

function go(path) {
  history.pushState(null, '', path);
  render(path);
}

async function boot() {
  let ticket = null;
  if (location.hash.startsWith('#ticket=')) {
    ticket = decodeURIComponent(location.hash.slice('#ticket='.length));
    history.replaceState(null, '', location.pathname);
  }
  let session = null;
  try {
    session = ticket ? await api.login(ticket) : await api.restore();
  } catch (e) {
    loggedOut(e.message);
    return;
  }
  if (!session) {
    loggedOut('There is no console session in this browser.');
    return;
  }
  api.whenEnded((e) => loggedOut(e.message));
  document.getElementById('nav').hidden = false;
  const who = document.getElementById('who');
  who.replaceChildren('Signed in as ', el('b', null, session.name), ` (${short(session.endpoint)})`);
  const logout = document.getElementById('logout');
  logout.hidden = false;
  logout.addEventListener('click', async () => {
    try {
      await api.logout();
    } finally {
      loggedOut('You have logged out; the session has ended on the server.');
    }
  });
  for (const a of document.querySelectorAll('#nav a, a.brand')) {
    a.addEventListener('click', (event) => {
      event.preventDefault();
      go(new URL(a.href).pathname);
    });
  }
  window.addEventListener('popstate', () => render(location.pathname));
  await render(location.pathname);
}

// A login link opened in a tab that shows the console already: start afresh with its ticket.
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#ticket=')) location.reload();
});

boot();
