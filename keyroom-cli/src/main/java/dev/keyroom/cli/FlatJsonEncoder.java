package dev.keyroom.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One compact JSON object per log line, every field at the top level: {@code ts}, {@code level},
 * {@code logger} (its simple name), {@code msg} (formatted), the event's key-value pairs, and
 * {@code error} for a failure. Jackson escapes what clients sent, control characters included, so
 * a line cannot be forged (LOG-2).
 */
public final class FlatJsonEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        line.put("level", e.getLevel().toString());
        String logger = e.getLoggerName();
        line.put("logger", logger.substring(logger.lastIndexOf('.') + 1));
        line.put("msg", e.getFormattedMessage());
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) {
                line.putIfAbsent(
                        kv.key,
                        kv.value == null
                                ? null
                                : kv.value instanceof Number || kv.value instanceof Boolean
                                        ? kv.value
                                        : String.valueOf(kv.value));
            }
        }
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            line.put("error", t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        }
        return (Json.writeString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
