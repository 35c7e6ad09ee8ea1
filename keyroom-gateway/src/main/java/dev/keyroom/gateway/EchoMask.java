package dev.keyroom.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Hides an injected credential that an upstream echoes back (GW-1): an API that reflects the
 * request's headers or URL, an error page quoting the query string. Every byte that belongs to an
 * occurrence of any secret is hidden, and each run of hidden bytes becomes one replacement, so
 * overlapping or adjacent occurrences, and secrets that are prefixes of each other, leave one
 * marker and no fragment.
 *
 * <p>Bodies arrive in chunks, and a secret may be split across any of their boundaries, so a
 * {@link Stream} holds back the bytes that could still begin an occurrence (at most the longest
 * secret's length less one) and emits the rest. It matches all secrets in one pass with an
 * Aho-Corasick automaton, so the cost per byte does not grow with the number of secrets.
 *
 * <p>Matching is exact and case-sensitive on bytes. Secrets shorter than {@value #MIN_SECRET} bytes
 * are refused: masking every "abc" would corrupt bodies, so the caller must refuse such a credential
 * instead. The mask never prints its secrets.
 */
public final class EchoMask {
    public static final int MIN_SECRET = 4;

    private static final int ALPHABET = 256;

    private final byte[] replacement;
    private final int longest;
    /** The automaton's transitions, {@code ALPHABET} per state; state 0 is the root. */
    private final int[] next;
    /** For each state, the length of the longest secret ending there, 0 if none. */
    private final int[] matchLength;
    /** For each state, its depth: how many trailing bytes could still start an occurrence. */
    private final int[] depth;

    /**
     * @param secrets the raw value and every encoding the gateway injects it in; each at least
     *     {@value #MIN_SECRET} bytes
     * @param replacement what an occurrence becomes, for example {@code [keyroom:masked]}
     */
    public EchoMask(Collection<byte[]> secrets, byte[] replacement) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("an echo mask needs at least one secret");
        }
        int longest = 0;
        int total = 1;
        for (byte[] s : secrets) {
            if (s.length < MIN_SECRET) {
                throw new IllegalArgumentException("a secret to mask must be at least " + MIN_SECRET
                        + " bytes; shorter ones would mask ordinary text, so refuse such a credential");
            }
            longest = Math.max(longest, s.length);
            total += s.length;
        }
        if (replacement.length == 0) {
            throw new IllegalArgumentException("the replacement for a masked secret must not be empty");
        }
        this.replacement = replacement.clone();
        this.longest = longest;
        int[] goTo = new int[total * ALPHABET];
        Arrays.fill(goTo, -1);
        int[] lengths = new int[total];
        int[] depths = new int[total];
        int states = 1;
        for (byte[] s : secrets) {
            int state = 0;
            for (byte b : s) {
                int slot = state * ALPHABET + (b & 0xff);
                if (goTo[slot] < 0) {
                    depths[states] = depths[state] + 1;
                    goTo[slot] = states++;
                }
                state = goTo[slot];
            }
            lengths[state] = s.length;
        }
        this.depth = Arrays.copyOf(depths, states);
        this.matchLength = Arrays.copyOf(lengths, states);
        this.next = Arrays.copyOf(goTo, states * ALPHABET);
        link(states);
        if (indexOfAny(this.replacement) >= 0) {
            throw new IllegalArgumentException("the replacement must not itself hold a secret");
        }
    }

    /** Convenience: the secrets as UTF-8 text, the replacement as UTF-8. */
    public static EchoMask of(List<String> secrets, String replacement) {
        return new EchoMask(
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList(),
                replacement.getBytes(StandardCharsets.UTF_8));
    }

    /** The longest secret's length; a stream holds back at most one byte less. */
    public int longest() {
        return longest;
    }

    /** A masker for one response body; not thread-safe, as a body arrives in order. */
    public Stream stream() {
        return new Stream();
    }

    /** Masks one whole value, such as a response header's. */
    public byte[] mask(byte[] whole) {
        Stream s = stream();
        byte[] head = s.feed(whole);
        byte[] tail = s.finish();
        byte[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    /**
     * Masks a header value. A value that fits in ISO-8859-1 is matched on those bytes, which is how
     * HTTP/1.1 carries header octets; anything wider on its UTF-8 bytes.
     */
    public String maskText(String value) {
        boolean latin1 = value.chars().allMatch(c -> c <= 0xff);
        var charset = latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
        byte[] bytes = value.getBytes(charset);
        if (indexOfAny(bytes) < 0) {
            return value;
        }
        return new String(mask(bytes), charset);
    }

    /** Builds the failure links breadth first and folds them into a complete transition table. */
    private void link(int states) {
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < ALPHABET; c++) {
            int child = next[c];
            if (child < 0) {
                next[c] = 0;
            } else {
                fail[child] = 0;
                queue.add(child);
            }
        }
        while (!queue.isEmpty()) {
            int state = queue.poll();
            // The longest secret ending here may be a proper suffix of this state's path.
            matchLength[state] = Math.max(matchLength[state], matchLength[fail[state]]);
            for (int c = 0; c < ALPHABET; c++) {
                int slot = state * ALPHABET + c;
                int child = next[slot];
                if (child < 0) {
                    next[slot] = next[fail[state] * ALPHABET + c];
                } else {
                    fail[child] = next[fail[state] * ALPHABET + c];
                    queue.add(child);
                }
            }
        }
    }

    /** Where the first occurrence of any secret ends in {@code bytes}, or -1. */
    private int indexOfAny(byte[] bytes) {
        int state = 0;
        for (int i = 0; i < bytes.length; i++) {
            state = next[state * ALPHABET + (bytes[i] & 0xff)];
            if (matchLength[state] > 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One response's masking state. {@link #feed} returns what is safe to emit now; {@link #finish}
     * returns the bytes held back at the end. Holds back only bytes that are the start of a
     * possible occurrence, so output lags input by less than the longest secret.
     */
    public final class Stream {
        private int state;
        /** Bytes read but not yet emitted, and whether each is hidden. */
        private byte[] pending = new byte[Math.max(64, longest * 2)];

        private boolean[] hidden = new boolean[pending.length];
        private int pendingLength;
        /** Whether the last byte emitted was hidden, so a run that spans a flush stays one marker. */
        private boolean lastHidden;

        private boolean finished;

        private Stream() {}

        public byte[] feed(byte[] chunk) {
            return feed(chunk, 0, chunk.length);
        }

        public byte[] feed(byte[] chunk, int offset, int length) {
            requireOpen();
            ByteArrayOutputStream out = new ByteArrayOutputStream(length + replacement.length);
            for (int i = offset; i < offset + length; i++) {
                byte b = chunk[i];
                state = next[state * ALPHABET + (b & 0xff)];
                append(b);
                int match = matchLength[state];
                if (match > 0) {
                    // An occurrence may begin in bytes already emitted, all of them hidden.
                    Arrays.fill(hidden, Math.max(0, pendingLength - match), pendingLength, true);
                }
                if (pendingLength == pending.length) {
                    flush(out, pendingLength - undecided());
                }
            }
            flush(out, pendingLength - undecided());
            return out.toByteArray();
        }

        /**
         * How many trailing bytes a later occurrence could still hide: the automaton's depth, less
         * than the longest secret, or none when those bytes are all hidden already.
         */
        private int undecided() {
            return matchLength[state] == depth[state] ? 0 : depth[state];
        }

        /** Consumes {@code chunk}'s remaining bytes; returns what is safe to emit now. */
        public ByteBuffer feed(ByteBuffer chunk) {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            return ByteBuffer.wrap(feed(bytes));
        }

        /** The body has ended: emits every byte still held back. No more input is accepted. */
        public byte[] finish() {
            requireOpen();
            finished = true;
            ByteArrayOutputStream out = new ByteArrayOutputStream(pendingLength + replacement.length);
            flush(out, pendingLength);
            Arrays.fill(pending, (byte) 0);
            return out.toByteArray();
        }

        /** How many bytes are held back now. */
        public int held() {
            return pendingLength;
        }

        private void append(byte b) {
            if (pendingLength == pending.length) {
                // Cannot happen: a full buffer is flushed down to the automaton's depth (< longest).
                throw new IllegalStateException("echo mask buffer overflow");
            }
            pending[pendingLength] = b;
            hidden[pendingLength] = false;
            pendingLength++;
        }

        /** Emits the first {@code count} pending bytes; no later match can reach them. */
        private void flush(ByteArrayOutputStream out, int count) {
            if (count <= 0) {
                return;
            }
            for (int i = 0; i < count; i++) {
                if (hidden[i]) {
                    if (!lastHidden) {
                        out.writeBytes(replacement);
                    }
                    lastHidden = true;
                } else {
                    out.write(pending[i]);
                    lastHidden = false;
                }
            }
            int rest = pendingLength - count;
            System.arraycopy(pending, count, pending, 0, rest);
            System.arraycopy(hidden, count, hidden, 0, rest);
            Arrays.fill(pending, rest, pendingLength, (byte) 0);
            pendingLength = rest;
        }

        private void requireOpen() {
            if (finished) {
                throw new IllegalStateException("this echo mask stream has finished");
            }
        }
    }
}
