// Every vector of docs/vectors, checked against this SDK. The directory is KEYROOM_VECTORS, else
// the repository's docs/vectors; a missing directory, a file this test does not know, or a vector
// left unchecked fails the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { b64url, fromB64url, fromHex, hex, utf8 } from '../src/bytes.js';
import { Identity, parseIdentity } from '../src/identity.js';
import { contentDigest, signRequest, signatureBase } from '../src/signing.js';
import { encodeEnvelope, openEnvelope, parseEnvelope, sealEnvelope, signatureValid } from '../src/envelope.js';
import { MESSAGE_KEY_INFO, SECRET_KEY_INFO, openSecret, purposeKey, sealSecret } from '../src/roomcrypto.js';
import { roomKeyInfo, sealRoomKey, unsealRoomKey } from '../src/roomkeys.js';
import { decryptBytes, encryptBytes } from '../src/streaming.js';
import { BlobRef, blobAad } from '../src/blobs.js';
import { authMessage, decode, encode } from '../src/frames.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.KEYROOM_VECTORS ?? path.resolve(here, '../../../docs/vectors');
const h = (s) => fromHex(s);

function load(name) {
  return JSON.parse(readFileSync(path.join(dir, name), 'utf8')).vectors;
}

/** Runs `check` on every vector of `file` as a subtest; the count checked must be the count held. */
function eachVector(file, check) {
  test(file, async (t) => {
    const vectors = load(file);
    assert.ok(vectors.length > 0, `${file} holds no vector`);
    let checked = 0;
    for (const v of vectors) {
      await t.test(`${v.name} (${v.expect ?? 'ok'})`, async () => {
        await check(v);
        checked += 1;
      });
    }
    assert.equal(checked, vectors.length);
  });
}

const CHECKED = new Set();
function vectors(file, check) {
  CHECKED.add(file);
  eachVector(file, check);
}

test('the vectors directory exists and every file in it is checked here', () => {
  assert.ok(existsSync(dir), `no vectors at ${dir} (set KEYROOM_VECTORS)`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, [...CHECKED].sort(), 'a vector file this SDK does not check, or one missing');
});

vectors('identity.json', (v) => {
  if (v.expect === 'fail') {
    assert.throws(() => parseIdentity(v.identity_file));
    return;
  }
  const id = new Identity(h(v.sign_seed_hex), h(v.kex_private_hex));
  assert.equal(hex(id.signPub), v.sign_pub_hex);
  assert.equal(hex(id.kexPub), v.kex_pub_hex);
  assert.equal(id.endpoint, v.endpoint);
  assert.equal(parseIdentity(v.identity_file).endpoint, v.endpoint);
  assert.equal(id.unsafeToJson(), v.identity_file, 'the file this SDK writes is the one Java writes');
});

vectors('content-digest.json', (v) => {
  assert.equal(hex(sha256(h(v.body_hex))), v.sha256_hex);
  assert.equal(contentDigest(h(v.body_hex)), v.content_digest);
  const m = /^sha-256=:([A-Za-z0-9+/=]+):$/.exec(v.content_digest);
  assert.equal(Buffer.from(m[1], 'base64').toString('hex'), v.sha256_hex);
});

/** Components and parameters of `sig1=(...);k=v...` as this SDK writes it. */
function parseInput(value) {
  const m = /^sig1=\(([^)]*)\)(.*)$/.exec(value);
  const components = m[1].split(' ').map((c) => JSON.parse(c));
  const params = {};
  for (const [, k, raw] of m[2].matchAll(/;([a-z]+)=("(?:[^"\\]|\\.)*"|-?\d+)/g)) {
    params[k] = raw.startsWith('"') ? JSON.parse(raw) : Number(raw);
  }
  return { components, params };
}

vectors('request-signatures.json', (v) => {
  const id = new Identity(h(v.sign_seed_hex), new Uint8Array(32).fill(1));
  assert.equal(hex(id.signPub), v.sign_pub_hex);
  const { components, params } = parseInput(v.signature_input);
  const headers = v.content_digest ? { 'content-digest': v.content_digest } : {};
  const base = signatureBase(components, params, { method: v.method, url: v.url, headers });
  const verifies = ed25519.verify(h(v.signature_hex), base, id.signPub, { zip215: false });
  if (v.expect === 'fail') {
    assert.equal(verifies, false, 'a signature for another request must not verify here');
    return;
  }
  assert.ok(verifies);
  assert.equal(Buffer.from(base).toString('latin1'), v.signature_base);
  const body = h(v.body_hex);
  const signed = signRequest(id, { method: v.method, url: v.url, body: body.length ? body : undefined },
    { created: v.created, nonce: v.nonce });
  assert.equal(signed['signature-input'], v.signature_input);
  assert.equal(signed.signature, v.signature);
  assert.equal(signed['content-digest'], v.content_digest);
  assert.equal(Buffer.from(v.signature.slice(6, -1), 'base64').toString('hex'), v.signature_hex);
});

vectors('envelopes.json', (v) => {
  const id = new Identity(h(v.sign_seed_hex), new Uint8Array(32).fill(1));
  assert.equal(id.endpoint, v.endpoint);
  const bytes = h(v.envelope_hex);
  assert.equal(b64url(bytes), v.envelope_b64url);
  const e = parseEnvelope(bytes);
  const roomKey = v.room_key_hex ? h(v.room_key_hex) : null;
  if (roomKey) assert.equal(hex(purposeKey(roomKey, MESSAGE_KEY_INFO)), v.message_key_hex);
  if (v.expect === 'fail') {
    if (v.failure === 'signature') {
      assert.equal(signatureValid(e, h(v.sign_pub_hex)), false);
      assert.throws(() => openEnvelope(e, h(v.sign_pub_hex), roomKey), /signature/);
    } else {
      assert.equal(v.failure, 'decrypt');
      assert.ok(signatureValid(e, h(v.sign_pub_hex)));
      assert.throws(() => openEnvelope(e, h(v.sign_pub_hex), roomKey), /decrypt/);
    }
    return;
  }
  assert.equal(e.room, v.room_id);
  assert.equal(e.epoch, v.epoch);
  assert.equal(e.sender, v.endpoint);
  assert.equal(e.encrypted, v.encrypted);
  assert.equal(hex(e.messageId), v.message_id_hex);
  assert.equal(e.sentAtMillis, v.sent_at_ms);
  assert.equal(hex(e.nonce), v.nonce_hex);
  assert.equal(hex(bytes.subarray(0, 81)), v.header_hex);
  assert.equal(hex(e.payload), v.payload_hex);
  assert.equal(hex(e.signature), v.signature_hex);
  assert.equal(hex(openEnvelope(e, h(v.sign_pub_hex), v.encrypted ? roomKey : null)), v.plaintext_hex);
  const sealed = sealEnvelope(id, v.room_id, v.epoch, v.encrypted ? roomKey : null, h(v.plaintext_hex),
    { messageId: h(v.message_id_hex), nonce: h(v.nonce_hex), sentAtMillis: v.sent_at_ms });
  assert.equal(hex(encodeEnvelope(sealed)), v.envelope_hex);
});

vectors('sealed-room-keys.json', async (v) => {
  assert.equal(hex(roomKeyInfo(v.room_id, v.epoch)), v.info_hex);
  const sealed = fromB64url(v.sealed_key_b64url);
  assert.equal(hex(sealed), v.enc_hex + v.ciphertext_hex);
  const unseal = () => unsealRoomKey(h(v.kex_private_hex), v.room_id, v.epoch, sealed);
  if (v.expect === 'fail') {
    await assert.rejects(unseal);
    return;
  }
  assert.equal(hex(await unseal()), v.room_key_hex);
  const again = await sealRoomKey(h(v.kex_pub_hex), v.room_id, v.epoch, h(v.room_key_hex));
  assert.equal(hex(await unsealRoomKey(h(v.kex_private_hex), v.room_id, v.epoch, again)), v.room_key_hex);
});

vectors('secret-values.json', (v) => {
  const roomKey = h(v.room_key_hex);
  assert.equal(hex(purposeKey(roomKey, SECRET_KEY_INFO)), v.secret_key_hex);
  const value = fromB64url(v.value_b64url);
  const open = () => openSecret(v.room_id, v.secret_name, v.version, roomKey, value);
  if (v.expect === 'fail') {
    assert.throws(open, /does not decrypt/);
    return;
  }
  const aad = Buffer.concat([utf8(`keyroom/v1/secret\0${v.room_id}\0${v.secret_name}\0${v.version}\0`),
    value.subarray(0, 12)]);
  assert.equal(aad.toString('hex'), v.associated_data_hex);
  assert.equal(hex(open()), v.plaintext_hex);
  const sealed = sealSecret(v.room_id, v.secret_name, v.version, v.epoch, roomKey, h(v.plaintext_hex),
    h(v.nonce_hex));
  assert.equal(b64url(sealed), v.value_b64url);
});

vectors('blobs.json', async (v) => {
  const key = h(v.key_hex);
  const aad = blobAad(v.room_id);
  const ct = h(v.ciphertext_hex);
  const decrypt = () => decryptBytes(key, h(v.associated_data_hex), ct, v.segment_size);
  if (v.expect === 'fail') {
    await assert.rejects(decrypt);
    return;
  }
  assert.equal(hex(aad), v.associated_data_hex);
  assert.equal(hex(sha256(ct)), v.sha256_hex);
  assert.equal(ct.length, v.size);
  assert.equal(ct[0], 40);
  assert.equal(hex(ct.subarray(1, 33)), v.salt_hex);
  assert.equal(hex(ct.subarray(33, 40)), v.nonce_prefix_hex);
  assert.equal(hex(hkdf(sha256, key, h(v.salt_hex), aad, 32)), v.derived_key_hex);
  let at = 40;
  v.segments.forEach((s, i) => {
    assert.equal(s.offset, at);
    assert.equal(s.last, i === v.segments.length - 1);
    assert.equal(s.nonce_hex, `${v.nonce_prefix_hex}${i.toString(16).padStart(8, '0')}${s.last ? '01' : '00'}`);
    at += s.length;
  });
  assert.equal(at, ct.length);
  assert.equal(hex(await decrypt()), v.plaintext_hex);
  const again = await encryptBytes(key, aad, h(v.plaintext_hex), v.segment_size,
    { salt: h(v.salt_hex), noncePrefix: h(v.nonce_prefix_hex) });
  assert.equal(hex(again), v.ciphertext_hex);
  if (v.blob_ref) {
    const ref = BlobRef.fromMessage(v.blob_ref);
    assert.equal(ref.sha256, v.sha256_hex);
    assert.equal(ref.size, v.size);
    assert.equal(hex(ref.key), v.key_hex);
    assert.equal(Buffer.from(ref.toMessage()).toString('ascii'), v.blob_ref);
  }
});

function encodeFields(type, f) {
  switch (type) {
    case 1: return encode.challenge(h(f.challenge_hex));
    case 2: return encode.auth(f.endpoint, h(f.signature_hex));
    case 3: return encode.authOk();
    case 4: return encode.subscribe(f.room_id, f.after_seq);
    case 5: return encode.unsubscribe(f.room_id);
    case 6: return encode.publish(f.request_id, h(f.envelope_hex));
    case 7: return encode.ack(f.request_id, f.seq);
    case 8: return encode.deliver(f.room_id, f.seq, h(f.envelope_hex));
    case 9: return encode.error(f.request_id, f.code, f.message);
    case 10: return encode.evict(f.room_id, f.reason);
    default: throw new Error(`no frame type ${type}`);
  }
}

/** A decoded frame in the vectors' field names. */
function asFields(d) {
  const out = {};
  const names = { nonce: 'challenge_hex', signature: 'signature_hex', envelope: 'envelope_hex',
    room: 'room_id', afterSeq: 'after_seq', requestId: 'request_id' };
  for (const [k, val] of Object.entries(d)) {
    if (k === 'type') continue;
    out[names[k] ?? k] = val instanceof Uint8Array ? hex(val) : val;
  }
  return out;
}

vectors('bus-frames.json', (v) => {
  const bytes = h(v.frame_hex);
  if (v.expect === 'fail') {
    assert.throws(() => decode(bytes));
    return;
  }
  assert.deepEqual(asFields(decode(bytes)), v.fields);
  assert.equal(hex(encodeFields(v.type, v.fields)), v.frame_hex);
  if (v.auth_message_hex) {
    const msg = authMessage(h(v.challenge_hex), v.authority);
    assert.equal(hex(msg), v.auth_message_hex);
    const id = new Identity(h(v.sign_seed_hex), new Uint8Array(32).fill(1));
    assert.equal(hex(id.signPub), v.sign_pub_hex);
    assert.equal(hex(id.sign(msg)), v.fields.signature_hex);
    assert.ok(ed25519.verify(h(v.fields.signature_hex), msg, id.signPub));
  }
});
