// A room's messages: sending (sealed and signed here) and reading history that is checked before it
// is handed out. A delivery is accepted only when its envelope parses, is for this room, agrees with
// what the server reports, carries its sender's signature, decrypts under its epoch's key and has
// a message id this client has not seen; otherwise it is reported as rejected, with the reason.
import { b64url, fromB64url, utf8 } from './bytes.js';
import { openEnvelope, parseEnvelope, sealEnvelope, encodeEnvelope } from './envelope.js';
import { checkId } from './ids.js';

const SEEN_PER_ROOM = 100_000;

function bytesOf(body) {
  return typeof body === 'string' ? utf8(body) : body;
}

export class Messages {
  #seen = new Map();
  #signKeys = new Map();
  #roomInfo = new Map();

  constructor(c) {
    this.c = c;
  }

  /** Sends `body` (text or bytes) to `room`; returns the sequence the server assigned. */
  async send(room, body) {
    checkId(room, 'room');
    const e = await this.seal(room, bytesOf(body), await this.c.rooms.get(room));
    const r = await this.c.call('POST', `/v1/rooms/${room}/messages`, { envelope: b64url(encodeEnvelope(e)) });
    return r.seq;
  }

  /** Reads and checks history after `after` (0: from the start): `[{seq, accepted, ...}]`. */
  async history(room, { after = 0, limit = 200 } = {}) {
    checkId(room, 'room');
    const page = await this.c.call('GET', `/v1/rooms/${room}/messages?after=${after}&limit=${limit}`);
    const out = [];
    for (const m of page.messages) {
      let bytes;
      try {
        bytes = fromB64url(m.envelope, 'envelope');
      } catch {
        out.push(rejected(m.seq, 'malformed envelope'));
        continue;
      }
      out.push(await this.judge(room, m.seq, bytes, m.epoch, m.sender));
    }
    return out;
  }

  /**
   * Checks and opens one delivered envelope. `reportedEpoch`/`reportedSender` are what the server
   * said alongside it (history), or undefined (the data plane says nothing more).
   */
  async judge(room, seq, bytes, reportedEpoch, reportedSender) {
    let e;
    try {
      e = parseEnvelope(bytes);
    } catch {
      return rejected(seq, 'malformed envelope');
    }
    if (e.room !== room) return rejected(seq, 'envelope for another room');
    if ((reportedEpoch !== undefined && e.epoch !== reportedEpoch)
        || (reportedSender !== undefined && e.sender !== reportedSender)) {
      return rejected(seq, 'envelope does not match what the server reports');
    }
    let body;
    try {
      const key = e.encrypted ? await this.c.keys.epochKey(room, e.epoch) : null;
      body = openEnvelope(e, await this.#signKey(e.sender), key);
    } catch (x) {
      return rejected(seq, x.message);
    }
    if (!this.#remember(room, b64url(e.messageId))) return rejected(seq, 'replayed message id');
    return {
      seq, accepted: true, sender: e.sender, epoch: e.epoch, sentAt: new Date(e.sentAtMillis), body,
      text() { return new TextDecoder('utf-8', { fatal: true }).decode(this.body); },
    };
  }

  /** Seals `plaintext` for `room` at the epoch `info` names (or as last seen), signed by this identity. */
  async seal(room, plaintext, info) {
    let r = info;
    if (!r) {
      let p = this.#roomInfo.get(room);
      if (!p) {
        p = this.c.rooms.get(room);
        p.catch(() => this.#roomInfo.delete(room));
        this.#roomInfo.set(room, p);
      }
      r = await p;
    }
    const key = r.policy === 'encrypted' ? await this.c.keys.epochKey(room, r.epoch) : null;
    return sealEnvelope(this.c.identity, room, r.epoch, key, plaintext);
  }

  /** Forgets what this client knows of a room's epoch, after the server said it moved on. */
  forgetRoom(room) {
    this.#roomInfo.delete(room);
  }

  #remember(room, id) {
    let seen = this.#seen.get(room);
    if (!seen) {
      seen = new Set();
      this.#seen.set(room, seen);
    }
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > SEEN_PER_ROOM) seen.delete(seen.values().next().value);
    return true;
  }

  async #signKey(sender) {
    let p = this.#signKeys.get(sender);
    if (!p) {
      p = this.c.users.get(sender).then((u) => fromB64url(u.sign_pub, 'sign_pub'));
      p.catch(() => this.#signKeys.delete(sender));
      this.#signKeys.set(sender, p);
    }
    return p;
  }
}

function rejected(seq, reason) {
  return { seq, accepted: false, reason };
}
