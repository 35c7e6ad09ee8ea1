// Keyroom SDK for Node: the public surface.
export { KeyroomClient } from './client.js';
export { Identity, loadIdentity, saveIdentity, createIdentity, parseIdentity, endpointOf } from './identity.js';
export { KeyroomApiError, PinnedAgent, SignedTransport, parsePin, pinOf } from './transport.js';
export { signRequest, signatureBase, serializeSignatureParams, contentDigest, digestRequired } from './signing.js';
export { sealEnvelope, openEnvelope, parseEnvelope, encodeEnvelope, signatureValid } from './envelope.js';
export { sealSecret, openSecret, secretEpoch } from './roomcrypto.js';
export { sealRoomKey, unsealRoomKey, generateRoomKey, roomKeyInfo } from './roomkeys.js';
export { encryptingStream, decryptingStream, encryptBytes, decryptBytes } from './streaming.js';
export { BlobRef, blobAad } from './blobs.js';
export { BusClient } from './bus.js';
export { authMessage, encode as encodeFrame, decode as decodeFrame } from './frames.js';
export { GatewaySession } from './gateway.js';
export { checkSecretName } from './secrets.js';
