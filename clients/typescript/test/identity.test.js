// Identity files: made with mode 0600 and never replacing a file, refused when group or others can
// read them, when their keys do not match, or when they hold what an identity file does not.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Identity, createIdentity, loadIdentity, parseIdentity, saveIdentity } from '../src/index.js';
import { tempDir } from './helpers/keyroom.js';

const dir = tempDir('keyroom-id-');
after(() => rm(dir, { recursive: true, force: true }));

test('create_newFile_isMode0600AndLoadsAsTheSameIdentity', async () => {
  const file = path.join(dir, 'a.identity');
  const id = await createIdentity(file);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal(await readFile(file, 'utf8'), id.unsafeToJson(), 'one line, no final newline, as Java writes it');
  const back = await loadIdentity(file);
  assert.equal(back.endpoint, id.endpoint);
  assert.deepEqual(back.kexPub, id.kexPub);
  assert.deepEqual(back.sign(new Uint8Array([1])), id.sign(new Uint8Array([1])));
});

test('save_existingFile_isRefusedAndLeftAsItWas', async () => {
  const file = path.join(dir, 'b.identity');
  await createIdentity(file);
  const before = await readFile(file, 'utf8');
  await assert.rejects(saveIdentity(file, Identity.generate()), /never replaced/);
  assert.equal(await readFile(file, 'utf8'), before);
});

test('load_groupOrOtherReadable_isRefusedSayingHowToFixIt', async () => {
  const file = path.join(dir, 'c.identity');
  await createIdentity(file);
  await chmod(file, 0o640);
  await assert.rejects(loadIdentity(file), /chmod 600/);
  await chmod(file, 0o604);
  await assert.rejects(loadIdentity(file), /group or others/);
  await chmod(file, 0o600);
  await loadIdentity(file);
});

test('parse_mismatchedKeysUnknownFieldsOrOtherKinds_areRefused', () => {
  const a = JSON.parse(Identity.generate().unsafeToJson());
  const b = JSON.parse(Identity.generate().unsafeToJson());
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, sign_pub: b.sign_pub })), /public key/);
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, kex_pub: b.kex_pub })), /public key/);
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, endpoint: b.endpoint })), /endpoint/);
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, extra: 1 })), /unknown field/);
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, version: 2 })), /version 1/);
  assert.throws(() => parseIdentity(JSON.stringify({ ...a, sign_seed: `${a.sign_seed}=` })), /base64url/);
  assert.throws(() => parseIdentity('not json'), /not JSON/);
  const twice = JSON.stringify(a).replace('"version":1,', `"version":1,"kex_pub":"${b.kex_pub}",`);
  assert.throws(() => parseIdentity(twice), /twice/);
});

test('identity_printed_neverShowsItsKeys', async () => {
  const id = Identity.generate();
  const seed = JSON.parse(id.unsafeToJson()).sign_seed;
  const { inspect } = await import('node:util');
  for (const text of [String(id), inspect(id), JSON.stringify({ id })]) {
    assert.ok(!text.includes(seed));
    assert.match(text, /REDACTED/);
  }
});

test('load_symlink_isRefused', async () => {
  const file = path.join(dir, 'd.identity');
  await createIdentity(file);
  const link = path.join(dir, 'link.identity');
  await symlink(file, link);
  await assert.rejects(loadIdentity(link), /ELOOP|symbolic/);
});
