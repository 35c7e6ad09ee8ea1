package dev.keyroom.core.rooms;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.util.Bytes;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Room epoch keys and their sealing to members with HPKE (RFC 9180) by Tink: DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, base mode. The HPKE {@code info} binds the room id
 * and the epoch, so a key sealed for one room or epoch does not open as another's.
 */
public final class RoomKeys {
    /** Room keys are 32 random bytes. */
    public static final int KEY_SIZE = 32;

    private static final HpkeParameters PARAMETERS;

    static {
        try {
            HybridConfig.register();
            PARAMETERS = HpkeParameters.builder()
                    .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
                    .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
                    .setAeadId(HpkeParameters.AeadId.CHACHA20_POLY1305)
                    .setVariant(HpkeParameters.Variant.NO_PREFIX)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RoomKeys() {}

    public static SecretBytes generate(SecureRandom random) {
        byte[] k = new byte[KEY_SIZE];
        random.nextBytes(k);
        return SecretBytes.wrap(k);
    }

    /** The HPKE info of a room key: a versioned label, the room id and the epoch. */
    static byte[] info(RoomId room, long epoch) {
        return ("keyroom/v1/room-key\0" + room.value() + "\0" + epoch).getBytes(StandardCharsets.US_ASCII);
    }

    /** Seals {@code roomKey} of {@code room} at {@code epoch} to the holder of {@code kexPub}. */
    public static byte[] seal(byte[] recipientKexPub, RoomId room, long epoch, SecretBytes roomKey) {
        byte[] key = roomKey.unsafeBytes();
        try {
            HpkePublicKey pub = HpkePublicKey.create(PARAMETERS, Bytes.copyFrom(recipientKexPub), null);
            HybridEncrypt enc = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(pub).withRandomId().makePrimary())
                    .build()
                    .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
            return enc.encrypt(key, info(room, epoch));
        } catch (GeneralSecurityException e) {
            throw KeyroomException.badRequest("cannot seal to that public key");
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens a sealed key with the member's X25519 key pair. Fails with {@code FORBIDDEN} when the
     * sealed key was made for another recipient, room or epoch, or was tampered with.
     */
    public static SecretBytes unseal(SecretBytes kexPrivate, byte[] kexPub, RoomId room, long epoch, byte[] sealed) {
        byte[] sk = kexPrivate.unsafeBytes();
        try {
            HpkePublicKey pub = HpkePublicKey.create(PARAMETERS, Bytes.copyFrom(kexPub), null);
            HpkePrivateKey priv = HpkePrivateKey.create(
                    pub, com.google.crypto.tink.util.SecretBytes.copyFrom(sk, InsecureSecretKeyAccess.get()));
            HybridDecrypt dec = KeysetHandle.newBuilder()
                    .addEntry(KeysetHandle.importKey(priv).withRandomId().makePrimary())
                    .build()
                    .getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
            byte[] key = dec.decrypt(sealed, info(room, epoch));
            if (key.length != KEY_SIZE) {
                throw new GeneralSecurityException("wrong key size");
            }
            return SecretBytes.wrap(key);
        } catch (GeneralSecurityException e) {
            throw new KeyroomException(
                    ErrorCode.FORBIDDEN, "the sealed key does not open for this identity, room and epoch");
        } finally {
            java.util.Arrays.fill(sk, (byte) 0);
        }
    }
}
