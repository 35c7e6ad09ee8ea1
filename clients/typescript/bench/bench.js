// A small load generator for the TypeScript SDK (not a test): signed GET /v1/me per second with N
// requests in flight, and the live delivery rate to one TypeScript subscriber (each message
// verified and decrypted here) while a publisher in a worker thread sends over the data plane.
//
//   node bench/bench.js [--seconds 10] [--concurrency 16] [--messages 5000] [--size 1024]
//                       [--only me|live] [--warmup SECONDS] [--warmup-messages N]
//                       [--server URL --pin sha256/... --identity FILE]
//
// --only runs one of the two (both by default). --warmup runs signed requests for that long, unreported,
// before the measured ones; --warmup-messages delivers that many, unreported, in a room of their own
// before the measured live run (both 0 by default). Before each measured part it prints a line
// starting `measuring`, so that a harness can sample its own CPU time between that line and the
// result; each result ends with this process's CPU time (user and system, all its threads, the
// publisher's included) over the measured part. The live rate is taken from the publisher's first
// publish (its connection already open) to the last delivery.
//
// Without --server it starts its own node through ./keyroom on loopback (TLS, per-identity limits
// raised as keyroom-bench's BenchNode does) and stops it at the end. The Java load generators for
// the same things are keyroom-bench's dev.keyroom.bench.SignedLoad (signed GET /v1/me) and
// dev.keyroom.bench.FanoutLoad (data-plane fan-out); dev.keyroom.bench.ClientParity runs this script
// against its own node beside the Java SDK doing the same; see docs/benchmarks.md.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { KeyroomClient, Identity, loadIdentity } from '../src/index.js';

function args() {
  const a = { seconds: 10, concurrency: 16, messages: 5000, size: 1024, warmup: 0, 'warmup-messages': 0 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in a) && !['server', 'pin', 'identity', 'only'].includes(k)) throw new Error(`unknown option ${argv[i]}`);
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    a[k] = k in a && typeof a[k] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
    const whole = !['seconds', 'warmup'].includes(k);
    if (typeof a[k] === 'number' && !(a[k] >= 0 && (whole ? Number.isInteger(a[k]) : Number.isFinite(a[k])))) {
      throw new Error(`${argv[i]} must be ${whole ? 'a whole number' : 'a number of seconds'}, not ${argv[i + 1]}`);
    }
  }
  if (a.only !== undefined && !['me', 'live'].includes(a.only)) {
    throw new Error(`--only must be me or live, not ${a.only}`);
  }
  return a;
}

/** User and system CPU time, in seconds, of a process.cpuUsage() difference. */
function cpuSeconds({ user, system }) {
  return ((user + system) / 1e6).toFixed(2);
}

async function signedRequests(client, seconds, concurrency, report = true) {
  let ok = 0;
  let failed = 0;
  const end = Date.now() + seconds * 1000;
  const latencies = [];
  const loop = async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      try {
        await client.users.me();
        ok += 1;
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      } catch {
        failed += 1;
      }
    }
  };
  const start = Date.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (Date.now() - start) / 1000;
  const used = cpuSeconds(process.cpuUsage(cpu));
  if (!report) return;
  latencies.sort((x, y) => x - y);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]?.toFixed(2);
  console.log(`signed GET /v1/me: ${(ok / elapsed).toFixed(0)} requests/s (${ok} ok, ${failed} failed, `
    + `${concurrency} in flight, ${elapsed.toFixed(1)} s; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms; `
    + `process cpu ${used} s)`);
}

async function liveDelivery(admin, server, pin, messages, size, report = true) {
  const room = (await admin.rooms.create('bench-live')).room_id;
  const publisher = Identity.generate();
  await admin.users.add({ signPub: publisher.signPub, kexPub: publisher.kexPub, name: 'bench-publisher', role: 'member' });
  await admin.rooms.invite(room, publisher.endpoint, 'member');
  const bus = await admin.bus();
  let delivered = 0;
  let rejected = 0;
  let first = 0;
  const done = new Promise((resolve) => {
    bus.subscribe(room, { after: 0 }, {
      onDelivery: (d) => {
        if (delivered + rejected === 0) first = Date.now();
        if (d.accepted) delivered += 1;
        else rejected += 1;
        if (delivered + rejected === messages) resolve();
      },
    });
  });
  await new Promise((r) => setTimeout(r, 200));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { server, pin, json: publisher.unsafeToJson(), room, messages, size },
  });
  const failedWorker = new Promise((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the publisher stopped (exit ${code}) before all were delivered`));
    });
  });
  failedWorker.catch(() => {});
  // The publisher connects first; the clock starts when it is told to publish.
  await Promise.race([new Promise((resolve) => worker.once('message', resolve)), failedWorker]);
  if (report) console.log('measuring live delivery');
  const started = Date.now();
  const cpu = process.cpuUsage();
  worker.postMessage('go');
  await Promise.race([done, failedWorker]);
  const elapsed = (Date.now() - started) / 1000;
  const used = cpuSeconds(process.cpuUsage(cpu));
  await worker.terminate();
  await bus.close();
  if (!report) return;
  console.log(`live delivery to one TypeScript subscriber: ${(messages / elapsed).toFixed(0)} messages/s `
    + `(${delivered} verified and decrypted, ${rejected} rejected, ${size}-byte bodies, ${elapsed.toFixed(1)} s from `
    + `the first publish; first delivery after ${first - started} ms; process cpu ${used} s)`);
}

async function publish({ server, pin, json, room, messages, size }) {
  const { parseIdentity } = await import('../src/identity.js');
  const c = new KeyroomClient(server, parseIdentity(json), { pin });
  const bus = await c.bus();
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  const body = new Uint8Array(size).fill(0x61);
  const window = 256;
  let next = 0;
  const lane = async () => {
    while (next < messages) {
      next += 1;
      await bus.publish(room, body);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  parentPort.postMessage('done');
}

async function main() {
  const a = args();
  let node = null;
  let server = a.server;
  let pin = a.pin;
  let identity = a.identity ? await loadIdentity(a.identity) : null;
  if (!server) {
    const { startNode, tempDir } = await import('../test/helpers/keyroom.js');
    const dir = tempDir('keyroom-bench-');
    const config = path.join(dir, 'bench.yaml');
    writeFileSync(config, 'limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n');
    node = await startNode(path.join(dir, 'data'), ['--config', config]);
    ({ url: server, pin } = node);
    identity = await loadIdentity(node.adminIdentityFile);
    console.log(`started a node at ${server}`);
  }
  const admin = new KeyroomClient(server, identity, { pin });
  try {
    await admin.users.me();
    if (a.only !== 'live') {
      if (a.warmup > 0) await signedRequests(admin, a.warmup, a.concurrency, false);
      console.log('measuring signed GET /v1/me');
      await signedRequests(admin, a.seconds, a.concurrency);
    }
    if (a.only !== 'me') {
      if (a['warmup-messages'] > 0) await liveDelivery(admin, server, pin, a['warmup-messages'], a.size, false);
      await liveDelivery(admin, server, pin, a.messages, a.size);
    }
  } finally {
    admin.close();
    await node?.stop();
  }
}

if (isMainThread) {
  main().then(() => process.exit(0), (e) => {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  });
} else {
  publish(workerData).catch((e) => {
    console.error(`bench publisher: ${e.message}`);
    process.exit(1);
  });
}
