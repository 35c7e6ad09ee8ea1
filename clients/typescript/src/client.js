// The Keyroom client: one identity talking to one node. Users, rooms (keys made and sealed here),
// messages, secrets and blobs are its resources; the data plane (bus.js) shares its checks.
import { readFile } from 'node:fs/promises';
import { randomBytes } from '@noble/hashes/utils.js';
import { b64url, fromB64url, hex } from './bytes.js';
import { Identity, endpointOf, loadIdentity } from './identity.js';
import { generateRoomKey, sealRoomKey, unsealRoomKey } from './roomkeys.js';
import { SignedTransport } from './transport.js';
import { Messages } from './messages.js';
import { Secrets } from './secrets.js';
import { Blobs } from './blobs.js';
import { BusClient } from './bus.js';
import { checkId } from './ids.js';


export class KeyroomClient {
  /**
   * `options`: {server (URL), identity (an Identity) or identityFile (path), pin ('sha256/...') or
   * ca (PEM text) or caFile (path), timeoutMs}.
   */
  static async connect(options) {
    const identity = options.identity ?? await loadIdentity(options.identityFile);
    if (!(identity instanceof Identity)) throw new TypeError('identity or identityFile is required');
    const ca = options.ca ?? (options.caFile ? await readFile(options.caFile, 'utf8') : undefined);
    return new KeyroomClient(options.server, identity, { pin: options.pin, ca }, options.timeoutMs);
  }

  constructor(server, identity, trust = {}, timeoutMs = 30_000) {
    this.identity = identity;
    this.transport = new SignedTransport(server, identity, { trust, timeoutMs });
    this.keys = new RoomKeys(this);
    this.users = new Users(this);
    this.rooms = new Rooms(this);
    this.messages = new Messages(this);
    this.secrets = new Secrets(this);
    this.blobs = new Blobs(this);
  }

  /** Sends a signed JSON request; throws KeyroomApiError on an error answer. */
  call(method, path, json) {
    return this.transport.call(method, path, json);
  }

  /** The node's unsigned health answer. */
  async health() {
    const r = await this.transport.exchange('GET', '/healthz');
    return JSON.parse(Buffer.from(r.body).toString('utf8'));
  }

  /** Opens a data-plane connection (WebSocket) and waits until it is authenticated. */
  async bus(options = {}) {
    const b = new BusClient(this, options);
    await b.ready();
    return b;
  }

  close() {
    this.transport.close();
    this.keys.clear();
  }
}

class Users {
  constructor(c) {
    this.c = c;
  }

  me() {
    return this.c.call('GET', '/v1/me');
  }

  /** Registers a user (admins): `{signPub, kexPub}` as bytes or base64url, `name`, `role`. */
  add({ signPub, kexPub, name, role }) {
    const text = (k) => (typeof k === 'string' ? k : b64url(k));
    return this.c.call('POST', '/v1/users', { sign_pub: text(signPub), kex_pub: text(kexPub), name, role });
  }

  async list() {
    return (await this.c.call('GET', '/v1/users')).users;
  }

  /** A user's public record, checked to name the endpoint of its own signing key. */
  async get(endpoint) {
    checkId(endpoint, 'endpoint');
    const u = await this.c.call('GET', `/v1/users/${endpoint}`);
    if (u.endpoint !== endpoint || endpointOf(fromB64url(u.sign_pub, 'sign_pub')) !== endpoint) {
      throw new Error('the server returned a user record for another key');
    }
    return u;
  }

  revoke(endpoint) {
    return this.c.call('POST', `/v1/users/${checkId(endpoint, 'endpoint')}/revoke`);
  }

  unlock(endpoint) {
    return this.c.call('POST', `/v1/users/${checkId(endpoint, 'endpoint')}/unlock`);
  }
}

/** The caller's room keys: fetched sealed, unsealed here, kept per room and epoch until close. */
class RoomKeys {
  #cache = new Map();

  constructor(c) {
    this.c = c;
  }

  /** The caller's key of `room` at `epoch` (current when omitted), unsealed locally. */
  async unseal(room, epoch) {
    const q = epoch === undefined ? '' : `?epoch=${epoch}`;
    const k = await this.c.call('GET', `/v1/rooms/${room}/key${q}`);
    if (epoch !== undefined && k.epoch !== epoch) throw new Error('the server answered with another epoch\'s key');
    const key = await unsealRoomKey(this.c.identity.unsafeKexPrivate(), room, k.epoch,
      fromB64url(k.sealed_key, 'sealed_key'));
    return { epoch: k.epoch, key };
  }

  /** The key of `room` at `epoch`, unsealed once. */
  epochKey(room, epoch) {
    const id = `${room}/${epoch}`;
    let p = this.#cache.get(id);
    if (!p) {
      p = this.unseal(room, epoch).then((k) => k.key);
      p.catch(() => this.#cache.delete(id));
      this.#cache.set(id, p);
    }
    return p;
  }

  clear() {
    for (const p of this.#cache.values()) p.then((k) => k.fill(0), () => {});
    this.#cache.clear();
  }
}

class Rooms {
  constructor(c) {
    this.c = c;
  }

  /**
   * Creates a room. Encrypted (the default): its id is chosen here and its epoch-1 key made and
   * sealed here to the caller, so the server never sees the key. `{policy: 'cleartext'}` makes a
   * cleartext room (refused off loopback unless the node allows them).
   */
  async create(name, { policy = 'encrypted' } = {}) {
    const owner = this.c.identity.endpoint;
    if (policy === 'cleartext') return this.c.call('POST', '/v1/rooms', { name, policy, owner });
    if (policy !== 'encrypted') throw new TypeError('policy is encrypted or cleartext');
    const roomId = hex(randomBytes(16));
    const key = generateRoomKey();
    try {
      const sealed = await sealRoomKey(this.c.identity.kexPub, roomId, 1, key);
      return await this.c.call('POST', '/v1/rooms', {
        room_id: roomId, name, policy, owner, sealed_key: b64url(sealed),
      });
    } finally {
      key.fill(0);
    }
  }

  /** The caller's rooms with its role in each. */
  async list() {
    return (await this.c.call('GET', '/v1/me/rooms')).rooms;
  }

  get(room) {
    return this.c.call('GET', `/v1/rooms/${checkId(room, 'room')}`);
  }

  async members(room) {
    return (await this.c.call('GET', `/v1/rooms/${checkId(room, 'room')}/members`)).members;
  }

  /** Invites `endpoint` as `role`: the current epoch key, unsealed here, sealed to the invitee's key. */
  async invite(room, endpoint, role = 'member') {
    const r = await this.get(room);
    let sealed = null;
    if (r.policy === 'encrypted') {
      const invitee = await this.c.users.get(endpoint);
      const key = await this.c.keys.epochKey(room, r.epoch);
      sealed = b64url(await sealRoomKey(fromB64url(invitee.kex_pub, 'kex_pub'), room, r.epoch, key));
    }
    const body = { endpoint, role };
    if (sealed) body.sealed_key = sealed;
    return this.c.call('POST', `/v1/rooms/${room}/members`, body);
  }

  /**
   * Moves the room to a new epoch without the members in `remove`: a fresh key, sealed here to
   * every member who remains. Returns the new epoch.
   */
  async rekey(room, remove = []) {
    const r = await this.get(room);
    const next = r.epoch + 1;
    const sealed = {};
    if (r.policy === 'encrypted') {
      const key = generateRoomKey();
      try {
        for (const m of await this.members(room)) {
          if (remove.includes(m.endpoint)) continue;
          if (endpointOf(fromB64url(m.sign_pub, 'sign_pub')) !== m.endpoint) {
            throw new Error('the server listed a member under another key');
          }
          sealed[m.endpoint] = b64url(await sealRoomKey(fromB64url(m.kex_pub, 'kex_pub'), room, next, key));
        }
      } finally {
        key.fill(0);
      }
    }
    const out = await this.c.call('POST', `/v1/rooms/${room}/rekey`, {
      from_epoch: r.epoch, remove: [...remove].sort(), sealed_keys: sealed,
    });
    return out.epoch;
  }

  /** The caller leaves; an owner or admin must then rekey the room. */
  async leave(room) {
    await this.c.call('DELETE', `/v1/rooms/${checkId(room, 'room')}/members/${this.c.identity.endpoint}`);
  }

  /** The caller's key of `room` at `epoch` (current when omitted): `{epoch, key}`. */
  key(room, epoch) {
    return this.c.keys.unseal(checkId(room, 'room'), epoch);
  }
}

