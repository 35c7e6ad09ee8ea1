// Types of the Keyroom SDK for Node (the JavaScript beside this file is the implementation).
import type https from 'node:https';
import type { Transform, Readable, Writable } from 'node:stream';
import type { Dispatcher, ProxyAgent, Response as UndiciResponse, RequestInit as UndiciRequestInit } from 'undici';

export type RoomId = string;
export type EndpointId = string;
export type UserRole = 'admin' | 'member' | 'agent';
export type RoomRole = 'owner' | 'admin' | 'member' | 'reader';

export class Identity {
  constructor(signSeed: Uint8Array, kexPrivate: Uint8Array);
  static generate(): Identity;
  readonly signPub: Uint8Array;
  readonly kexPub: Uint8Array;
  readonly endpoint: EndpointId;
  sign(message: Uint8Array): Uint8Array;
  unsafeKexPrivate(): Uint8Array;
  unsafeToJson(): string;
  publicKeys(): { endpoint: EndpointId; sign_pub: string; kex_pub: string };
}
export function endpointOf(signPub: Uint8Array): EndpointId;
export function parseIdentity(text: string): Identity;
export function loadIdentity(file: string): Promise<Identity>;
export function saveIdentity(file: string, identity: Identity): Promise<void>;
export function createIdentity(file: string): Promise<Identity>;

export class KeyroomApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly serverMessage: string;
  readonly requestId: string | null;
}

export interface Trust { pin?: string; ca?: string }
export interface ExchangeResult { status: number; headers: Record<string, string | string[] | undefined>; body: Uint8Array }
export class PinnedAgent extends https.Agent {
  constructor(pin: string, options?: https.AgentOptions);
}
export class SignedTransport {
  constructor(baseUrl: string | URL, identity: Identity, options?: { trust?: Trust; timeoutMs?: number; now?: () => number });
  readonly base: URL;
  created(): number;
  exchange(method: string, pathAndQuery: string, options?: {
    body?: Uint8Array | { file: string; size: number; digest: Uint8Array };
    contentType?: string; sink?: Writable; headers?: Record<string, string>;
  }): Promise<ExchangeResult>;
  call<T = any>(method: string, pathAndQuery: string, json?: unknown): Promise<T>;
  close(): void;
}
export function parsePin(pin: string): Uint8Array;
export function pinOf(certDer: Uint8Array): string;

export interface SignableRequest { method: string; url: string | URL; body?: Uint8Array; digest?: Uint8Array; hasBody?: boolean }
export function signRequest(identity: Identity, request: SignableRequest, fixed?: { created?: number; nonce?: string }): Record<string, string>;
export function signatureBase(components: string[], params: Record<string, string | number | boolean>,
  request: { method: string; url: string | URL; headers?: Record<string, string | string[]> }): Uint8Array;
export function serializeSignatureParams(components: string[], params: Record<string, string | number | boolean>): string;
export function contentDigest(body?: Uint8Array, digest?: Uint8Array): string;
export function digestRequired(method: string, hasBody: boolean): boolean;

export interface User {
  endpoint: EndpointId; name: string; role: UserRole; status: 'active' | 'revoked' | 'locked';
  sign_pub: string; kex_pub: string; created_at: string;
}
export interface Room {
  room_id: RoomId; name: string; policy: 'encrypted' | 'cleartext'; epoch: number; owner: EndpointId;
  created_at: string; rekey_required: boolean;
}
export interface MyRoom { room_id: RoomId; name: string; policy: 'encrypted' | 'cleartext'; epoch: number; role: RoomRole }
export interface Member { endpoint: EndpointId; role: RoomRole; sign_pub: string; kex_pub: string; joined_at: string }

export interface Accepted {
  seq: number; accepted: true; sender: EndpointId; epoch: number; sentAt: Date; body: Uint8Array; text(): string;
}
export interface Rejected { seq: number; accepted: false; reason: string }
export type Delivery = Accepted | Rejected;

export interface SecretValue {
  name: string; version: number; value: Uint8Array; createdBy: EndpointId; createdAt: string; text(): string;
}
export interface SecretItem { name: string; version: number; updated_at: string }

export class BlobRef {
  constructor(sha256hex: string, size: number, key?: Uint8Array | null);
  readonly sha256: string;
  readonly size: number;
  readonly key: Uint8Array | null;
  toMessage(): Uint8Array;
  static fromMessage(body: Uint8Array | string): BlobRef;
}
export function blobAad(room: RoomId): Uint8Array;

export interface RoomListener {
  onDelivery?(delivery: Delivery): void;
  onEvicted?(reason: string): void;
  onError?(error: Error): void;
}
export class BusClient {
  readonly closed: Promise<{ code: number; reason: string }>;
  ready(): Promise<void>;
  subscribe(room: RoomId, options?: { after?: number }, listener?: RoomListener): void;
  unsubscribe(room: RoomId): void;
  publish(room: RoomId, body: string | Uint8Array): Promise<number>;
  dropConnectionForTest(): void;
  close(): Promise<{ code: number; reason: string }>;
}

export interface ConnectOptions {
  server: string;
  identity?: Identity;
  identityFile?: string;
  pin?: string;
  ca?: string;
  caFile?: string;
  timeoutMs?: number;
}

export class KeyroomClient {
  static connect(options: ConnectOptions): Promise<KeyroomClient>;
  constructor(server: string, identity: Identity, trust?: Trust, timeoutMs?: number);
  readonly identity: Identity;
  readonly transport: SignedTransport;
  health(): Promise<{ status: string; version: string; posture: Record<string, unknown> }>;
  call<T = any>(method: string, path: string, json?: unknown): Promise<T>;
  bus(options?: { publishTimeoutMs?: number }): Promise<BusClient>;
  close(): void;
  readonly users: {
    me(): Promise<User>;
    add(user: { signPub: Uint8Array | string; kexPub: Uint8Array | string; name: string; role: UserRole }): Promise<User>;
    list(): Promise<User[]>;
    get(endpoint: EndpointId): Promise<User>;
    revoke(endpoint: EndpointId): Promise<User>;
    unlock(endpoint: EndpointId): Promise<User>;
  };
  readonly rooms: {
    create(name: string, options?: { policy?: 'encrypted' | 'cleartext' }): Promise<Room>;
    list(): Promise<MyRoom[]>;
    get(room: RoomId): Promise<Room>;
    members(room: RoomId): Promise<Member[]>;
    invite(room: RoomId, endpoint: EndpointId, role?: Exclude<RoomRole, 'owner'>): Promise<Room>;
    rekey(room: RoomId, remove?: EndpointId[]): Promise<number>;
    leave(room: RoomId): Promise<void>;
    key(room: RoomId, epoch?: number): Promise<{ epoch: number; key: Uint8Array }>;
  };
  readonly messages: {
    send(room: RoomId, body: string | Uint8Array): Promise<number>;
    history(room: RoomId, options?: { after?: number; limit?: number }): Promise<Delivery[]>;
  };
  readonly secrets: {
    put(room: RoomId, name: string, value: string | Uint8Array, options?: { ifVersion?: number }): Promise<number>;
    get(room: RoomId, name: string, options?: { version?: number }): Promise<SecretValue>;
    list(room: RoomId): Promise<SecretItem[]>;
    delete(room: RoomId, name: string): Promise<void>;
  };
  readonly blobs: {
    put(room: RoomId, source: string | Uint8Array | Readable): Promise<BlobRef>;
    get(room: RoomId, ref: BlobRef, destination: string | Writable): Promise<void>;
    getBytes(room: RoomId, ref: BlobRef): Promise<Uint8Array>;
  };
}

export interface Envelope {
  encrypted: boolean; room: RoomId; epoch: number; sender: EndpointId; messageId: Uint8Array;
  sentAtMillis: number; nonce: Uint8Array; payload: Uint8Array; signature: Uint8Array;
}
export function sealEnvelope(identity: Identity, room: RoomId, epoch: number, epochKey: Uint8Array | null,
  plaintext: Uint8Array, fixed?: { messageId?: Uint8Array; nonce?: Uint8Array; sentAtMillis?: number }): Envelope;
export function openEnvelope(envelope: Envelope, senderSignPub: Uint8Array, epochKey: Uint8Array | null): Uint8Array;
export function parseEnvelope(bytes: Uint8Array): Envelope;
export function encodeEnvelope(envelope: Envelope): Uint8Array;
export function signatureValid(envelope: Envelope, senderSignPub: Uint8Array): boolean;

export function sealSecret(room: RoomId, name: string, version: number, epoch: number, epochKey: Uint8Array,
  plaintext: Uint8Array, nonce?: Uint8Array): Uint8Array;
export function openSecret(room: RoomId, name: string, version: number, epochKey: Uint8Array, sealed: Uint8Array): Uint8Array;
export function secretEpoch(sealed: Uint8Array): number;
export function checkSecretName(name: string): string;

export function sealRoomKey(kexPub: Uint8Array, room: RoomId, epoch: number, roomKey: Uint8Array): Promise<Uint8Array>;
export function unsealRoomKey(kexPrivate: Uint8Array, room: RoomId, epoch: number, sealed: Uint8Array): Promise<Uint8Array>;
export function generateRoomKey(): Uint8Array;
export function roomKeyInfo(room: RoomId, epoch: number): Uint8Array;

export interface FixedHeader { salt?: Uint8Array; noncePrefix?: Uint8Array }
export function encryptingStream(key: Uint8Array, aad: Uint8Array, segmentSize?: number, fixed?: FixedHeader): Transform;
export function decryptingStream(key: Uint8Array, aad: Uint8Array, segmentSize?: number): Transform;
export function encryptBytes(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, segmentSize?: number, fixed?: FixedHeader): Promise<Uint8Array>;
export function decryptBytes(key: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, segmentSize?: number): Promise<Uint8Array>;

export type Frame =
  | { type: 'challenge'; nonce: Uint8Array }
  | { type: 'auth'; endpoint: EndpointId; signature: Uint8Array }
  | { type: 'auth_ok' }
  | { type: 'subscribe'; room: RoomId; afterSeq: number }
  | { type: 'unsubscribe'; room: RoomId }
  | { type: 'publish'; requestId: number; envelope: Uint8Array }
  | { type: 'ack'; requestId: number; seq: number }
  | { type: 'deliver'; room: RoomId; seq: number; envelope: Uint8Array }
  | { type: 'error'; requestId: number; code: string; message: string }
  | { type: 'evict'; room: RoomId; reason: string };
export function authMessage(challenge: Uint8Array, authority: string): Uint8Array;
export function decodeFrame(bytes: Uint8Array): Frame;
export const encodeFrame: {
  challenge(nonce: Uint8Array): Uint8Array;
  auth(endpoint: EndpointId, signature: Uint8Array): Uint8Array;
  authOk(): Uint8Array;
  subscribe(room: RoomId, afterSeq: number): Uint8Array;
  unsubscribe(room: RoomId): Uint8Array;
  publish(requestId: number, envelope: Uint8Array): Uint8Array;
  ack(requestId: number, seq: number): Uint8Array;
  deliver(room: RoomId, seq: number, envelope: Uint8Array): Uint8Array;
  error(requestId: number, code: string, message: string): Uint8Array;
  evict(room: RoomId, reason: string): Uint8Array;
};

export interface GatewayOpenOptions {
  gateway: string;
  identity?: Identity;
  identityFile?: string;
  ca?: string;
  caFile?: string;
  ttlSeconds?: number;
  pin?: string;
}
export class GatewaySession {
  static open(options: GatewayOpenOptions): Promise<GatewaySession>;
  readonly id: string;
  readonly proxyUser: EndpointId;
  expiresAt: Date;
  readonly dispatcher: ProxyAgent & Dispatcher;
  unsafeCredential(): string;
  unsafeProxyUrl(): string;
  fetch(input: string | URL, init?: UndiciRequestInit): Promise<UndiciResponse>;
  renew(): Promise<Date>;
  close(): Promise<void>;
}
