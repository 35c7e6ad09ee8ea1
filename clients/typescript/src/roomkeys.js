// Room keys: 32 random bytes made on the client, sealed to each member with HPKE (RFC 9180) base
// mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305 (@hpke/core), as `enc ||
// ciphertext`. The HPKE info binds room and epoch: "keyroom/v1/room-key", 0, the room id (hex
// text), 0, the epoch in decimal; no associated data.
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { randomBytes } from '@noble/hashes/utils.js';
import { ascii, concat } from './bytes.js';

export const ROOM_KEY_SIZE = 32;
const ENC_SIZE = 32;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Chacha20Poly1305(),
});

function buf(bytes) {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** The HPKE info of a room's key at an epoch. */
export function roomKeyInfo(roomId, epoch) {
  return ascii(`keyroom/v1/room-key\0${roomId}\0${epoch}`);
}

/** A fresh room key. */
export function generateRoomKey() {
  return randomBytes(ROOM_KEY_SIZE);
}

/** Seals `roomKey` of `roomId` at `epoch` to the holder of the X25519 public key `kexPub`. */
export async function sealRoomKey(kexPub, roomId, epoch, roomKey) {
  let recipientPublicKey;
  try {
    recipientPublicKey = await suite.kem.importKey('raw', buf(kexPub), true);
  } catch {
    throw new Error('cannot seal to that public key');
  }
  const { enc, ct } = await suite.seal({ recipientPublicKey, info: roomKeyInfo(roomId, epoch) }, roomKey);
  return concat(new Uint8Array(enc), new Uint8Array(ct));
}

/**
 * Opens a sealed room key with the member's X25519 private key. Fails when it was sealed for
 * another recipient, room or epoch, or was altered.
 */
export async function unsealRoomKey(kexPrivate, roomId, epoch, sealed) {
  try {
    if (sealed.length <= ENC_SIZE) throw new Error('short');
    const recipientKey = await suite.kem.importKey('raw', buf(kexPrivate), false);
    const pt = await suite.open({
      recipientKey,
      enc: buf(sealed.subarray(0, ENC_SIZE)),
      info: roomKeyInfo(roomId, epoch),
    }, buf(sealed.subarray(ENC_SIZE)));
    const key = new Uint8Array(pt);
    if (key.length !== ROOM_KEY_SIZE) throw new Error('size');
    return key;
  } catch {
    throw new Error('the sealed key does not open for this identity, room and epoch');
  }
}
