// Data-plane frames at /v1/bus, version 1 (docs/protocol.md, "Data plane"): binary WebSocket
// messages, one frame each: version byte 1, type byte, fields (ids raw, integers big-endian,
// strings as a 2-byte length and UTF-8, at most 1024 bytes).
import { ascii, be, concat, fromHex, hex, readBe, utf8 } from './bytes.js';

export const T = {
  CHALLENGE: 1, AUTH: 2, AUTH_OK: 3, SUBSCRIBE: 4, UNSUBSCRIBE: 5, PUBLISH: 6, ACK: 7, DELIVER: 8, ERROR: 9, EVICT: 10,
};
const MAX_TEXT = 1024;

/** What an auth frame signs: "keyroom/v1/bus-auth", 0, the challenge, the connection's @authority. */
export function authMessage(challenge, authority) {
  return concat(ascii('keyroom/v1/bus-auth\0'), challenge, ascii(authority));
}

const frame = (type, ...fields) => concat(Uint8Array.of(1, type), ...fields);
const text = (s) => {
  const b = utf8(s ?? '');
  const t = b.length > MAX_TEXT ? b.subarray(0, MAX_TEXT) : b;
  return concat(be(t.length, 2), t);
};

export const encode = {
  challenge: (nonce) => frame(T.CHALLENGE, nonce),
  auth: (endpoint, signature) => frame(T.AUTH, fromHex(endpoint, 16), signature),
  authOk: () => frame(T.AUTH_OK),
  subscribe: (room, afterSeq) => frame(T.SUBSCRIBE, fromHex(room, 16), be(afterSeq, 8)),
  unsubscribe: (room) => frame(T.UNSUBSCRIBE, fromHex(room, 16)),
  publish: (requestId, envelope) => frame(T.PUBLISH, be(requestId, 4), envelope),
  ack: (requestId, seq) => frame(T.ACK, be(requestId, 4), be(seq, 8)),
  deliver: (room, seq, envelope) => frame(T.DELIVER, fromHex(room, 16), be(seq, 8), envelope),
  error: (requestId, code, message) => frame(T.ERROR, be(requestId, 4), text(code), text(message)),
  evict: (room, reason) => frame(T.EVICT, fromHex(room, 16), text(reason)),
};

/** Decodes exactly one well-formed frame; anything else throws. */
export function decode(bytes) {
  let at = 2;
  const need = (n) => {
    if (at + n > bytes.length) throw new Error('truncated or malformed frame');
    const s = bytes.subarray(at, at + n);
    at += n;
    return s;
  };
  const int = (n) => readBe(need(n), 0, n);
  const str = () => {
    const n = int(2);
    if (n > MAX_TEXT) throw new Error('text too long');
    return new TextDecoder('utf-8', { fatal: true }).decode(need(n));
  };
  const rest = () => need(bytes.length - at).slice();
  if (bytes.length < 2 || bytes[0] !== 1) throw new Error('unknown frame version');
  let f;
  switch (bytes[1]) {
    case T.CHALLENGE: f = { type: 'challenge', nonce: need(32).slice() }; break;
    case T.AUTH: f = { type: 'auth', endpoint: hex(need(16)), signature: need(64).slice() }; break;
    case T.AUTH_OK: f = { type: 'auth_ok' }; break;
    case T.SUBSCRIBE: f = { type: 'subscribe', room: hex(need(16)), afterSeq: int(8) }; break;
    case T.UNSUBSCRIBE: f = { type: 'unsubscribe', room: hex(need(16)) }; break;
    case T.PUBLISH: f = { type: 'publish', requestId: int(4), envelope: rest() }; break;
    case T.ACK: f = { type: 'ack', requestId: int(4), seq: int(8) }; break;
    case T.DELIVER: f = { type: 'deliver', room: hex(need(16)), seq: int(8), envelope: rest() }; break;
    case T.ERROR: f = { type: 'error', requestId: int(4), code: str(), message: str() }; break;
    case T.EVICT: f = { type: 'evict', room: hex(need(16)), reason: str() }; break;
    default: throw new Error('unknown frame type');
  }
  if (at !== bytes.length) throw new Error('trailing bytes after the frame');
  return f;
}
