// Room messages, envelope version 1 (docs/protocol.md, "Envelope"): "KRM1", flags (bit 0:
// encrypted), room (16), epoch (8), sender (16), message id (16), sent at in Unix ms (8), nonce (12,
// zero when cleartext), payload length (4), payload, Ed25519 signature by the sender over every
// byte before it (64). The header (magic through nonce) is the AEAD's associated data.
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ascii, be, concat, equalBytes, fromHex, hex, readBe } from './bytes.js';
import { MESSAGE_KEY_INFO, roomOpen, roomSeal } from './roomcrypto.js';

const MAGIC = ascii('KRM1');
export const HEADER = 4 + 1 + 16 + 8 + 16 + 16 + 8 + 12;
export const MAX_PAYLOAD = 256 * 1024;

function header(e) {
  return concat(MAGIC, Uint8Array.of(e.encrypted ? 1 : 0), fromHex(e.room, 16, 'room'), be(e.epoch, 8),
    fromHex(e.sender, 16, 'sender'), e.messageId, be(e.sentAtMillis, 8), e.nonce);
}

/** The bytes the signature covers: header, payload length and payload. */
export function signedBytes(e) {
  return concat(header(e), be(e.payload.length, 4), e.payload);
}

export function encodeEnvelope(e) {
  return concat(signedBytes(e), e.signature);
}

/** Parses exactly one envelope; any other length or a bad field throws. */
export function parseEnvelope(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER + 4 + 64) throw new Error('envelope too short');
  if (!equalBytes(bytes.subarray(0, 4), MAGIC)) throw new Error('not a version 1 envelope');
  const flags = bytes[4];
  if ((flags & ~1) !== 0) throw new Error('unknown envelope flags');
  const length = readBe(bytes, HEADER, 4);
  if (length > MAX_PAYLOAD || bytes.length !== HEADER + 4 + length + 64) {
    throw new Error('envelope length does not match its payload length');
  }
  if (bytes[21] & 0x80) throw new Error('negative epoch');
  return {
    encrypted: (flags & 1) === 1,
    room: hex(bytes.subarray(5, 21)),
    epoch: readBe(bytes, 21, 8),
    sender: hex(bytes.subarray(29, 45)),
    messageId: bytes.slice(45, 61),
    sentAtMillis: readBe(bytes, 61, 8),
    nonce: bytes.slice(69, 81),
    payload: bytes.slice(HEADER + 4, HEADER + 4 + length),
    signature: bytes.slice(HEADER + 4 + length),
  };
}

/**
 * Seals `plaintext` for `room` at `epoch` and signs it as `identity`. A null `epochKey` makes a
 * cleartext envelope. `fixed` ({messageId, nonce, sentAtMillis}) is for tests and vectors only.
 */
export function sealEnvelope(identity, room, epoch, epochKey, plaintext, fixed = {}) {
  if (plaintext.length > MAX_PAYLOAD - (epochKey ? 16 : 0)) throw new Error(`payload over ${MAX_PAYLOAD} bytes`);
  const encrypted = epochKey !== null && epochKey !== undefined;
  const e = {
    encrypted,
    room,
    epoch,
    sender: identity.endpoint,
    messageId: fixed.messageId ?? randomBytes(16),
    sentAtMillis: fixed.sentAtMillis ?? Date.now(),
    nonce: encrypted ? (fixed.nonce ?? randomBytes(12)) : new Uint8Array(12),
    payload: new Uint8Array(0),
    signature: new Uint8Array(64),
  };
  e.payload = encrypted ? roomSeal(epochKey, MESSAGE_KEY_INFO, e.nonce, header(e), plaintext) : plaintext;
  e.signature = identity.sign(signedBytes(e));
  return e;
}

export function signatureValid(e, senderSignPub) {
  try {
    return ed25519.verify(e.signature, signedBytes(e), senderSignPub, { zip215: false });
  } catch {
    return false;
  }
}

/** Checks the sender's signature, then decrypts under the epoch key (null for cleartext). */
export function openEnvelope(e, senderSignPub, epochKey) {
  if (!signatureValid(e, senderSignPub)) throw new Error('message signature does not verify');
  if (!e.encrypted) return e.payload;
  if (!epochKey) throw new Error('encrypted message but no room key');
  return roomOpen(epochKey, MESSAGE_KEY_INFO, e.nonce, header(e), e.payload,
    'message does not decrypt for this room and epoch');
}
