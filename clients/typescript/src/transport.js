// The SDK's signed HTTP: every request to the node is signed (signing.js) and sent over TLS that
// trusts the node by its SPKI pin, a CA file or the system's store; plain HTTP only to loopback.
// A request refused as signed before the node's replay fence is signed again once at that fence
// (docs/protocol.md, "Replay fence"). Bodies over 64 KiB ask first (Expect: 100-continue).
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromB64 } from './bytes.js';
import { signRequest } from './signing.js';

/** The most a node's fence may lie ahead of this client's clock to be followed. */
export const MAX_FENCE_AHEAD_SECONDS = 300;
/** Bodies larger than this ask first, so a refusal is read before the body is sent. */
export const EXPECT_CONTINUE_ABOVE = 64 * 1024;

/** A refusal by the node: its status, error code, message and request id. */
export class KeyroomApiError extends Error {
  constructor(status, code, message, requestId) {
    super(`${status} ${code}: ${message}${requestId ? ` (request ${requestId})` : ''}`);
    this.name = 'KeyroomApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.requestId = requestId ?? null;
  }
}

/** Parses `sha256/<base64 of 32 bytes>`. */
export function parsePin(pin) {
  if (typeof pin !== 'string' || !pin.startsWith('sha256/')) {
    throw new TypeError('a pin looks like sha256/<base64 of the SHA-256 of the certificate\'s public key>');
  }
  const d = fromB64(pin.slice(7), 'the pin');
  if (d.length !== 32) throw new TypeError('the pin must hold a 32-byte SHA-256');
  return d;
}

/** The pin of a DER certificate: SHA-256 of its SubjectPublicKeyInfo, as `sha256/<base64>`. */
export function pinOf(certDer) {
  const spki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256/${Buffer.from(sha256(spki)).toString('base64')}`;
}

/**
 * An HTTPS agent that trusts exactly the server whose leaf certificate's public key has `pin`, and
 * only in the certificate's validity period. The check runs when the handshake completes and
 * before the connection is handed to a request, so nothing is sent to a server that fails it.
 */
export class PinnedAgent extends https.Agent {
  #pin;

  constructor(pin, options = {}) {
    super({ keepAlive: true, ...options });
    this.#pin = parsePin(pin);
  }

  createConnection(options, done) {
    const socket = tls.connect({
      ...options, rejectUnauthorized: false, minVersion: 'TLSv1.3', ALPNProtocols: ['http/1.1'],
    });
    let settled = false;
    const finish = (err) => {
      if (settled) return;
      settled = true;
      socket.removeListener('error', finish);
      if (err) {
        socket.destroy();
        done(err);
      } else {
        done(null, socket);
      }
    };
    socket.once('error', finish);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate(false);
      if (!cert || !cert.raw) return finish(new Error('the server sent no certificate'));
      const x = new X509Certificate(cert.raw);
      const now = Date.now();
      if (now < Date.parse(x.validFrom) || now > Date.parse(x.validTo)) {
        return finish(new Error('the server\'s certificate is outside its validity period'));
      }
      const spki = x.publicKey.export({ type: 'spki', format: 'der' });
      if (!equalBytes(sha256(spki), this.#pin)) {
        return finish(new Error('the server\'s key does not match the pinned key'));
      }
      return finish(null);
    });
  }
}

function isLoopback(hostname) {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * The agent for `baseUrl` and a trust choice: `{pin}`, `{ca}` (PEM text), or nothing (the system's
 * store). Plain `http://` only to a loopback address.
 */
export function agentFor(baseUrl, trust = {}) {
  const u = new URL(baseUrl);
  if (u.protocol === 'http:') {
    if (!isLoopback(u.hostname)) throw new Error('plain http:// is refused beyond loopback; use https://');
    return new http.Agent({ keepAlive: true });
  }
  if (u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
  if (trust.pin) return new PinnedAgent(trust.pin);
  if (trust.ca) return new https.Agent({ keepAlive: true, ca: trust.ca, minVersion: 'TLSv1.3' });
  return new https.Agent({ keepAlive: true, minVersion: 'TLSv1.2' });
}

/** Signed requests to one base URL with one identity. */
export class SignedTransport {
  #signNotBefore = 0;

  /** `options`: {trust, timeoutMs, now (() => ms)}. */
  constructor(baseUrl, identity, options = {}) {
    this.base = new URL(baseUrl);
    this.identity = identity;
    this.agent = options.agent ?? agentFor(this.base, options.trust);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? (() => Date.now());
  }

  /** Unix seconds to sign with: now, or the node's fence while the clock has not passed it. */
  created() {
    return Math.max(Math.floor(this.now() / 1000), this.#signNotBefore);
  }

  /**
   * Sends a signed request. `body`: bytes, or `{file, size, digest}` streamed from a file;
   * `sink`: a writable the 2xx answer's body is piped to instead of being returned.
   * Resolves {status, headers, body} whatever the status.
   */
  async exchange(method, pathAndQuery, { body, contentType, sink, headers: extra } = {}) {
    let r = await this.#sendOnce(method, pathAndQuery, body, contentType, sink, extra);
    if (r.status === 401 && this.#followFence(r.headers['keyroom-not-before'])) {
      r = await this.#sendOnce(method, pathAndQuery, body, contentType, sink, extra);
    }
    if (sink && r.status >= 300) sink.destroy();
    return r;
  }

  /** Sends JSON (or nothing) and returns the parsed answer; an error status throws KeyroomApiError. */
  async call(method, pathAndQuery, json) {
    const body = json === undefined ? undefined : new TextEncoder().encode(JSON.stringify(json));
    const r = await this.exchange(method, pathAndQuery, { body, contentType: 'application/json' });
    if (r.status >= 400) throw apiError(r);
    if (r.body.length === 0) return null;
    return JSON.parse(Buffer.from(r.body).toString('utf8'));
  }

  #followFence(value) {
    if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return false;
    const fence = Number(value);
    if (fence > Math.floor(this.now() / 1000) + MAX_FENCE_AHEAD_SECONDS) return false;
    this.#signNotBefore = Math.max(this.#signNotBefore, fence);
    return true;
  }

  #sendOnce(method, pathAndQuery, body, contentType, sink, extra) {
    const url = new URL(pathAndQuery, this.base);
    const streamed = body && !(body instanceof Uint8Array);
    const size = streamed ? body.size : (body?.length ?? 0);
    const signed = signRequest(this.identity, streamed
      ? { method, url, hasBody: size > 0, digest: body.digest }
      : { method, url, body }, { created: this.created() });
    const headers = { ...extra, ...signed };
    if (size > 0 || (method !== 'GET' && method !== 'DELETE' && method !== 'HEAD')) {
      headers['content-length'] = String(size);
    }
    if (size > 0 && contentType) headers['content-type'] = contentType;
    const askFirst = size > EXPECT_CONTINUE_ABOVE;
    if (askFirst) headers.expect = '100-continue';
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method, headers, agent: this.agent, timeout: this.timeoutMs,
      });
      let answered = false;
      const writeBody = () => {
        if (answered) return;
        if (streamed) createReadStream(body.file).on('error', (e) => req.destroy(e)).pipe(req);
        else req.end(body && body.length > 0 ? body : undefined);
      };
      req.on('timeout', () => req.destroy(new Error(`no answer from ${this.base.origin} in time`)));
      req.on('error', (e) => reject(new Error(`request to ${this.base.origin} failed: ${why(e)}`, { cause: e })));
      req.on('response', (res) => {
        answered = true;
        const chunks = [];
        const ok = res.statusCode < 300 && sink;
        if (ok) {
          res.pipe(sink);
          sink.on('finish', () => resolve({ status: res.statusCode, headers: res.headers, body: new Uint8Array(0) }));
          sink.on('error', reject);
        } else {
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode, headers: res.headers, body: new Uint8Array(Buffer.concat(chunks)) });
            if (!req.writableFinished) req.destroy();
          });
        }
        res.on('error', reject);
      });
      if (askFirst) {
        req.flushHeaders();
        req.on('continue', writeBody);
      } else {
        writeBody();
      }
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** The KeyroomApiError of an error answer (the node's JSON error shape, or the bare status). */
export function apiError(r) {
  try {
    const e = JSON.parse(Buffer.from(r.body).toString('utf8')).error;
    return new KeyroomApiError(r.status, e.code, e.message, e.request_id);
  } catch {
    return new KeyroomApiError(r.status, 'unexpected_response', `unexpected answer ${r.status}`,
      r.headers?.['x-request-id']);
  }
}

function why(e) {
  if (e.code === 'ECONNREFUSED') return 'nothing answers there (connection refused)';
  return e.message || e.code || String(e);
}
