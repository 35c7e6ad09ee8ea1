package dev.keyroom.client;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Fixed inputs of the test vectors and small helpers to read and write them. */
final class Vectors {
    /** 2026-01-01T00:00:00Z: the time every vector is made at. */
    static final long CREATED = 1767225600L;

    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {}

    /** {@code n} (at most 32) fixed bytes named by {@code label}: the first bytes of SHA-256 of it. */
    static byte[] fixed(String label, int n) {
        if (n > 32) {
            throw new IllegalArgumentException("at most 32 fixed bytes per label");
        }
        return Arrays.copyOf(Digests.sha256(("keyroom-vectors/" + label).getBytes(StandardCharsets.UTF_8)), n);
    }

    /** The fixed identity {@code who} ("alice", "bob"): its seeds are {@code fixed(who + "/sign_seed")} and so on. */
    static Identity identity(String who) {
        return Identity.fromSecrets(
                SecretBytes.wrap(fixed(who + "/sign_seed", 32)), SecretBytes.wrap(fixed(who + "/kex_private", 32)));
    }

    /** The fixed room id. */
    static String roomId() {
        return hex(fixed("room", 16));
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static byte[] unhex(String s) {
        return HEX.parseHex(s);
    }

    /** A string field of a vector; fails when it is missing. */
    static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null || !n.isString()) {
            throw new AssertionError("vector " + v.get("name") + " lacks the string " + field);
        }
        return n.asString();
    }

    /** A hex field of a vector as bytes. */
    static byte[] bytes(JsonNode v, String field) {
        return unhex(text(v, field));
    }

    static long number(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null || !n.isIntegralNumber()) {
            throw new AssertionError("vector " + v.get("name") + " lacks the integer " + field);
        }
        return n.asLong();
    }

    /** Whether the vector must fail ({@code "expect": "fail"}) rather than hold ({@code "ok"}). */
    static boolean mustFail(JsonNode v) {
        String expect = text(v, "expect");
        if (!expect.equals("ok") && !expect.equals("fail")) {
            throw new AssertionError("expect must be ok or fail, not " + expect);
        }
        return expect.equals("fail");
    }

    /** An ordered JSON object from alternating keys and values. */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** A clock stopped at {@code instant}. */
    static Clock clockAt(Instant instant) {
        return () -> instant;
    }

    /**
     * A SecureRandom that hands out the given byte strings, in order, each to a call of
     * {@code nextBytes} of its exact length: the nonces and ids a vector fixes.
     */
    static SecureRandom scripted(byte[]... outputs) {
        return new ScriptedRandom(outputs);
    }

    private static final class ScriptedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final transient Deque<byte[]> queue = new ArrayDeque<>();

        ScriptedRandom(byte[]... outputs) {
            for (byte[] o : outputs) {
                queue.add(o.clone());
            }
        }

        @Override
        public void nextBytes(byte[] bytes) {
            byte[] next = queue.poll();
            if (next == null || next.length != bytes.length) {
                throw new IllegalStateException("the vector's random bytes do not match what the code asks for");
            }
            System.arraycopy(next, 0, bytes, 0, bytes.length);
        }
    }
}
