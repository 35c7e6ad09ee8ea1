// A room's vault of versioned secrets. In encrypted rooms values are sealed here (KRS1) under the
// room's current epoch key, bound to room, name and the version being written, and opened here.
import { b64url, fromB64url, utf8 } from './bytes.js';
import { openSecret, sealSecret, secretEpoch } from './roomcrypto.js';
import { checkId } from './ids.js';

const NAME = /^[A-Za-z0-9._/-]{1,253}$/;

/** Checks a secret name: the vault's characters, no empty, `.` or `..` segment. */
export function checkSecretName(name) {
  if (typeof name !== 'string' || !NAME.test(name)
      || name.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new TypeError('a secret name is 1 to 253 of [A-Za-z0-9._/-] without empty, . or .. segments');
  }
  return name;
}

export class Secrets {
  constructor(c) {
    this.c = c;
  }

  #path(room, name) {
    return `/v1/rooms/${checkId(room, 'room')}/secrets/${checkSecretName(name)}`;
  }

  /**
   * Writes the next version of a secret (`value` text or bytes). `ifVersion` is the latest version
   * the caller saw (0, the default: a new name); a racing write fails with 409. Returns the new
   * version.
   */
  async put(room, name, value, { ifVersion = 0 } = {}) {
    const path = this.#path(room, name);
    const plain = typeof value === 'string' ? utf8(value) : value;
    const r = await this.c.rooms.get(room);
    const stored = r.policy === 'encrypted'
      ? sealSecret(room, name, ifVersion + 1, r.epoch, await this.c.keys.epochKey(room, r.epoch), plain)
      : plain;
    const out = await this.c.call('PUT', path, { value: b64url(stored), if_version: ifVersion });
    return out.version;
  }

  /** Reads a secret (latest, or `{version}`), opened here in encrypted rooms: `{name, version, value, ...}`. */
  async get(room, name, { version } = {}) {
    const path = this.#path(room, name) + (version === undefined ? '' : `?version=${version}`);
    const s = await this.c.call('GET', path);
    if (s.name !== name || (version !== undefined && s.version !== version)) {
      throw new Error('the server answered for another secret');
    }
    const stored = fromB64url(s.value, 'value');
    const r = await this.c.rooms.get(room);
    const value = r.policy === 'encrypted'
      ? openSecret(room, name, s.version, await this.c.keys.epochKey(room, secretEpoch(stored)), stored)
      : stored;
    return {
      name: s.name, version: s.version, value, createdBy: s.created_by, createdAt: s.created_at,
      text() { return new TextDecoder('utf-8', { fatal: true }).decode(this.value); },
      toString() { return `Secret[${this.name} v${this.version}, value [REDACTED]]`; },
      [Symbol.for('nodejs.util.inspect.custom')]() { return this.toString(); },
    };
  }

  /** The room's live secrets `[{name, version, updated_at}]` (not for agents). */
  async list(room) {
    return (await this.c.call('GET', `/v1/rooms/${checkId(room, 'room')}/secrets`)).secrets;
  }

  /** Deletes a secret: a tombstone version. */
  async delete(room, name) {
    await this.c.call('DELETE', this.#path(room, name));
  }
}
