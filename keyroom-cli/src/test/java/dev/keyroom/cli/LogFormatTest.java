package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** LOG-2: logs are JSON lines, and strings that came from clients cannot forge lines or drive a terminal. */
class LogFormatTest {
    @Test
    void clientControlledStrings_areEscapedIntoOneJsonLine() {
        // LOG-2: a hostile path with a newline, a fake JSON record and a terminal escape stays one escaped line.
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        JsonEncoder enc = new JsonEncoder();
        enc.setContext(ctx);
        enc.start();
        String hostile = "/v1/x\n{\"level\":\"INFO\",\"message\":\"forged\"}\u001b[31mred\u0007";
        LoggingEvent e =
                new LoggingEvent("test", ctx.getLogger("test"), Level.WARN, "authentication failed", null, null);
        e.addKeyValuePair(new KeyValuePair("path", hostile));
        String line = new String(enc.encode(e), StandardCharsets.UTF_8);
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(line).endsWith("\n");
        assertThat(line.strip()).startsWith("{").endsWith("}");
        assertThat(line).contains("\\n").contains("\\u001B").doesNotContain("\"message\":\"forged\"}");
    }
}
