// Request signing: the RFC 9421 profile of docs/protocol.md ("Request authentication"). Label
// `sig1`; covered components "@method" "@authority" "@path" "@query", plus "content-digest" when
// the request has a body or is a POST, PUT or PATCH; parameters created, nonce (24 random bytes,
// base64url), keyid (the endpoint id) and alg="ed25519". Content-Digest is RFC 9530 sha-256.
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ascii, b64, b64url } from './bytes.js';

export const REQUIRED_COMPONENTS = ['@method', '@authority', '@path', '@query'];

/** Whether the profile requires Content-Digest: a body, or POST, PUT or PATCH. */
export function digestRequired(method, hasBody) {
  const m = method.toUpperCase();
  return hasBody || m === 'POST' || m === 'PUT' || m === 'PATCH';
}

/** `sha-256=:<base64>:` of a body's SHA-256 (pass `digest` when the body is not in memory). */
export function contentDigest(body, digest = sha256(body ?? new Uint8Array(0))) {
  return `sha-256=:${b64(digest)}:`;
}

/** `@authority` of a URL: host lowercased, the scheme's default port dropped (WHATWG URL does both). */
export function authorityOf(url) {
  const u = url instanceof URL ? url : new URL(url);
  return u.host.toLowerCase();
}

/** An RFC 8941 bare item: integer, string or boolean. */
function serializeItem(v) {
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeError('only integer parameters');
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '?1' : '?0';
  if (typeof v === 'string') {
    if (!/^[\x20-\x7e]*$/.test(v)) throw new TypeError('a string parameter must be printable ASCII');
    return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  throw new TypeError(`cannot serialise ${typeof v}`);
}

/**
 * The canonical RFC 8941 inner list of a signature: the components as strings, then
 * `;name=value` for each parameter in the order given.
 */
export function serializeSignatureParams(components, params) {
  const list = `(${components.map((c) => serializeItem(c)).join(' ')})`;
  return list + Object.entries(params).map(([k, v]) => (v === true ? `;${k}` : `;${k}=${serializeItem(v)}`)).join('');
}

/** The value of one derived component or header field of `request` ({method, url, headers}). */
function componentValue(name, request) {
  const u = request.url instanceof URL ? request.url : new URL(request.url);
  switch (name) {
    case '@method': return request.method.toUpperCase();
    case '@target-uri': return u.href;
    case '@authority': return authorityOf(u);
    case '@scheme': return u.protocol.slice(0, -1).toLowerCase();
    case '@request-target': return u.pathname + u.search;
    case '@path': return u.pathname;
    case '@query': return u.search === '' ? '?' : u.search;
    default: {
      if (name.startsWith('@')) throw new Error(`unsupported derived component ${name}`);
      const want = name.toLowerCase();
      const values = [];
      for (const [k, v] of Object.entries(request.headers ?? {})) {
        if (k.toLowerCase() !== want) continue;
        for (const one of Array.isArray(v) ? v : [v]) values.push(String(one).trim());
      }
      if (values.length === 0) throw new Error(`the request has no ${name} header to cover`);
      return values.join(', ');
    }
  }
}

/**
 * The signature base of RFC 9421 section 2.5: one line per covered component, then the
 * `"@signature-params"` line; lines joined by LF, no final LF. Must be ASCII.
 */
export function signatureBase(components, params, request) {
  const lines = components.map((c) => `"${c}": ${componentValue(c, request)}`);
  lines.push(`"@signature-params": ${serializeSignatureParams(components, params)}`);
  return ascii(lines.join('\n'));
}

/**
 * Signs a request. `request` is {method, url, body?, digest?, hasBody?}: `digest` (SHA-256 bytes)
 * and `hasBody` stand in for a body not held in memory. `created` is Unix seconds; `nonce` is
 * made here unless given (tests). Returns the header fields to add, lowercase names.
 */
export function signRequest(identity, request, { created, nonce } = {}) {
  const body = request.body;
  const hasBody = request.hasBody ?? (body !== undefined && body !== null && body.length > 0);
  const headers = {};
  const components = [...REQUIRED_COMPONENTS];
  if (digestRequired(request.method, hasBody)) {
    headers['content-digest'] = contentDigest(body, request.digest);
    components.push('content-digest');
  }
  const params = {
    created: created ?? Math.floor(Date.now() / 1000),
    nonce: nonce ?? b64url(randomBytes(24)),
    keyid: identity.endpoint,
    alg: 'ed25519',
  };
  const base = signatureBase(components, params, { method: request.method, url: request.url, headers });
  const signature = identity.sign(base);
  headers['signature-input'] = `sig1=${serializeSignatureParams(components, params)}`;
  headers.signature = `sig1=:${b64(signature)}:`;
  return headers;
}
