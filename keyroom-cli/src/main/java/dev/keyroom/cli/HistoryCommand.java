package dev.keyroom.cli;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "history",
        description = "Read a room's messages, verified and decrypted here; rejected ones are shown as such.")
final class HistoryCommand extends OnRoom {
    @Option(names = "--after", defaultValue = "0", description = "Only messages after this sequence")
    long after;

    @Option(names = "--limit", defaultValue = "200", description = "At most this many (1 to 1000)")
    int limit;

    @Option(
            names = "--show-keys",
            description = "Print blob references whole, with the key that decrypts each blob (kept out by default)")
    boolean showKeys;

    @Override
    Printed run(KeyroomClient c) {
        List<Delivery> ds = c.messages().history(roomId(), after, limit);
        List<Map<String, Object>> json = ds.stream().map(d -> json(d, showKeys)).toList();
        return Printed.lines(Map.of("messages", json), ds, d -> line(d, showKeys));
    }

    /**
     * A delivery as JSON; a blob reference as {@code blob} (its address and size) without the key
     * that decrypts it, unless {@code showKeys}.
     */
    static Map<String, Object> json(Delivery d, boolean showKeys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", d.seq());
        switch (d) {
            case Delivery.Accepted a -> {
                m.put("sender", a.sender().value());
                m.put("epoch", a.epoch());
                m.put("sent_at", a.sentAt().toString());
                BlobRef ref = blobRef(a.plaintext());
                if (ref != null) {
                    try (ref) {
                        m.put("blob", Map.of("sha256", ref.sha256(), "size", ref.size()));
                    }
                }
                if (ref == null || showKeys) {
                    m.put("body", Base64Url.encode(a.plaintext()));
                }
            }
            case Delivery.Rejected r -> m.put("rejected", r.reason());
        }
        return m;
    }

    static String line(Delivery d, boolean showKeys) {
        return switch (d) {
            case Delivery.Accepted a ->
                d.seq() + " " + a.sender().shortForm() + " " + a.sentAt() + " "
                        + body(d.seq(), a.plaintext(), showKeys);
            case Delivery.Rejected r -> d.seq() + " REJECTED: " + r.reason();
        };
    }

    private static String body(long seq, byte[] plaintext, boolean showKeys) {
        BlobRef ref = showKeys ? null : blobRef(plaintext);
        if (ref == null) {
            return printable(plaintext);
        }
        try (ref) {
            return "blob " + ref.sha256() + " (" + ref.size() + " bytes; keyroom blob get ROOM " + seq + " --out FILE)";
        }
    }

    /** The blob reference {@code plaintext} is, or null. */
    static BlobRef blobRef(byte[] plaintext) {
        if (plaintext.length > 200 || !new String(plaintext, StandardCharsets.US_ASCII).startsWith("keyroom-blob:")) {
            return null;
        }
        try {
            return BlobRef.fromMessage(plaintext);
        } catch (IllegalArgumentException notOne) {
            return null;
        }
    }

    /** Text as text with control characters escaped; anything else as base64url. */
    static String printable(byte[] b) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
            StringBuilder out = new StringBuilder();
            s.codePoints().forEach(cp -> {
                if (Character.isISOControl(cp)) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.appendCodePoint(cp);
                }
            });
            return out.toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64Url.encode(b);
        }
    }
}
