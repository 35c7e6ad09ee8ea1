// Real Keyroom processes for the tests: a node (`keyroom server`), a gateway, and the `keyroom`
// CLI (the Java SDK) as the other side of interop. Everything runs through the repository's
// `./keyroom` launcher on loopback; a missing JDK or launcher fails the test, never skips it.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const LAUNCHER = path.join(REPO, 'keyroom');

if (!existsSync(LAUNCHER)) {
  throw new Error(`the keyroom launcher is not at ${LAUNCHER}: these tests run inside the Keyroom repository`);
}

export function tempDir(prefix = 'keyroom-ts-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `keyroom ARGS...`, resolving its stdout; a non-zero exit rejects with stderr. */
export function cli(args, { input, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(LAUNCHER, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`keyroom ${args[0]} ${args[1] ?? ''} failed (${err.code ?? err.signal}): ${stderr.trim()}`));
      } else {
        resolve(stdout);
      }
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * Starts a long-running keyroom process (`server`, `gateway`) and waits for its `listening on URL`
 * line. Resolves {url, lines, stop(signal)}. Output lines are kept for the test to read.
 */
export function startProcess(args, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(LAUNCHER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let buffered = '';
    let done = false;
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => fail(new Error(`keyroom ${args[0]} did not start in time:\n${lines.join('\n')}`)),
      timeoutMs);
    const fail = (e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const onData = (chunk) => {
      buffered += chunk.toString('utf8');
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        if (line.startsWith('{')) continue; // structured logs
        lines.push(line);
        const m = /^listening on (\S+)/.exec(line);
        if (m && !done) {
          done = true;
          clearTimeout(timer);
          resolve({
            url: m[1].replace(/\/$/, ''),
            lines,
            child,
            exited,
            async stop(signal = 'SIGTERM') {
              if (child.exitCode === null && child.signalCode === null) child.kill(signal);
              return exited;
            },
          });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`keyroom ${args[0]} exited (${code}) before listening:\n${lines.join('\n')}`)));
  });
}

/** A fresh node on a free loopback port: {url, pin, adminIdentityFile, data, stop}. */
export async function startNode(data = tempDir('keyroom-node-'), extraArgs = []) {
  const p = await startProcess(['server', '--data', data, '--listen', '127.0.0.1:0', ...extraArgs]);
  const pinLine = p.lines.find((l) => l.startsWith('tls pin '));
  if (!pinLine) throw new Error(`the node printed no tls pin:\n${p.lines.join('\n')}`);
  return { ...p, pin: pinLine.slice('tls pin '.length).trim(), data, adminIdentityFile: path.join(data, 'admin.identity') };
}

/** The client options for `keyroom` commands against `node` as the identity in `identityFile`. */
export function asUser(node, identityFile) {
  return ['--server', node.url, '--pin', node.pin, '--identity', identityFile];
}
