// The client-side formats beyond the vectors: blob streaming at every segment boundary and under
// tampering, envelopes and secret values refusing what was not made for them, sealed keys bound to
// their room and epoch, frames refusing garbage, and the published types naming every export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from '@noble/hashes/utils.js';
import * as sdk from '../src/index.js';
import { blobAad } from '../src/blobs.js';

const { decryptBytes, encryptBytes, Identity, sealEnvelope, openEnvelope, parseEnvelope, encodeEnvelope } = sdk;
const ROOM = '4c1b838f6f7dc2993e938d6c034da536';
const OTHER = '00000000000000000000000000000001';

test('streaming_everySizeAroundSegmentBoundaries_roundTrips', async () => {
  const key = randomBytes(32);
  const seg = 100; // first segment holds 100 - 40 - 16 = 44 bytes, later ones 84
  for (const n of [0, 1, 43, 44, 45, 127, 128, 129, 212, 500]) {
    const pt = randomBytes(n);
    const ct = await encryptBytes(key, blobAad(ROOM), pt, seg);
    assert.deepEqual(await decryptBytes(key, blobAad(ROOM), ct, seg), pt, `size ${n}`);
  }
});

test('streaming_tamperedTruncatedOrOtherRoom_isRefused', async () => {
  const key = randomBytes(32);
  const ct = await encryptBytes(key, blobAad(ROOM), randomBytes(300), 100);
  const flipped = ct.slice();
  flipped[150] ^= 1;
  await assert.rejects(decryptBytes(key, blobAad(ROOM), flipped, 100));
  await assert.rejects(decryptBytes(key, blobAad(ROOM), ct.subarray(0, 200), 100));
  await assert.rejects(decryptBytes(key, blobAad(ROOM), ct.subarray(0, 30), 100), /truncated/);
  await assert.rejects(decryptBytes(key, blobAad(OTHER), ct, 100));
  await assert.rejects(decryptBytes(randomBytes(32), blobAad(ROOM), ct, 100));
});

test('envelope_forAnotherKeyOrChanged_isRefused', () => {
  const alice = Identity.generate();
  const key = randomBytes(32);
  const e = sealEnvelope(alice, ROOM, 3, key, new TextEncoder().encode('hi'));
  const bytes = encodeEnvelope(e);
  assert.equal(new TextDecoder().decode(openEnvelope(parseEnvelope(bytes), alice.signPub, key)), 'hi');
  assert.throws(() => openEnvelope(parseEnvelope(bytes), Identity.generate().signPub, key), /signature/);
  assert.throws(() => openEnvelope(parseEnvelope(bytes), alice.signPub, randomBytes(32)), /decrypt/);
  const changed = bytes.slice();
  changed[90] ^= 1;
  assert.throws(() => openEnvelope(parseEnvelope(changed), alice.signPub, key), /signature/);
  assert.throws(() => parseEnvelope(bytes.subarray(0, bytes.length - 1)), /length/);
  assert.throws(() => parseEnvelope(new Uint8Array([...bytes, 0])), /length/);
  assert.throws(() => sealEnvelope(alice, ROOM, 3, key, new Uint8Array(256 * 1024)), /payload/);
});

test('secret_openedUnderAnotherRoomNameOrVersion_isRefused', () => {
  const key = randomBytes(32);
  const sealed = sdk.sealSecret(ROOM, 'db/password', 2, 5, key, new TextEncoder().encode('s'));
  assert.equal(sdk.secretEpoch(sealed), 5);
  assert.equal(new TextDecoder().decode(sdk.openSecret(ROOM, 'db/password', 2, key, sealed)), 's');
  assert.throws(() => sdk.openSecret(OTHER, 'db/password', 2, key, sealed), /does not decrypt/);
  assert.throws(() => sdk.openSecret(ROOM, 'db/user', 2, key, sealed), /does not decrypt/);
  assert.throws(() => sdk.openSecret(ROOM, 'db/password', 3, key, sealed), /does not decrypt/);
  assert.throws(() => sdk.secretEpoch(new Uint8Array(40)), /not an encrypted secret/);
});

test('roomKey_unsealedForAnotherRoomEpochOrRecipient_isRefused', async () => {
  const bob = Identity.generate();
  const key = sdk.generateRoomKey();
  const sealed = await sdk.sealRoomKey(bob.kexPub, ROOM, 7, key);
  assert.deepEqual(await sdk.unsealRoomKey(bob.unsafeKexPrivate(), ROOM, 7, sealed), key);
  await assert.rejects(sdk.unsealRoomKey(bob.unsafeKexPrivate(), ROOM, 8, sealed), /does not open/);
  await assert.rejects(sdk.unsealRoomKey(bob.unsafeKexPrivate(), OTHER, 7, sealed), /does not open/);
  await assert.rejects(sdk.unsealRoomKey(Identity.generate().unsafeKexPrivate(), ROOM, 7, sealed), /does not open/);
});

test('frames_garbage_isRefused', () => {
  for (const bad of [[], [1], [2, 3], [1, 3, 0], [1, 11], [1, 7, 0, 0, 0, 1], [1, 9, 0, 0, 0, 0, 0xff, 0xff]]) {
    assert.throws(() => sdk.decodeFrame(new Uint8Array(bad)), `frame ${bad}`);
  }
});

test('signing_postWithoutBody_coversAnEmptyDigestAndGetCoversNone', () => {
  const id = Identity.generate();
  const post = sdk.signRequest(id, { method: 'POST', url: 'https://h:1/v1/x' });
  assert.equal(post['content-digest'], 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
  assert.match(post['signature-input'], /^sig1=\("@method" "@authority" "@path" "@query" "content-digest"\);created=\d+;nonce="[A-Za-z0-9_-]{32}";keyid="[0-9a-f]{32}";alg="ed25519"$/);
  const get = sdk.signRequest(id, { method: 'GET', url: 'https://h:443/v1/x?a=1' });
  assert.equal(get['content-digest'], undefined);
  assert.notEqual(post.signature, sdk.signRequest(id, { method: 'POST', url: 'https://h:1/v1/x' }).signature,
    'a fresh nonce each time');
});

test('types_declareEveryExportAndNothingMore', () => {
  const dts = readFileSync(new URL('../src/index.d.ts', import.meta.url), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:class|function|const) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(sdk).sort());
});
