#!/usr/bin/env node
// Drives an MCP server over stdio with the official TypeScript MCP client, as an agent's host would:
//
//   node check.mjs CALLS.json -- COMMAND [ARGS...]
//
// spawns COMMAND ARGS... (for example `keyroom mcp --server ... --identity ...`), lists its tools,
// calls each tool of CALLS.json ([{"tool": NAME, "arguments": {...}}, ...]) in order, and prints as
// JSON on standard output: the server's name and instructions, the tools, each call's result (or
// the protocol error), every message the server wrote on its standard output, and every line there
// that was not an MCP message. The server's standard error passes through to ours, after a line
// "mcp-check: calling NAME" before each call.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const CALL_TIMEOUT_MS = 120_000;

/** The transport, keeping a copy of every message that came in and of every error it reported. */
class Recording {
  constructor(inner) {
    this.inner = inner;
    this.received = [];
    this.errors = [];
    inner.onmessage = (message, extra) => {
      this.received.push(message);
      this.onmessage?.(message, extra);
    };
    inner.onerror = (error) => {
      this.errors.push(String(error?.message ?? error));
      this.onerror?.(error);
    };
    inner.onclose = () => this.onclose?.();
  }

  start() {
    return this.inner.start();
  }

  send(message, options) {
    return this.inner.send(message, options);
  }

  close() {
    return this.inner.close();
  }

  setProtocolVersion(version) {
    this.inner.setProtocolVersion?.(version);
  }
}

function usage(message) {
  process.stderr.write(`mcp-check: ${message}\nusage: node check.mjs CALLS.json -- COMMAND [ARGS...]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
if (dashes !== 1 || argv.length < 3) {
  usage('give the calls file, then -- and the server command');
}
let calls;
try {
  calls = JSON.parse(readFileSync(argv[0], 'utf8'));
} catch (e) {
  usage(`cannot read the calls file ${argv[0]}: ${e.message}`);
}
if (!Array.isArray(calls) || !calls.every((c) => typeof c?.tool === 'string')) {
  usage('the calls file holds a JSON array of {"tool": NAME, "arguments": {...}}');
}

const transport = new Recording(
  new StdioClientTransport({ command: argv[2], args: argv.slice(3), stderr: 'inherit' }),
);
const client = new Client({ name: 'keyroom-mcp-check', version: '0.1.0' });
await client.connect(transport);
const out = {
  server: client.getServerVersion(),
  instructions: client.getInstructions() ?? null,
  tools: (await client.listTools()).tools,
  calls: [],
};
for (const call of calls) {
  const args = call.arguments ?? {};
  process.stderr.write(`mcp-check: calling ${call.tool}\n`);
  try {
    const result = await client.callTool({ name: call.tool, arguments: args }, undefined, {
      timeout: CALL_TIMEOUT_MS,
    });
    out.calls.push({ tool: call.tool, arguments: args, result });
  } catch (e) {
    out.calls.push({ tool: call.tool, arguments: args, protocol_error: { code: e.code ?? null, message: e.message } });
  }
}
await client.close();
out.received = transport.received;
out.transport_errors = transport.errors;
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
