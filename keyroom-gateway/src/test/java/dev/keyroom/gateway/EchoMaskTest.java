package dev.keyroom.gateway;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EchoMaskTest {
    private static final String MARK = "[keyroom:masked]";

    @Test
    void masksTheSecretInOneChunk() {
        EchoMask mask = EchoMask.of(List.of("sk-live-12345"), MARK);

        assertThat(streamed(mask, "key=sk-live-12345&x=1", 1000)).isEqualTo("key=" + MARK + "&x=1");
    }

    @Test
    void masksASecretSplitAtEveryPossibleBoundary() {
        EchoMask mask = EchoMask.of(List.of("sk-live-12345"), MARK);
        String body = "{\"echo\":\"Bearer sk-live-12345\"}";
        String expected = "{\"echo\":\"Bearer " + MARK + "\"}";

        for (int a = 0; a <= body.length(); a++) {
            for (int b = a; b <= body.length(); b++) {
                EchoMask.Stream s = mask.stream();
                String out = text(s.feed(bytes(body.substring(0, a))))
                        + text(s.feed(bytes(body.substring(a, b))))
                        + text(s.feed(bytes(body.substring(b))))
                        + text(s.finish());
                assertThat(out).as("split at %d and %d", a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void masksEveryEncodingTheCallerGives() {
        String value = "s3cr3t-value";
        String basic = Base64.getEncoder().encodeToString(("api:" + value).getBytes(UTF_8));
        EchoMask mask = EchoMask.of(List.of(value, basic, "s3cr3t%2Dvalue"), MARK);

        String out = streamed(mask, "raw=s3cr3t-value basic=" + basic + " url=s3cr3t%2Dvalue", 3);

        assertThat(out).isEqualTo("raw=" + MARK + " basic=" + MARK + " url=" + MARK);
    }

    @Test
    void overlappingAndAdjacentOccurrencesLeaveOneMarkerAndNoFragment() {
        EchoMask mask = EchoMask.of(List.of("abab"), "#");

        assertThat(streamed(mask, "xabababx", 1)).isEqualTo("x#x");
        assertThat(streamed(mask, "xababababx", 2)).isEqualTo("x#x");
        assertThat(streamed(mask, "abab-abab", 1)).isEqualTo("#-#");
    }

    @Test
    void secretsThatArePrefixesOrSuffixesOfEachOtherAreMaskedWhole() {
        EchoMask mask = EchoMask.of(List.of("token", "token-long-form", "long-form-xyz"), "#");

        assertThat(streamed(mask, "a token-long-form b", 1)).isEqualTo("a # b");
        assertThat(streamed(mask, "a token-long b", 1)).isEqualTo("a #-long b");
        assertThat(streamed(mask, "a token-long-form-xyz b", 4)).isEqualTo("a # b");
        assertThat(streamed(mask, "tokentoke", 2)).isEqualTo("#toke");
    }

    @Test
    void holdsBackLessThanTheLongestSecret() {
        EchoMask mask = EchoMask.of(List.of("abcdefgh", "zzzz"), "#");
        EchoMask.Stream s = mask.stream();

        assertThat(text(s.feed(bytes("hello abcdefg")))).isEqualTo("hello ");
        assertThat(s.held()).isEqualTo(7);
        assertThat(text(s.feed(bytes("x")))).isEqualTo("abcdefgx");
        assertThat(s.held()).isZero();
        assertThat(text(s.feed(bytes("abcdefgh")))).isEqualTo("#");
        assertThat(s.held()).isZero();
        assertThat(text(s.feed(bytes("zzz")))).isEmpty();
        assertThat(text(s.finish())).isEqualTo("zzz");
    }

    @Test
    void aRunSpanningAFlushStaysOneMarker() {
        EchoMask mask = EchoMask.of(List.of("abcd", "cdef"), "#");
        EchoMask.Stream s = mask.stream();

        String out = text(s.feed(bytes("abcd"))) + text(s.feed(bytes("ef!"))) + text(s.finish());

        assertThat(out).isEqualTo("#!");
    }

    @Test
    void randomBodiesAndRandomChunkingsMatchTheOneShotMaskAndNeverLeak() {
        for (long seed = 1; seed <= 400; seed++) {
            Random r = new Random(seed);
            List<byte[]> secrets = new ArrayList<>();
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                secrets.add(randomText(r, 4 + r.nextInt(12), "abc"));
            }
            if (r.nextBoolean()) {
                // A secret that is a prefix of another.
                byte[] first = secrets.getFirst();
                secrets.add(java.util.Arrays.copyOf(first, Math.max(4, first.length - 1 - r.nextInt(3))));
            }
            EchoMask mask = new EchoMask(secrets, bytes("#"));
            byte[] body = randomBody(r, secrets);
            byte[] expected = oneShot(body, secrets, bytes("#"));

            for (int trial = 0; trial < 20; trial++) {
                byte[] out = randomChunks(r, mask, body);
                assertThat(text(out)).as("seed %d trial %d", seed, trial).isEqualTo(text(expected));
                for (byte[] secret : secrets) {
                    assertThat(text(out)).as("seed %d", seed).doesNotContain(text(secret));
                }
            }
        }
    }

    @Test
    void randomBinaryBodiesWithEveryByteValue() {
        for (long seed = 1; seed <= 100; seed++) {
            Random r = new Random(seed * 7919);
            List<byte[]> secrets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] s = new byte[4 + r.nextInt(30)];
                r.nextBytes(s);
                secrets.add(s);
            }
            byte[] replacement = {0x00};
            EchoMask mask = new EchoMask(secrets, replacement);
            byte[] body = randomBody(r, secrets);
            byte[] expected = oneShot(body, secrets, replacement);

            for (int trial = 0; trial < 10; trial++) {
                assertThat(randomChunks(r, mask, body)).as("seed %d", seed).isEqualTo(expected);
            }
        }
    }

    @Test
    void theByteBufferFormConsumesTheChunk() {
        EchoMask mask = EchoMask.of(List.of("sk-live-12345"), MARK);
        EchoMask.Stream s = mask.stream();
        ByteBuffer chunk = ByteBuffer.wrap(bytes("a sk-live-"));

        ByteBuffer first = s.feed(chunk);
        ByteBuffer second = s.feed(ByteBuffer.wrap(bytes("12345 b")));

        assertThat(chunk.hasRemaining()).isFalse();
        assertThat(text(first) + text(second) + text(s.finish())).isEqualTo("a " + MARK + " b");
    }

    @Test
    void headerValuesAreMasked() {
        EchoMask mask = EchoMask.of(List.of("sk-live-12345", "c2stbGl2ZS0xMjM0NQ=="), MARK);

        assertThat(mask.maskText("Bearer sk-live-12345")).isEqualTo("Bearer " + MARK);
        assertThat(mask.maskText("Basic c2stbGl2ZS0xMjM0NQ==, again sk-live-12345"))
                .isEqualTo("Basic " + MARK + ", again " + MARK);
        assertThat(mask.maskText("nothing here")).isEqualTo("nothing here");
        assertThat(mask.maskText("caf\u00e9 sk-live-12345 \u2603")).isEqualTo("caf\u00e9 " + MARK + " \u2603");
    }

    @Test
    void matchingIsCaseSensitive() {
        EchoMask mask = EchoMask.of(List.of("SecretKey"), MARK);

        assertThat(mask.maskText("secretkey SecretKey")).isEqualTo("secretkey " + MARK);
    }

    @Test
    void refusesShortEmptyOrMissingSecretsAndUnsafeReplacements() {
        assertThatThrownBy(() -> EchoMask.of(List.of("abc"), MARK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 4 bytes")
                .hasMessageNotContaining("abc");
        assertThatThrownBy(() -> EchoMask.of(List.of(""), MARK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EchoMask.of(List.of(), MARK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EchoMask.of(List.of("abcd"), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EchoMask.of(List.of("mask"), "[masked]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replacement");
    }

    @Test
    void aFinishedStreamAcceptsNothingMore() {
        EchoMask.Stream s = EchoMask.of(List.of("abcd"), "#").stream();
        s.finish();

        assertThatThrownBy(() -> s.feed(bytes("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theOneShotReferenceIsItselfRight() {
        List<byte[]> secrets = List.of(bytes("abab"), bytes("bcbc"));

        assertThat(text(oneShot(bytes("xabababx"), secrets, bytes("#")))).isEqualTo("x#x");
        assertThat(text(oneShot(bytes("ababcbc-abab"), secrets, bytes("#")))).isEqualTo("#-#");
        assertThat(text(oneShot(bytes("aba"), secrets, bytes("#")))).isEqualTo("aba");
    }

    /** Feeds {@code body} in random chunks (empty ones too) and returns everything emitted. */
    private static byte[] randomChunks(Random r, EchoMask mask, byte[] body) {
        EchoMask.Stream s = mask.stream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int len = Math.min(body.length - at, r.nextInt(r.nextBoolean() ? 4 : 40));
            out.writeBytes(s.feed(body, at, len));
            assertThat(s.held()).isLessThan(mask.longest());
            at += len;
        }
        out.writeBytes(s.finish());
        return out.toByteArray();
    }

    private static byte[] randomBody(Random r, List<byte[]> secrets) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int parts = r.nextInt(12);
        for (int i = 0; i < parts; i++) {
            body.writeBytes(randomText(r, r.nextInt(10), "abcxyz"));
            byte[] secret = secrets.get(r.nextInt(secrets.size()));
            if (r.nextInt(4) == 0) {
                // A fragment of a secret that must pass through unmasked.
                body.writeBytes(java.util.Arrays.copyOf(secret, r.nextInt(secret.length)));
            } else {
                body.writeBytes(secret);
            }
        }
        return body.toByteArray();
    }

    private static byte[] randomText(Random r, int length, String alphabet) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return b;
    }

    /**
     * The specification, naively: hide every byte inside any occurrence of any secret, and write one
     * replacement per run of hidden bytes.
     */
    static byte[] oneShot(byte[] body, List<byte[]> secrets, byte[] replacement) {
        boolean[] hidden = new boolean[body.length];
        for (byte[] s : secrets) {
            for (int i = 0; i + s.length <= body.length; i++) {
                if (java.util.Arrays.equals(body, i, i + s.length, s, 0, s.length)) {
                    java.util.Arrays.fill(hidden, i, i + s.length, true);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i++) {
            if (!hidden[i]) {
                out.write(body[i]);
            } else if (i == 0 || !hidden[i - 1]) {
                out.writeBytes(replacement);
            }
        }
        return out.toByteArray();
    }

    private static String streamed(EchoMask mask, String body, int chunk) {
        EchoMask.Stream s = mask.stream();
        StringBuilder out = new StringBuilder();
        byte[] b = bytes(body);
        for (int i = 0; i < b.length; i += chunk) {
            out.append(text(s.feed(b, i, Math.min(chunk, b.length - i))));
        }
        return out.append(text(s.finish())).toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, ISO_8859_1);
    }

    private static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return text(a);
    }
}
