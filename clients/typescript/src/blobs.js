// A room's blobs, content-addressed by the SHA-256 of the stored bytes. In encrypted rooms a blob
// is encrypted here with Tink's streaming AEAD under a fresh 32-byte key and associated data
// "keyroom/v1/blob", 0, the room id (hex text); its reference `keyroom-blob:v1:<sha256>:<size>:<key>`
// (size of the stored bytes; key empty in cleartext rooms) is meant to travel in an encrypted
// message. Both directions stream through a temporary file, never holding the blob in memory.
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes as nodeRandom } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ascii, b64url, equalBytes, fromB64url, fromHex, hex } from './bytes.js';
import { decryptingStream, encryptingStream } from './streaming.js';
import { checkId } from './ids.js';
import { apiError } from './transport.js';

const REF = /^keyroom-blob:v1:([0-9a-f]{64}):([0-9]{1,16}):([A-Za-z0-9_-]*)$/;

export function blobAad(room) {
  return ascii(`keyroom/v1/blob\0${room}`);
}

/** What a recipient needs to fetch and open a blob. Holds its key: send it only encrypted. */
export class BlobRef {
  constructor(sha256hex, size, key) {
    fromHex(sha256hex, 32, 'blob address');
    this.sha256 = sha256hex;
    this.size = size;
    this.key = key ?? null;
  }

  /** The reference as message text (holds the key in clear). */
  toMessage() {
    return ascii(`keyroom-blob:v1:${this.sha256}:${this.size}:${this.key ? b64url(this.key) : ''}`);
  }

  /** Parses a message body (bytes or text) holding a reference. */
  static fromMessage(body) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
    const m = REF.exec(text);
    if (!m) throw new TypeError('not a blob reference');
    return new BlobRef(m[1], Number(m[2]), m[3] === '' ? null : fromB64url(m[3], 'blob key'));
  }

  toString() {
    return `BlobRef[${this.sha256}, ${this.size} bytes, key [REDACTED]]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }
}

async function tempFile(kind) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keyroom-blob-'));
  return { dir, file: path.join(dir, `${kind}-${nodeRandom(4).toString('hex')}`) };
}

/** A writable that hashes what passes into `file`. */
function hashingFile(file, hash) {
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  return new Writable({
    write(chunk, _e, done) {
      hash.update(chunk);
      if (out.write(chunk)) done();
      else out.once('drain', done);
    },
    final(done) {
      out.end(done);
    },
    destroy(err, done) {
      out.destroy();
      done(err);
    },
  });
}

function readableOf(source) {
  if (typeof source === 'string') return createReadStream(source);
  if (source instanceof Uint8Array) return Readable.from([source]);
  if (source && typeof source.pipe === 'function') return source;
  throw new TypeError('a blob source is a file path, bytes or a readable stream');
}

export class Blobs {
  constructor(c) {
    this.c = c;
  }

  /** Uploads `source` (file path, bytes or readable) to `room`; returns its BlobRef. */
  async put(room, source) {
    checkId(room, 'room');
    const r = await this.c.rooms.get(room);
    const key = r.policy === 'encrypted' ? randomBytes(32) : null;
    const { dir, file } = await tempFile('put');
    try {
      const hash = sha256.create();
      const stages = [readableOf(source)];
      if (key) stages.push(encryptingStream(key, blobAad(room)));
      await pipeline(...stages, hashingFile(file, hash));
      const digest = hash.digest();
      const address = hex(digest);
      const { size } = await fs.stat(file);
      const res = await this.c.transport.exchange('PUT', `/v1/rooms/${room}/blobs/${address}`, {
        body: { file, size, digest }, contentType: 'application/octet-stream',
      });
      if (res.status >= 400) throw apiError(res);
      return new BlobRef(address, size, key);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Downloads the blob `ref` names into `destination` (a new file path, or a writable): the stored
   * bytes must hash to the address, checked before a byte is decrypted or written out.
   */
  async get(room, ref, destination) {
    checkId(room, 'room');
    const { dir, file } = await tempFile('get');
    try {
      const sink = createWriteStream(file, { flags: 'wx', mode: 0o600 });
      const res = await this.c.transport.exchange('GET', `/v1/rooms/${room}/blobs/${ref.sha256}`, { sink });
      if (res.status >= 400) throw apiError(res);
      const hash = sha256.create();
      for await (const chunk of createReadStream(file)) hash.update(chunk);
      if (!equalBytes(hash.digest(), fromHex(ref.sha256, 32))) {
        throw new Error('the server returned bytes that do not hash to the blob address');
      }
      const stages = [createReadStream(file)];
      if (ref.key) stages.push(decryptingStream(ref.key, blobAad(room)));
      if (typeof destination === 'string') {
        try {
          await pipeline(...stages, createWriteStream(destination, { flags: 'wx' }));
        } catch (e) {
          if (e.code !== 'EEXIST') await fs.rm(destination, { force: true });
          throw e;
        }
      } else {
        await pipeline(...stages, destination);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** Downloads and opens a blob into memory. */
  async getBytes(room, ref) {
    const chunks = [];
    await this.get(room, ref, new Writable({
      write(chunk, _e, done) {
        chunks.push(chunk);
        done();
      },
    }));
    return new Uint8Array(Buffer.concat(chunks));
  }
}
