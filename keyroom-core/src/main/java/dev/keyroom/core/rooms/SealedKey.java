package dev.keyroom.core.rooms;

/**
 * A room's epoch key sealed to one member. Opaque to the server: only the member's X25519 private
 * key opens it.
 */
public record SealedKey(long epoch, byte[] sealed) {
    /** Sealed keys are HPKE outputs of a 32-byte key: far below this bound. */
    public static final int MAX_BYTES = 1024;

    public SealedKey {
        sealed = sealed.clone();
    }

    @Override
    public byte[] sealed() {
        return sealed.clone();
    }
}
