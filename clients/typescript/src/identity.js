// Identities: an Ed25519 signing key and an X25519 key-exchange key, and the identity file that
// holds them (JSON, mode 0600 from its first byte, written atomically, refused when group or others
// can access it or when its stated public keys or endpoint are not those of its private keys).
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes as nodeRandom } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { b64url, equalBytes, fromB64url, hex } from './bytes.js';

const KIND = 'keyroom-identity';
const FIELDS = ['kind', 'version', 'endpoint', 'sign_seed', 'sign_pub', 'kex_private', 'kex_pub'];

/** The endpoint id of a raw Ed25519 public key: the first 16 bytes of its SHA-256, as lowercase hex. */
export function endpointOf(signPub) {
  return hex(sha256(signPub).subarray(0, 16));
}

export class Identity {
  #signSeed;
  #kexPrivate;

  /** An identity from its two private keys (32 bytes each); the public keys are derived. */
  constructor(signSeed, kexPrivate) {
    if (!(signSeed instanceof Uint8Array) || signSeed.length !== 32
        || !(kexPrivate instanceof Uint8Array) || kexPrivate.length !== 32) {
      throw new TypeError('an identity needs a 32-byte sign seed and a 32-byte X25519 private key');
    }
    this.#signSeed = Uint8Array.from(signSeed);
    this.#kexPrivate = Uint8Array.from(kexPrivate);
    /** Raw Ed25519 public key. */
    this.signPub = ed25519.getPublicKey(this.#signSeed);
    /** Raw X25519 public key. */
    this.kexPub = x25519.getPublicKey(this.#kexPrivate);
    /** 32 lowercase hex characters. */
    this.endpoint = endpointOf(this.signPub);
    Object.freeze(this);
  }

  /** A fresh identity from the system's random source. */
  static generate() {
    return new Identity(randomBytes(32), randomBytes(32));
  }

  /** Ed25519 signature (64 bytes) over `message`. */
  sign(message) {
    return ed25519.sign(message, this.#signSeed);
  }

  /** The X25519 private key, for unsealing room keys; handle with care. */
  unsafeKexPrivate() {
    return Uint8Array.from(this.#kexPrivate);
  }

  /** The identity file's JSON text; holds the private keys. */
  unsafeToJson() {
    return JSON.stringify({
      kind: KIND,
      version: 1,
      endpoint: this.endpoint,
      sign_seed: b64url(this.#signSeed),
      sign_pub: b64url(this.signPub),
      kex_private: b64url(this.#kexPrivate),
      kex_pub: b64url(this.kexPub),
    });
  }

  /** What an admin needs to register this identity: `{"sign_pub","kex_pub","endpoint"}`. */
  publicKeys() {
    return { endpoint: this.endpoint, sign_pub: b64url(this.signPub), kex_pub: b64url(this.kexPub) };
  }

  toString() {
    return `Identity[${this.endpoint}, keys [REDACTED]]`;
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }

  toJSON() {
    return this.toString();
  }
}

/** Parses an identity file's text and checks that its public parts are those of its private keys. */
export function parseIdentity(text) {
  let c;
  try {
    c = JSON.parse(text);
  } catch {
    throw new Error('not a Keyroom identity file: not JSON');
  }
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    throw new Error('not a Keyroom identity file: not a JSON object');
  }
  for (const k of Object.keys(c)) {
    if (!FIELDS.includes(k)) throw new Error(`not a Keyroom identity file: unknown field ${JSON.stringify(k)}`);
  }
  // JSON.parse keeps the last of a repeated key; the file's keys are plain, so count them in the text.
  const keys = [...text.matchAll(/"([^"\\]*)"\s*:/g)].map((m) => m[1]);
  if (new Set(keys).size !== keys.length) throw new Error('not a Keyroom identity file: a field is given twice');
  if (c.kind !== KIND || c.version !== 1) {
    throw new Error('not a Keyroom identity file of version 1');
  }
  let id;
  try {
    id = new Identity(fromB64url(c.sign_seed, 'sign_seed'), fromB64url(c.kex_private, 'kex_private'));
  } catch (e) {
    throw new Error(`invalid identity file: ${e.message}`);
  }
  if (typeof c.endpoint !== 'string' || c.endpoint !== id.endpoint) {
    throw new Error('invalid identity file: the endpoint is not that of the signing key');
  }
  if (!matches(c.sign_pub, id.signPub) || !matches(c.kex_pub, id.kexPub)) {
    throw new Error('invalid identity file: a stated public key is not that of its private key');
  }
  return id;
}

function matches(text, key) {
  try {
    return equalBytes(fromB64url(text), key);
  } catch {
    return false;
  }
}

/**
 * Reads an identity file. Refuses one that group or others can access (fix: `chmod 600 FILE`) and
 * one whose public keys or endpoint do not match its private keys.
 */
export async function loadIdentity(file) {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new Error(`${file} is not a regular file`);
    }
    if ((st.mode & 0o077) !== 0) {
      throw new Error(`${file} can be read by group or others (mode ${(st.mode & 0o777).toString(8)}); `
        + `run: chmod 600 ${file}`);
    }
    return parseIdentity(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Writes `identity` to a new file `file` with mode 0600 from its first byte, atomically: a
 * temporary file in the same directory, written and fsynced, then linked into place (an existing
 * file is never replaced) and the directory fsynced.
 */
export async function saveIdentity(file, identity) {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${nodeRandom(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    try {
      await handle.chmod(0o600);
      await handle.writeFile(identity.unsafeToJson(), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(tmp, file);
    } catch (e) {
      if (e.code === 'EEXIST') throw new Error(`${file} exists already; an identity file is never replaced`);
      throw e;
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const d = await fs.open(dir, constants.O_RDONLY);
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Makes a fresh identity and writes it to the new file `file` (mode 0600). */
export async function createIdentity(file) {
  const id = Identity.generate();
  await saveIdentity(file, id);
  return id;
}
