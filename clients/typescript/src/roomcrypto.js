// End-to-end encryption under a room's epoch key: a purpose key by HKDF-SHA256 (no salt, 32 bytes)
// of the epoch key with a versioned info label, then ChaCha20-Poly1305 with a 12-byte nonce and
// associated data. Messages ("keyroom/v1/message-key") and secret values ("keyroom/v1/secret-key",
// format KRS1) use it under different labels.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ascii, be, concat, equalBytes, readBe, utf8 } from './bytes.js';

export const MESSAGE_KEY_INFO = ascii('keyroom/v1/message-key');
export const SECRET_KEY_INFO = ascii('keyroom/v1/secret-key');
const KRS1 = ascii('KRS1');
const SECRET_HEADER = 12;

/** The purpose key of `info` under an epoch key. */
export function purposeKey(epochKey, info) {
  return hkdf(sha256, epochKey, undefined, info, 32);
}

export function roomSeal(epochKey, info, nonce, aad, plaintext) {
  return chacha20poly1305(purposeKey(epochKey, info), nonce, aad).encrypt(plaintext);
}

/** Decrypts, or throws `failure`. */
export function roomOpen(epochKey, info, nonce, aad, ciphertext, failure) {
  try {
    return chacha20poly1305(purposeKey(epochKey, info), nonce, aad).decrypt(ciphertext);
  } catch {
    throw new Error(failure);
  }
}

function secretAad(roomId, name, version, header) {
  return concat(utf8(`keyroom/v1/secret\0${roomId}\0${name}\0${version}\0`), header);
}

/**
 * Seals a secret value of an encrypted room: "KRS1", epoch (8), nonce (12), ciphertext and tag,
 * bound to room, name and the version being written.
 */
export function sealSecret(roomId, name, version, epoch, epochKey, plaintext, nonce = randomBytes(12)) {
  const header = concat(KRS1, be(epoch, 8));
  const ct = roomSeal(epochKey, SECRET_KEY_INFO, nonce, secretAad(roomId, name, version, header), plaintext);
  return concat(header, nonce, ct);
}

/** The epoch whose key opens a KRS1 value. */
export function secretEpoch(sealed) {
  if (sealed.length < SECRET_HEADER + 12 + 16 || !equalBytes(sealed.subarray(0, 4), KRS1)) {
    throw new Error('not an encrypted secret value');
  }
  return readBe(sealed, 4, 8);
}

export function openSecret(roomId, name, version, epochKey, sealed) {
  secretEpoch(sealed);
  const header = sealed.subarray(0, SECRET_HEADER);
  const nonce = sealed.subarray(SECRET_HEADER, SECRET_HEADER + 12);
  return roomOpen(epochKey, SECRET_KEY_INFO, nonce, secretAad(roomId, name, version, header),
    sealed.subarray(SECRET_HEADER + 12), 'the secret does not decrypt for this room, name and version');
}
