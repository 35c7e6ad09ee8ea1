// A gateway session used as fetch's proxy: a real node, a real `keyroom gateway`, a grant made with
// the CLI, and an HTTPS upstream on loopback (its CA made with openssl) that echoes the
// Authorization it received. The upstream gets the key; the agent sees only the mask.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import path from 'node:path';
import { KeyroomClient, GatewaySession, KeyroomApiError, createIdentity } from '../src/index.js';
import { asUser, cli, startNode, startProcess, tempDir } from './helpers/keyroom.js';

const API_KEY = 'sk-live-4f1c2a9e7b3d';
const work = tempDir();
let node;
let gateway;
let upstream;
let admin;
let agentFile;
const received = [];

/** A CA and a leaf for 127.0.0.1 under it, made with openssl (a test tool that must be there). */
function makeUpstreamCertificates() {
  const run = (args) => {
    try {
      execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
    } catch (e) {
      if (e.code === 'ENOENT') throw new Error('openssl is required by the gateway test and is not installed');
      throw new Error(`openssl ${args[0]} failed: ${e.stderr}`);
    }
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=test upstream CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(path.join(work, 'leaf.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem',
    '-days', '1', '-extfile', 'leaf.ext']);
}

/** The messages of an error and all its causes, for matching what undici wraps. */
function causes(e) {
  const out = [];
  for (let c = e; c && out.length < 8; c = c.cause) out.push(c.message);
  return out.join(' <- ');
}

before(async () => {
  makeUpstreamCertificates();
  upstream = https.createServer({
    key: readFileSync(path.join(work, 'leaf.key')), cert: readFileSync(path.join(work, 'leaf.pem')),
  }, (req, res) => {
    received.push(req.headers.authorization ?? null);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`auth=${req.headers.authorization}\n`);
    });
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const upstreamPort = upstream.address().port;

  node = await startNode();
  admin = await KeyroomClient.connect({ server: node.url, pin: node.pin, identityFile: node.adminIdentityFile });
  const gwData = path.join(work, 'gw');
  // The first start initialises the gateway's directory and stops: it is not registered yet.
  await cli(['gateway', '--data', gwData, '--server', node.url, '--pin', node.pin, '--listen', '127.0.0.1:0'])
    .then(() => assert.fail('an unregistered gateway must not start'), () => {});
  const gw = JSON.parse(readFileSync(path.join(gwData, 'gateway.pub'), 'utf8'));
  await admin.users.add({ signPub: gw.sign_pub, kexPub: gw.kex_pub, name: 'gateway', role: 'member' });

  agentFile = path.join(work, 'agent.identity');
  const agent = await createIdentity(agentFile);
  await admin.users.add({ signPub: agent.signPub, kexPub: agent.kexPub, name: 'coder', role: 'agent' });
  const room = (await admin.rooms.create('apis')).room_id;
  await admin.rooms.invite(room, gw.endpoint, 'reader');
  await admin.rooms.invite(room, agent.endpoint, 'member');
  await admin.secrets.put(room, 'upstream/key', API_KEY);
  await cli(['grant', 'add', '--room', room, '--agent', agent.endpoint, '--secret', 'upstream/key',
    '--upstream', `https://127.0.0.1:${upstreamPort}`, '--header', 'Authorization: Bearer {value}',
    '--rate', '60', '--budget', '100', '--expires', '1h', '--allow-address', '127.0.0.1/32',
    '--upstream-ca', path.join(work, 'ca.pem'), ...asUser(node, node.adminIdentityFile)]);
  gateway = await startProcess(['gateway', '--data', gwData]);
  gateway.caFile = path.join(gwData, 'ca.pem');
});

after(async () => {
  admin?.close();
  await gateway?.stop();
  await node?.stop();
  await new Promise((r) => (upstream ? upstream.close(r) : r()));
  rmSync(work, { recursive: true, force: true });
  if (node) rmSync(node.data, { recursive: true, force: true });
});

test('session_fetchThroughTheGateway_upstreamGetsTheKeyAgentSeesOnlyTheMask', async () => {
  const session = await GatewaySession.open({ gateway: gateway.url, identityFile: agentFile, caFile: gateway.caFile,
    ttlSeconds: 120 });
  assert.match(session.unsafeCredential(), /^krg1_[A-Za-z0-9_-]{43}$/);
  assert.equal(session.proxyUser, (await KeyroomClient.connect({ server: node.url, pin: node.pin,
    identityFile: agentFile })).identity.endpoint);
  const target = `https://127.0.0.1:${upstream.address().port}/v1/whoami`;
  let res;
  const deadline = Date.now() + 20_000;
  for (;;) {
    res = await session.fetch(target);
    if (res.status !== 403 || Date.now() > deadline) break;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200)); // the gateway has not read the new grant yet
  }
  const body = await res.text();
  assert.equal(res.status, 200, body);
  assert.equal(received.at(-1), `Bearer ${API_KEY}`, 'the upstream received the injected key');
  assert.equal(body, 'auth=Bearer [masked by keyroom]\n');
  assert.ok(!body.includes(API_KEY));
  assert.ok(res.headers.get('ratelimit-policy'), 'answers carry the grant\'s rate policy');

  const renewed = await session.renew();
  assert.ok(renewed.getTime() >= session.expiresAt.getTime() - 1000);
  const before = received.length;
  const token = `Basic ${Buffer.from(`${session.proxyUser}:${session.unsafeCredential()}`).toString('base64')}`;
  await session.close();
  const stale = new ProxyAgent({ uri: gateway.url, token, requestTls: { ca: readFileSync(gateway.caFile, 'utf8') } });
  await assert.rejects(undiciFetch(target, { dispatcher: stale }),
    (e) => /Proxy response \(407\)/.test(causes(e)), 'a closed session\'s credential is refused (407)');
  await stale.close();
  assert.equal(received.length, before, 'nothing reached the upstream after the sessions ended');
});

test('session_openedByAnIdentityNoGrantNames_isRefused', async () => {
  const strangerFile = path.join(work, 'stranger.identity');
  await createIdentity(strangerFile);
  await assert.rejects(GatewaySession.open({ gateway: gateway.url, identityFile: strangerFile, caFile: gateway.caFile }),
    (e) => e instanceof KeyroomApiError && e.status === 401);
});
