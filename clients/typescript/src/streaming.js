// Tink's streaming AEAD, AES-256-GCM-HKDF with 1 MiB ciphertext segments (the layout of Tink's
// AesGcmHkdfStreaming with HKDF-SHA256, a 32-byte derived key and no ciphertext offset), composed
// from @noble's HKDF and AES-GCM. Ciphertext: a header (its length 40 as one byte, a 32-byte random
// salt, a 7-byte random nonce prefix), then segments, each AES-GCM with a 16-byte tag under
// HKDF-SHA256(key, salt, info = associated data) and the nonce prefix || segment number (4 bytes,
// big-endian) || 1 for the last segment else 0. The first segment is shorter by the header.
import { Transform } from 'node:stream';
import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { be, concat } from './bytes.js';

export const SEGMENT_SIZE = 1 << 20;
const KEY_SIZE = 32;
const PREFIX_SIZE = 7;
const TAG_SIZE = 16;
export const HEADER_SIZE = 1 + KEY_SIZE + PREFIX_SIZE;

function segmentNonce(prefix, index, last) {
  return concat(prefix, be(index, 4), Uint8Array.of(last ? 1 : 0));
}

/** A byte queue for the transforms below. */
class Queue {
  chunks = [];
  length = 0;

  push(c) {
    if (c.length > 0) {
      this.chunks.push(c);
      this.length += c.length;
    }
  }

  take(n) {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= n;
    return out;
  }
}

function checkKey(key) {
  if (!(key instanceof Uint8Array) || key.length !== KEY_SIZE) throw new TypeError('a blob key is 32 bytes');
}

/**
 * A Transform that encrypts what is written to it under `key` with associated data `aad`.
 * `fixed` ({salt, noncePrefix}) replaces the random header, for test vectors only.
 */
export function encryptingStream(key, aad, segmentSize = SEGMENT_SIZE, fixed = {}) {
  checkKey(key);
  const salt = fixed.salt ?? randomBytes(KEY_SIZE);
  const prefix = fixed.noncePrefix ?? randomBytes(PREFIX_SIZE);
  const segKey = hkdf(sha256, key, salt, aad, KEY_SIZE);
  const q = new Queue();
  let index = 0;
  const plainSize = () => segmentSize - TAG_SIZE - (index === 0 ? HEADER_SIZE : 0);
  const seal = (pt, last) => {
    const ct = gcm(segKey, segmentNonce(prefix, index, last)).encrypt(pt);
    const out = index === 0 ? concat(Uint8Array.of(HEADER_SIZE), salt, prefix, ct) : ct;
    index += 1;
    return out;
  };
  return new Transform({
    transform(chunk, _enc, done) {
      q.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      while (q.length > plainSize()) this.push(seal(q.take(plainSize()), false));
      done();
    },
    flush(done) {
      this.push(seal(q.take(q.length), true));
      done();
    },
  });
}

/**
 * A Transform that decrypts Tink streaming ciphertext; it fails on a wrong key or associated data,
 * any altered, dropped, reordered or truncated segment.
 */
export function decryptingStream(key, aad, segmentSize = SEGMENT_SIZE) {
  checkKey(key);
  const q = new Queue();
  let segKey = null;
  let prefix = null;
  let index = 0;
  const cipherSize = () => segmentSize - (index === 0 ? HEADER_SIZE : 0);
  const open = (ct, last) => {
    if (ct.length < TAG_SIZE) throw new Error('the blob is truncated');
    try {
      const pt = gcm(segKey, segmentNonce(prefix, index, last)).decrypt(ct);
      index += 1;
      return pt;
    } catch {
      throw new Error('the blob does not decrypt with this key');
    }
  };
  return new Transform({
    transform(chunk, _enc, done) {
      try {
        q.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (segKey === null && q.length >= HEADER_SIZE) {
          const h = q.take(HEADER_SIZE);
          if (h[0] !== HEADER_SIZE) throw new Error('not a streaming AEAD ciphertext');
          segKey = hkdf(sha256, key, h.subarray(1, 1 + KEY_SIZE), aad, KEY_SIZE);
          prefix = h.slice(1 + KEY_SIZE);
        }
        while (segKey !== null && q.length > cipherSize()) this.push(open(q.take(cipherSize()), false));
        done();
      } catch (e) {
        done(e);
      }
    },
    flush(done) {
      try {
        if (segKey === null) throw new Error('the blob is truncated');
        this.push(open(q.take(q.length), true));
        done();
      } catch (e) {
        done(e);
      }
    },
  });
}

async function through(transform, bytes) {
  const out = [];
  transform.on('data', (c) => out.push(c));
  const ended = new Promise((resolve, reject) => {
    transform.on('end', resolve);
    transform.on('error', reject);
  });
  transform.end(bytes);
  await ended;
  return concat(...out);
}

/** Encrypts bytes in memory (tests and small values). */
export function encryptBytes(key, aad, plaintext, segmentSize = SEGMENT_SIZE, fixed = {}) {
  return through(encryptingStream(key, aad, segmentSize, fixed), plaintext);
}

export function decryptBytes(key, aad, ciphertext, segmentSize = SEGMENT_SIZE) {
  return through(decryptingStream(key, aad, segmentSize), ciphertext);
}
