// The SDK against a real node started here (TLS with its printed pin, SQLite, loopback): users,
// rooms, invites and rekeys, messages over REST and the data plane, secrets, blobs, the pinned
// trust, and the replay fence after a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyroomClient, Identity, KeyroomApiError, BlobRef, createIdentity } from '../src/index.js';
import { startNode, startProcess, tempDir } from './helpers/keyroom.js';

let node;
let admin;
const work = tempDir();

before(async () => {
  node = await startNode();
  admin = await KeyroomClient.connect({ server: node.url, pin: node.pin, identityFile: node.adminIdentityFile });
});

after(async () => {
  admin?.close();
  await node?.stop();
  await rm(work, { recursive: true, force: true });
  await rm(node.data, { recursive: true, force: true });
});

async function newUser(name, role) {
  const id = Identity.generate();
  await admin.users.add({ signPub: id.signPub, kexPub: id.kexPub, name, role });
  return new KeyroomClient(node.url, id, { pin: node.pin });
}

const waitFor = async (what, check, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
};

test('connect_wrongPin_isRefusedBeforeAnyRequest', async () => {
  const wrong = `sha256/${Buffer.alloc(32, 7).toString('base64')}`;
  const c = await KeyroomClient.connect({ server: node.url, pin: wrong, identityFile: node.adminIdentityFile });
  await assert.rejects(c.users.me(), /does not match the pinned key/);
  c.close();
});

test('connect_trustingTheNodesCertificateAsCa_isServed', async () => {
  const caFile = path.join(node.data, 'tls', 'cert.pem');
  const c = await KeyroomClient.connect({ server: node.url, caFile, identityFile: node.adminIdentityFile });
  assert.equal((await c.users.me()).endpoint, c.identity.endpoint);
  c.close();
});

test('connect_plainHttpBeyondLoopback_isRefused', async () => {
  await assert.rejects(KeyroomClient.connect({ server: 'http://keyroom.example:8080',
    identityFile: node.adminIdentityFile }), /refused beyond loopback/);
});

test('users_meAddListRevoke_revokedIdentityIsRefusedOnItsNextRequest', async () => {
  const me = await admin.users.me();
  assert.equal(me.endpoint, admin.identity.endpoint);
  assert.equal(me.role, 'admin');
  const file = path.join(work, 'scout.identity');
  await createIdentity(file);
  const scout = await KeyroomClient.connect({ server: node.url, pin: node.pin, identityFile: file });
  await admin.users.add({ ...scout.identity.publicKeys(), signPub: scout.identity.signPub,
    kexPub: scout.identity.kexPub, name: 'scout', role: 'agent' });
  assert.equal((await scout.users.me()).name, 'scout');
  assert.ok((await admin.users.list()).some((u) => u.endpoint === scout.identity.endpoint));
  assert.equal((await admin.users.get(scout.identity.endpoint)).role, 'agent');
  assert.equal((await admin.users.revoke(scout.identity.endpoint)).status, 'revoked');
  await assert.rejects(scout.users.me(), (e) => e instanceof KeyroomApiError && e.status === 401);
  scout.close();
});

test('rooms_createInviteRekey_removedMemberLosesTheRoomAndTheNewKey', async () => {
  const room = await admin.rooms.create('ops');
  assert.equal(room.policy, 'encrypted');
  assert.equal(room.epoch, 1);
  assert.ok((await admin.rooms.list()).some((r) => r.room_id === room.room_id && r.role === 'owner'));
  const member = await newUser('member-one', 'member');
  await admin.rooms.invite(room.room_id, member.identity.endpoint, 'member');
  const members = await member.rooms.members(room.room_id);
  assert.deepEqual(members.map((m) => m.endpoint).sort(), [admin.identity.endpoint, member.identity.endpoint].sort());
  const mine = await member.rooms.key(room.room_id);
  const owners = await admin.rooms.key(room.room_id);
  assert.deepEqual(mine.key, owners.key, 'both unseal the same epoch-1 key');
  await member.messages.send(room.room_id, 'before the rekey');

  assert.equal(await admin.rooms.rekey(room.room_id, [member.identity.endpoint]), 2);
  await assert.rejects(member.rooms.get(room.room_id), (e) => e.status === 404);
  await assert.rejects(member.rooms.key(room.room_id, 2), (e) => e.status === 404);
  const seq = await admin.messages.send(room.room_id, 'after the rekey');
  const history = await admin.messages.history(room.room_id);
  assert.deepEqual(history.map((d) => [d.seq, d.accepted && d.text()]), [[1, 'before the rekey'], [seq, 'after the rekey']]);
  assert.deepEqual(history.map((d) => d.epoch), [1, 2]);
  member.close();
});

test('history_readTwiceByOneClient_reportsRepeatedMessageIdsAsRejected', async () => {
  const room = await admin.rooms.create('replays');
  await admin.messages.send(room.room_id, 'once');
  const reader = new KeyroomClient(node.url, admin.identity, { pin: node.pin });
  assert.equal((await reader.messages.history(room.room_id))[0].accepted, true);
  const again = await reader.messages.history(room.room_id);
  assert.deepEqual(again.map((d) => d.reason), ['replayed message id']);
  reader.close();
});

test('bus_subscribeAndPublish_deliversLiveCatchesUpAfterADropAndEvictsOnRemoval', async () => {
  const room = await admin.rooms.create('live');
  const agent = await newUser('live-agent', 'agent');
  await admin.rooms.invite(room.room_id, agent.identity.endpoint, 'member');
  await admin.messages.send(room.room_id, 'stored first');
  const bus = await agent.bus();
  const got = [];
  let evicted = null;
  bus.subscribe(room.room_id, { after: 0 }, {
    onDelivery: (d) => got.push(d.accepted ? d.text() : `rejected: ${d.reason}`),
    onEvicted: (reason) => { evicted = reason; },
  });
  await waitFor('the stored message', () => got.length === 1);
  const seq = await bus.publish(room.room_id, 'published on the bus');
  assert.equal(seq, 2);
  await admin.messages.send(room.room_id, 'sent over REST');
  await waitFor('two live messages', () => got.length === 3);

  bus.dropConnectionForTest();
  await admin.messages.send(room.room_id, 'sent while disconnected');
  assert.equal(await bus.publish(room.room_id, 'published after the drop'), 5, 'sent once reconnected');
  await waitFor('the messages of the drop', () => got.length === 5);
  assert.deepEqual(got, ['stored first', 'published on the bus', 'sent over REST', 'sent while disconnected',
    'published after the drop']);

  await admin.rooms.rekey(room.room_id, [agent.identity.endpoint]);
  await waitFor('the eviction', () => evicted !== null);
  await bus.close();
  agent.close();
});

test('secrets_putGetListDelete_versionedAndBoundToTheirName', async () => {
  const room = await admin.rooms.create('vault');
  assert.equal(await admin.secrets.put(room.room_id, 'db/password', 'pa55word'), 1);
  assert.equal(await admin.secrets.put(room.room_id, 'db/password', 'n3w', { ifVersion: 1 }), 2);
  await assert.rejects(admin.secrets.put(room.room_id, 'db/password', 'stale', { ifVersion: 1 }),
    (e) => e.status === 409);
  assert.equal((await admin.secrets.get(room.room_id, 'db/password')).text(), 'n3w');
  assert.equal((await admin.secrets.get(room.room_id, 'db/password', { version: 1 })).text(), 'pa55word');
  assert.deepEqual((await admin.secrets.list(room.room_id)).map((s) => [s.name, s.version]), [['db/password', 2]]);
  await admin.secrets.delete(room.room_id, 'db/password');
  await assert.rejects(admin.secrets.get(room.room_id, 'db/password'), (e) => e.status === 404);
  await assert.rejects(admin.secrets.get(room.room_id, 'a/../b'), /secret name/);
});

test('blobs_putAndGet_encryptedAcrossSegmentsAndCleartextWithoutKey', async () => {
  const room = await admin.rooms.create('files');
  const original = new Uint8Array(2_600_000);
  for (let i = 0; i < original.length; i++) original[i] = (i * 31 + (i >> 11)) & 0xff;
  const file = path.join(work, 'big.bin');
  await writeFile(file, original);
  const ref = await admin.blobs.put(room.room_id, file);
  assert.equal(ref.size, original.length + 40 + 3 * 16, 'header and three segment tags');
  const seq = await admin.messages.send(room.room_id, ref.toMessage());
  const [carried] = await admin.messages.history(room.room_id, { after: seq - 1 });
  const out = path.join(work, 'big.out');
  await admin.blobs.get(room.room_id, BlobRef.fromMessage(carried.body), out);
  assert.deepEqual(new Uint8Array(await readFile(out)), original);
  await assert.rejects(admin.blobs.get(room.room_id, ref, out), /EEXIST|exists/);
  assert.equal((await stat(out)).size, original.length, 'an existing file is left as it was');

  const plain = await admin.rooms.create('plain', { policy: 'cleartext' });
  const cref = await admin.blobs.put(plain.room_id, new TextEncoder().encode('not secret'));
  assert.equal(cref.key, null);
  assert.equal(new TextDecoder().decode(await admin.blobs.getBytes(plain.room_id, cref)), 'not secret');
  const wrongKey = new BlobRef(ref.sha256, ref.size, new Uint8Array(32));
  await assert.rejects(admin.blobs.getBytes(room.room_id, wrongKey), /does not decrypt/);
});

test('fence_afterACrash_theClientSignsAgainAtTheFenceAndIsServed', async () => {
  const port = new URL(node.url).port;
  await node.stop('SIGKILL');
  node = { ...node, ...(await startProcess(['server', '--data', node.data, '--listen', `127.0.0.1:${port}`])) };
  const fresh = await KeyroomClient.connect({ server: node.url, pin: node.pin, identityFile: node.adminIdentityFile });
  const me = await fresh.users.me();
  assert.equal(me.endpoint, fresh.identity.endpoint);
  assert.ok(fresh.transport.created() > Math.floor(Date.now() / 1000),
    'the client followed the node\'s fence, which lies ahead of its clock');
  admin.close();
  admin = fresh;
});
