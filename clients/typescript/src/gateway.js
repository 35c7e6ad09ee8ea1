// Sessions with a Keyroom gateway (docs/protocol.md, "The gateway"): opened by a request signed by
// the agent's identity, a session yields a short-lived proxy credential. `session.dispatcher` is an
// undici ProxyAgent that sends it as proxy authentication and trusts the gateway's CA for the TLS
// the gateway speaks inside each tunnel; `session.fetch` is undici's fetch through it.
import { readFile } from 'node:fs/promises';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { loadIdentity } from './identity.js';
import { SignedTransport, apiError } from './transport.js';

const SESSION_ID = /^[0-9a-f]{32}$/;

export class GatewaySession {
  #transport;
  #credential;

  constructor(transport, session, ca) {
    if (!SESSION_ID.test(session.session_id)) throw new Error('the gateway answered with a malformed session id');
    this.#transport = transport;
    this.id = session.session_id;
    this.proxyUser = session.proxy_user;
    this.#credential = session.credential;
    this.expiresAt = new Date(session.expires_at);
    const token = `Basic ${Buffer.from(`${this.proxyUser}:${this.#credential}`).toString('base64')}`;
    /** An undici dispatcher: pass it as `dispatcher` to undici's fetch or request. */
    this.dispatcher = new ProxyAgent({ uri: transport.base.origin, token, requestTls: { ca } });
  }

  /**
   * Opens a session. `options`: {gateway (URL), identity or identityFile, ca or caFile (the
   * gateway's CA, PEM), ttlSeconds, pin (when the gateway's own listener is HTTPS and pinned)}.
   */
  static async open(options) {
    const identity = options.identity ?? await loadIdentity(options.identityFile);
    const ca = options.ca ?? (options.caFile ? await readFile(options.caFile, 'utf8') : undefined);
    if (!ca) throw new Error('the gateway\'s CA certificate is required (ca or caFile)');
    const transport = new SignedTransport(options.gateway, identity, { trust: { pin: options.pin } });
    const body = options.ttlSeconds === undefined ? {} : { ttl_seconds: options.ttlSeconds };
    const r = await transport.exchange('POST', '/v1/sessions', {
      body: new TextEncoder().encode(JSON.stringify(body)), contentType: 'application/json',
    });
    if (r.status !== 201) {
      transport.close();
      throw apiError(r);
    }
    return new GatewaySession(transport, JSON.parse(Buffer.from(r.body).toString('utf8')), ca);
  }

  /** The proxy credential: hand it to HTTP clients, never to a log. */
  unsafeCredential() {
    return this.#credential;
  }

  /** A proxy URL with the credential in it, for clients configured by URL (HTTPS_PROXY). */
  unsafeProxyUrl() {
    const u = new URL(this.#transport.base.origin);
    u.username = this.proxyUser;
    u.password = this.#credential;
    return u.href;
  }

  /** fetch() through the gateway. */
  fetch(input, init = {}) {
    return undiciFetch(input, { ...init, dispatcher: this.dispatcher });
  }

  /** Extends the session by its lifetime; returns the new expiry. */
  async renew() {
    const r = await this.#transport.exchange('POST', `/v1/sessions/${this.id}/renew`, {
      body: new Uint8Array(0), contentType: 'application/json',
    });
    if (r.status !== 200) throw apiError(r);
    this.expiresAt = new Date(JSON.parse(Buffer.from(r.body).toString('utf8')).expires_at);
    return this.expiresAt;
  }

  /** Ends the session on the gateway (its tunnels are cut at once) and closes the dispatcher. */
  async close() {
    try {
      const r = await this.#transport.exchange('DELETE', `/v1/sessions/${this.id}`);
      if (r.status !== 204 && r.status !== 404) throw apiError(r);
    } finally {
      await this.dispatcher.close();
      this.#transport.close();
    }
  }

  toString() {
    return `GatewaySession[${this.id}, until ${this.expiresAt.toISOString()}]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }
}
