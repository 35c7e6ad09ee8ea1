// Interop with the Java SDK, driven through the `keyroom` CLI: in an encrypted room, a message, a
// secret and a blob written by Java are read here, and the same written here are read by Java. The
// Java side uses an identity file this SDK created, so the file format is exercised too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeyroomClient, BlobRef, createIdentity } from '../src/index.js';
import { asUser, cli, startNode, tempDir } from './helpers/keyroom.js';

let node;
let ts;
let javaIdentityFile;
let javaEndpoint;
let room;
const work = tempDir();

function pattern(size, seed) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 9)) & 0xff;
  return b;
}

before(async () => {
  node = await startNode();
  ts = await KeyroomClient.connect({ server: node.url, pin: node.pin, identityFile: node.adminIdentityFile });
  javaIdentityFile = path.join(work, 'java.identity');
  const javaId = await createIdentity(javaIdentityFile);
  javaEndpoint = javaId.endpoint;
  await ts.users.add({ signPub: javaId.signPub, kexPub: javaId.kexPub, name: 'java-peer', role: 'member' });
  room = (await ts.rooms.create('interop')).room_id;
  await ts.rooms.invite(room, javaEndpoint, 'member');
});

after(async () => {
  ts?.close();
  await node?.stop();
  await rm(work, { recursive: true, force: true });
  await rm(node.data, { recursive: true, force: true });
});

test('java_writesMessageSecretAndBlob_typescriptReadsThem', async () => {
  const java = asUser(node, javaIdentityFile);
  const blobFile = path.join(work, 'from-java.bin');
  const blob = pattern(1_500_000, 17);
  await writeFile(blobFile, blob);
  const [sent, , put] = await Promise.all([
    cli(['send', room, 'hello from java', ...java, '--json']),
    cli(['secret', 'put', room, 'java/token', '--if-version', '0', ...java], { input: 'j4va-s3cret' }),
    cli(['blob', 'put', room, blobFile, ...java, '--json']),
  ]);
  const textSeq = JSON.parse(sent).seq;
  const blobSeq = JSON.parse(put).message_seq;

  const history = await ts.messages.history(room);
  const bySeq = new Map(history.map((d) => [d.seq, d]));
  const text = bySeq.get(textSeq);
  assert.equal(text.accepted, true, text.reason);
  assert.equal(text.text(), 'hello from java');
  assert.equal(text.sender, javaEndpoint);
  assert.equal((await ts.secrets.get(room, 'java/token')).text(), 'j4va-s3cret');
  const ref = BlobRef.fromMessage(bySeq.get(blobSeq).body);
  assert.equal(ref.sha256, JSON.parse(put).sha256);
  assert.deepEqual(await ts.blobs.getBytes(room, ref), blob);
});

test('typescript_writesMessageSecretAndBlob_javaReadsThem', async () => {
  const java = asUser(node, javaIdentityFile);
  const textSeq = await ts.messages.send(room, 'hello from typescript');
  await ts.secrets.put(room, 'ts/token', 't5-s3cret');
  const blob = pattern(1_200_000, 29);
  const ref = await ts.blobs.put(room, blob);
  const blobSeq = await ts.messages.send(room, ref.toMessage());
  const out = path.join(work, 'from-ts.bin');

  const [history, secret] = await Promise.all([
    cli(['history', room, '--after', String(textSeq - 1), '--limit', '1', ...java, '--json']),
    cli(['secret', 'get', room, 'ts/token', ...java, '--json']),
    cli(['blob', 'get', room, String(blobSeq), '--out', out, ...java]),
  ]);
  const [m] = JSON.parse(history).messages;
  assert.equal(m.seq, textSeq);
  assert.equal(m.rejected, undefined, m.rejected);
  assert.equal(m.sender, ts.identity.endpoint);
  assert.equal(Buffer.from(m.body, 'base64url').toString('utf8'), 'hello from typescript');
  assert.equal(JSON.parse(secret).value, 't5-s3cret');
  assert.deepEqual(new Uint8Array(await readFile(out)), blob);
});
