// The data plane: one WebSocket to /v1/bus, authenticated in-band by signing the server's challenge
// with the connection's authority; rooms followed from a sequence on; publishes acknowledged by
// request id; every delivery checked and opened as history is (messages.js). When the connection
// drops for any reason but this identity being refused (4001 to 4003) or close(), it reconnects
// with backoff and resubscribes after the last sequence delivered, so nothing is missed or repeated.
import WebSocket from 'ws';
import { authorityOf } from './signing.js';
import { checkId } from './ids.js';
import { decode, encode, authMessage } from './frames.js';
import { encodeEnvelope } from './envelope.js';
import { KeyroomApiError } from './transport.js';

const BACKOFF_MS = [200, 500, 1000, 2000, 5000];
const REFUSED = new Set([4001, 4002, 4003]);

export class BusClient {
  #rooms = new Map();
  #lastSeq = new Map();
  #pending = new Map();
  #nextId = 0;
  #ws = null;
  #ready;
  #readyResolve;
  #readyReject;
  #closing = false;
  #attempt = 0;
  #order = Promise.resolve();
  #timer = null;
  #authed = false;
  #queued = [];
  #ended = null;

  /** `options`: {publishTimeoutMs}. Use KeyroomClient.bus() to make one. */
  constructor(client, options = {}) {
    this.c = client;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
    /** Resolves with {code, reason} when the connection ended for good. */
    this.closed = new Promise((resolve) => { this.#closedResolve = resolve; });
    this.#connect();
  }

  #closedResolve;

  /** Resolves once authenticated; rejects when the server refused this identity. */
  ready() {
    return this.#ready;
  }

  #connect() {
    this.#ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.#ready.catch(() => {});
    const base = this.c.transport.base;
    const url = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/v1/bus`;
    const ws = new WebSocket(url, { agent: this.c.transport.agent, perMessageDeflate: false, followRedirects: false });
    ws.binaryType = 'nodebuffer';
    this.#ws = ws;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        ws.close(1002, 'text message');
        return;
      }
      let f;
      try {
        f = decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch {
        ws.close(1002, 'malformed frame');
        return;
      }
      this.#handle(ws, f);
    });
    ws.on('error', () => {});
    ws.on('close', (code, reason) => this.#onClose(ws, code, reason.toString('utf8')));
  }

  #send(bytes) {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN && !this.#closing) ws.send(bytes);
  }

  #handle(ws, f) {
    switch (f.type) {
      case 'challenge': {
        const sig = this.c.identity.sign(authMessage(f.nonce, authorityOf(this.c.transport.base)));
        ws.send(encode.auth(this.c.identity.endpoint, sig));
        break;
      }
      case 'auth_ok':
        this.#attempt = 0;
        this.#authed = true;
        for (const room of this.#rooms.keys()) this.#send(encode.subscribe(room, this.#lastSeq.get(room) ?? 0));
        for (const frame of this.#queued.splice(0)) this.#send(frame);
        this.#readyResolve();
        break;
      case 'deliver': {
        const listener = this.#rooms.get(f.room);
        if (!listener || f.seq <= (this.#lastSeq.get(f.room) ?? 0)) return;
        this.#lastSeq.set(f.room, f.seq);
        this.#order = this.#order
          .then(() => this.c.messages.judge(f.room, f.seq, f.envelope))
          .then((d) => listener.onDelivery?.(d))
          .catch((e) => listener.onError?.(e));
        break;
      }
      case 'ack': {
        const p = this.#pending.get(f.requestId);
        if (p) p.resolve(f.seq);
        break;
      }
      case 'error': {
        const p = this.#pending.get(f.requestId);
        if (p) {
          if (f.code === 'conflict') this.c.messages.forgetRoom(p.room);
          p.reject(new KeyroomApiError(0, f.code, f.message, null));
        } else {
          for (const l of this.#rooms.values()) l.onError?.(new KeyroomApiError(0, f.code, f.message, null));
        }
        break;
      }
      case 'evict': {
        const listener = this.#rooms.get(f.room);
        this.#rooms.delete(f.room);
        listener?.onEvicted?.(f.reason);
        break;
      }
      default:
        break;
    }
  }

  #onClose(ws, code, reason) {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#authed = false;
    if (this.#closing || REFUSED.has(code)) {
      this.#ended = `data plane closed: ${code} ${reason}`;
      this.#readyReject(new Error(`data plane closed: ${code} ${reason}`));
      this.#failPending(new Error(`data plane closed: ${code} ${reason}`));
      this.#closedResolve({ code, reason });
      return;
    }
    const delay = BACKOFF_MS[Math.min(this.#attempt++, BACKOFF_MS.length - 1)];
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #failPending(err) {
    for (const p of this.#pending.values()) p.reject(err);
  }

  /**
   * Follows `room`: the stored messages after `after` (0: all the room keeps), then live ones.
   * `listener`: {onDelivery(delivery), onEvicted(reason), onError(error)}.
   */
  subscribe(room, { after = 0 } = {}, listener = {}) {
    checkId(room, 'room');
    this.#rooms.set(room, listener);
    this.#lastSeq.set(room, after);
    // Once authenticated, subscribe now; until then the auth_ok handler subscribes every room.
    if (this.#authed) this.#send(encode.subscribe(room, after));
  }

  unsubscribe(room) {
    this.#rooms.delete(room);
    this.#send(encode.unsubscribe(room));
  }

  /** Publishes `body` (text or bytes), sealed and signed here; resolves with its sequence. */
  async publish(room, body) {
    checkId(room, 'room');
    if (this.#ended || this.#closing) throw new Error(this.#ended ?? 'the data plane is closed');
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const envelope = encodeEnvelope(await this.c.messages.seal(room, bytes));
    this.#nextId = (this.#nextId % 0x7fffffff) + 1;
    const id = this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(reject, new Error('no acknowledgement in time')), this.publishTimeoutMs);
      const settle = (fn, v) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        fn(v);
      };
      this.#pending.set(id, { room, resolve: (v) => settle(resolve, v), reject: (e) => settle(reject, e) });
      // Sent now when authenticated, else as soon as the (re)connection is.
      if (this.#authed) this.#send(encode.publish(id, envelope));
      else this.#queued.push(encode.publish(id, envelope));
    });
  }

  /** For tests: drops the connection as a network failure would, to exercise reconnection. */
  dropConnectionForTest() {
    this.#ws?.terminate();
  }

  /** Closes the connection for good. */
  async close() {
    this.#closing = true;
    clearTimeout(this.#timer);
    const ws = this.#ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      ws.close(1000, 'bye');
    } else {
      this.#ws = null;
      this.#readyReject(new Error('closed'));
      this.#closedResolve({ code: 1000, reason: 'closed by client' });
    }
    return this.closed;
  }
}
