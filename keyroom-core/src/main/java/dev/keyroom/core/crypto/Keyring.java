package dev.keyroom.core.crypto;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The server's at-rest keyring (SEC-2, SEC-3): numbered 32-byte keys, one of them current. Each item
 * is sealed under its own key, HKDF-SHA256 (BouncyCastle) of a keyring key with the info {@code
 * keyroom/v1/at-rest}, a zero byte and the item's context (its kind and identity), with AES-256-GCM
 * (the JDK), a random 96-bit nonce and the context as associated data. A sealed value copied to
 * another item therefore fails to open. The file ({@code keyring} in the data directory) is 0600,
 * read only from there, never from the environment or a flag (SEC-4).
 */
public final class Keyring implements AutoCloseable {
    private static final String HEADER = "keyroom-keyring v1";
    private static final byte[] INFO = "keyroom/v1/at-rest\0".getBytes(StandardCharsets.US_ASCII);

    /** A sealed value: which key, the nonce, and the ciphertext with its tag. */
    public record Sealed(int keyId, byte[] nonce, byte[] ciphertext) {}

    private final TreeMap<Integer, SecretBytes> keys;
    private final int current;

    private Keyring(TreeMap<Integer, SecretBytes> keys, int current) {
        if (!keys.containsKey(current)) {
            throw new IllegalArgumentException("the current key is not in the keyring");
        }
        this.keys = keys;
        this.current = current;
    }

    /** A keyring with one fresh key. */
    public static Keyring generate(SecureRandom random) {
        TreeMap<Integer, SecretBytes> k = new TreeMap<>();
        k.put(1, fresh(random));
        return new Keyring(k, 1);
    }

    private static SecretBytes fresh(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SecretBytes.wrap(b);
    }

    /** Reads the keyring file, refusing one that others can read. */
    public static Keyring read(Path file) throws IOException {
        byte[] raw = KeyFiles.readSecret(file);
        try {
            String[] lines = new String(raw, StandardCharsets.US_ASCII).split("\n");
            if (lines.length < 3 || !lines[0].equals(HEADER) || !lines[1].startsWith("current ")) {
                throw new IOException("not a keyring file: " + file);
            }
            int current = Integer.parseInt(lines[1].substring(8).strip());
            TreeMap<Integer, SecretBytes> k = new TreeMap<>();
            for (int i = 2; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                String[] f = lines[i].split(" ");
                if (f.length != 3 || !f[0].equals("key")) {
                    throw new IOException("malformed keyring line " + (i + 1) + " in " + file);
                }
                byte[] key = Base64Url.decode(f[2], "key");
                if (key.length != 32) {
                    throw new IOException("keyring key " + f[1] + " is not 32 bytes");
                }
                k.put(Integer.parseInt(f[1]), SecretBytes.wrap(key));
            }
            return new Keyring(k, current);
        } catch (NumberFormatException | KeyroomException e) {
            throw new IOException("malformed keyring file " + file, e);
        } finally {
            java.util.Arrays.fill(raw, (byte) 0);
        }
    }

    /** Writes the keyring atomically, 0600. */
    public void write(Path file, boolean replace) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER)
                .append('\n')
                .append("current ")
                .append(current)
                .append('\n');
        for (Map.Entry<Integer, SecretBytes> e : keys.entrySet()) {
            byte[] k = e.getValue().unsafeBytes();
            try {
                sb.append("key ")
                        .append(e.getKey())
                        .append(' ')
                        .append(Base64Url.encode(k))
                        .append('\n');
            } finally {
                java.util.Arrays.fill(k, (byte) 0);
            }
        }
        byte[] out = sb.toString().getBytes(StandardCharsets.US_ASCII);
        try {
            KeyFiles.writeSecret(file, out, replace);
        } finally {
            java.util.Arrays.fill(out, (byte) 0);
        }
    }

    /** Reads the keyring, creating it with one key on first use. */
    public static Keyring loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file)) {
            try (Keyring k = generate(random)) {
                k.write(file, false);
            }
        }
        return read(file);
    }

    /** A copy with a new key that becomes current; old keys still open what they sealed. */
    public Keyring rotated(SecureRandom random) {
        TreeMap<Integer, SecretBytes> k = copyKeys();
        int next = k.lastKey() + 1;
        k.put(next, fresh(random));
        return new Keyring(k, next);
    }

    /** A copy without {@code keyId}; the current key cannot be removed. */
    public Keyring without(int keyId) {
        if (keyId == current) {
            throw KeyroomException.conflict("the current key cannot be retired");
        }
        if (!keys.containsKey(keyId)) {
            throw KeyroomException.notFound();
        }
        TreeMap<Integer, SecretBytes> k = copyKeys();
        k.remove(keyId).close();
        return new Keyring(k, current);
    }

    private TreeMap<Integer, SecretBytes> copyKeys() {
        TreeMap<Integer, SecretBytes> k = new TreeMap<>();
        for (Map.Entry<Integer, SecretBytes> e : keys.entrySet()) {
            k.put(e.getKey(), SecretBytes.copyOf(e.getValue().unsafeBytes()));
        }
        return k;
    }

    public int current() {
        return current;
    }

    public java.util.Set<Integer> ids() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /** Seals {@code plaintext} for the item {@code context} under the current key. */
    public Sealed seal(String context, byte[] plaintext, SecureRandom random) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return new Sealed(current, nonce, aead(Cipher.ENCRYPT_MODE, current, context, nonce, plaintext));
    }

    /**
     * Opens a value sealed for {@code context}. A value of another item, a tampered one or one under
     * a key no longer in the keyring raises {@code INTERNAL} (never served, always reported).
     */
    public byte[] open(String context, Sealed s) {
        if (!keys.containsKey(s.keyId())) {
            throw new KeyroomException(
                    ErrorCode.INTERNAL,
                    "a stored value is under keyring key " + s.keyId() + ", which is no longer in the keyring");
        }
        return aead(Cipher.DECRYPT_MODE, s.keyId(), context, s.nonce(), s.ciphertext());
    }

    private byte[] aead(int mode, int keyId, String context, byte[] nonce, byte[] input) {
        byte[] ctx = context.getBytes(StandardCharsets.UTF_8);
        byte[] itemKey = derive(keyId, ctx);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(itemKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(ctx);
            return c.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new KeyroomException(
                    ErrorCode.INTERNAL, "a stored value failed its integrity check (moved, tampered or corrupt)", e);
        } catch (GeneralSecurityException e) {
            throw new KeyroomException(ErrorCode.INTERNAL, "at-rest encryption failed", e);
        } finally {
            java.util.Arrays.fill(itemKey, (byte) 0);
        }
    }

    private byte[] derive(int keyId, byte[] context) {
        byte[] ikm = keys.get(keyId).unsafeBytes();
        try {
            byte[] info = new byte[INFO.length + context.length];
            System.arraycopy(INFO, 0, info, 0, INFO.length);
            System.arraycopy(context, 0, info, INFO.length, context.length);
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, null, info));
            byte[] out = new byte[32];
            hkdf.generateBytes(out, 0, 32);
            return out;
        } finally {
            java.util.Arrays.fill(ikm, (byte) 0);
        }
    }

    @Override
    public void close() {
        for (SecretBytes k : keys.values()) {
            k.close();
        }
    }

    @Override
    public String toString() {
        return "Keyring[current=" + current + ", keys=" + keys.keySet() + "]";
    }
}
