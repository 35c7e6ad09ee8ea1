package dev.keyroom.mcp;

import dev.keyroom.client.Delivery;
import dev.keyroom.core.identity.EndpointId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message as a model sees it, after the SDK verified and opened it: text as text; a blob
 * reference as the blob's id and size, without the key that travels in it; anything else as its
 * size; and a message the SDK refused as the reason. A blob key quoted inside a text is withheld
 * too, so no tool result can hand a model the means to open a blob by itself.
 */
final class MessageView {
    /** The most of one text handed back; the rest is cut and said to be. */
    static final int MAX_TEXT = 32 * 1024;

    private static final Pattern BLOB_REF =
            Pattern.compile("keyroom-blob:v1:([0-9a-f]{64}):([0-9]{1,19}):([A-Za-z0-9_-]*)");

    private MessageView() {}

    static Map<String, Object> of(Delivery d, EndpointId me) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", d.seq());
        switch (d) {
            case Delivery.Accepted a -> {
                m.put("sender", a.sender().value());
                m.put("from_me", a.sender().equals(me));
                m.put("sent_at", a.sentAt().toString());
                body(m, a.plaintext());
            }
            case Delivery.Rejected r -> m.put("rejected", "the SDK refused this message: " + r.reason());
        }
        return m;
    }

    private static void body(Map<String, Object> m, byte[] plaintext) {
        String text = utf8(plaintext);
        if (text == null) {
            m.put("binary_bytes", plaintext.length);
            return;
        }
        Matcher ref = BLOB_REF.matcher(text.strip());
        if (ref.matches()) {
            m.put("blob", Map.of("blob_id", ref.group(1), "stored_bytes", Long.parseLong(ref.group(2))));
            return;
        }
        String shown = withoutBlobKeys(text);
        if (shown.length() > MAX_TEXT) {
            m.put("text", shown.substring(0, MAX_TEXT));
            m.put("text_truncated", true);
        } else {
            m.put("text", shown);
        }
    }

    /** {@code text} with the key of every blob reference in it left out. */
    static String withoutBlobKeys(String text) {
        return BLOB_REF.matcher(text).replaceAll("keyroom-blob:v1:$1:$2:[key withheld]");
    }

    /** The blob id a message's body refers to, if its body is a blob reference. */
    static boolean refersTo(byte[] plaintext, String blobId) {
        String text = utf8(plaintext);
        if (text == null) {
            return false;
        }
        Matcher ref = BLOB_REF.matcher(text.strip());
        return ref.matches() && ref.group(1).equals(blobId);
    }

    /** {@code b} as UTF-8 text without NUL, or null when it is not. */
    static String utf8(byte[] b) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
            return s.indexOf('\0') >= 0 ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
