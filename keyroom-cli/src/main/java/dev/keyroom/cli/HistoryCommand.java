package dev.keyroom.cli;

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

    @Override
    Printed run(KeyroomClient c) {
        List<Delivery> ds = c.messages().history(roomId(), after, limit);
        List<Map<String, Object>> json = ds.stream().map(HistoryCommand::json).toList();
        return Printed.lines(Map.of("messages", json), ds, HistoryCommand::line);
    }

    static Map<String, Object> json(Delivery d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", d.seq());
        switch (d) {
            case Delivery.Accepted a -> {
                m.put("sender", a.sender().value());
                m.put("epoch", a.epoch());
                m.put("sent_at", a.sentAt().toString());
                m.put("body", Base64Url.encode(a.plaintext()));
            }
            case Delivery.Rejected r -> m.put("rejected", r.reason());
        }
        return m;
    }

    static String line(Delivery d) {
        return switch (d) {
            case Delivery.Accepted a ->
                d.seq() + " " + a.sender().shortForm() + " " + a.sentAt() + " " + printable(a.plaintext());
            case Delivery.Rejected r -> d.seq() + " REJECTED: " + r.reason();
        };
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
