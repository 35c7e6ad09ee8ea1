// Byte helpers shared by the SDK: base64url without padding (strict, as the wire demands), hex,
// big-endian integers and concatenation. Nothing here is cryptographic.

const B64URL = /^[A-Za-z0-9_-]*$/;
const HEX = /^[0-9a-f]*$/;

/** Encodes bytes as base64url without padding. */
export function b64url(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes base64url without padding; padding, whitespace, the standard alphabet and a length no
 * encoder makes are refused, naming `what`.
 */
export function fromB64url(text, what = 'value') {
  if (typeof text !== 'string' || !B64URL.test(text) || text.length % 4 === 1) {
    throw new TypeError(`${what} is not base64url without padding`);
  }
  const out = new Uint8Array(Buffer.from(text, 'base64url'));
  if (b64url(out) !== text) {
    throw new TypeError(`${what} is not canonical base64url`);
  }
  return out;
}

/** Standard base64 with padding (RFC 8941 byte sequences, Content-Digest, pins). */
export function b64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromB64(text, what = 'value') {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new TypeError(`${what} is not base64`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes lowercase hex of exactly `length` bytes (any length when omitted). */
export function fromHex(text, length, what = 'value') {
  if (typeof text !== 'string' || !HEX.test(text) || text.length % 2 !== 0
      || (length !== undefined && text.length !== 2 * length)) {
    throw new TypeError(`${what} is not ${length ?? 'some'} bytes of lowercase hex`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function ascii(text) {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      throw new TypeError('not ASCII');
    }
  }
  return utf8(text);
}

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A big-endian unsigned integer of `size` bytes (4 or 8); `value` a number or bigint. */
export function be(value, size) {
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  if (size === 4) view.setUint32(0, Number(value));
  else if (size === 8) view.setBigUint64(0, BigInt(value));
  else if (size === 2) view.setUint16(0, Number(value));
  else throw new RangeError('size must be 2, 4 or 8');
  return out;
}

/** Reads a big-endian unsigned integer; 8-byte values come back as a number when safe, else throw. */
export function readBe(bytes, at, size) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) return view.getUint16(at);
  if (size === 4) return view.getUint32(at);
  if (size === 8) {
    const v = view.getBigUint64(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError('integer beyond 2^53');
    }
    return Number(v);
  }
  throw new RangeError('size must be 2, 4 or 8');
}

/** Whether two byte arrays are equal, in time independent of where they differ. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}
