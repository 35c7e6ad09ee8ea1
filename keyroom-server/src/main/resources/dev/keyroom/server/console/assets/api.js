// The console's JSON API. The session rides in an HttpOnly cookie the page cannot read; the CSRF
// token the server hands out at login is kept in this module's memory only (never in storage) and
// sent on every state-changing call (UI-3).

let csrf = null;
let onEnded = () => {};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Called when the server says the session has ended (401). */
export function whenEnded(callback) {
  onEnded = callback;
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (method !== 'GET') headers['X-Keyroom-CSRF'] = csrf ?? '';
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const e = data && data.error ? data.error : {};
    const error = new ApiError(response.status, e.code ?? 'error', e.message ?? response.statusText);
    if (response.status === 401 && path !== '/console/api/session') {
      csrf = null;
      onEnded(error);
    }
    throw error;
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});

/** Exchanges a login ticket for a session. */
export async function login(ticket) {
  const s = await call('POST', '/console/api/session', { ticket });
  csrf = s.csrf;
  return s;
}

/** The session the cookie carries, or null. */
export async function restore() {
  try {
    const s = await call('GET', '/console/api/session');
    csrf = s.csrf;
    return s;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

/** Ends the session on the server. */
export async function logout() {
  try {
    await call('DELETE', '/console/api/session');
  } finally {
    csrf = null;
  }
}

/** A query string of the filled-in parts of params. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
