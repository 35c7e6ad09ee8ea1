package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;

/**
 * LOG-2 and LOG-3: logs are flat JSON lines, strings that came from clients cannot forge lines or
 * drive a terminal, failed authentications name the key id, and data-plane sessions are logged
 * with shortened ids.
 */
class LogFormatTest {
    @TempDir
    Path dir;

    @Test
    void clientControlledStrings_areEscapedIntoOneFlatJsonLine() {
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        FlatJsonEncoder enc = new FlatJsonEncoder();
        enc.setContext(ctx);
        enc.start();
        String hostile = "/v1/x\n{\"level\":\"INFO\",\"message\":\"forged\"}\u001b[31mred\u0007";
        LoggingEvent e = new LoggingEvent(
                "test", ctx.getLogger("dev.keyroom.Test"), Level.WARN, "applied {}", null, new Object[] {"V001"});
        e.addKeyValuePair(new KeyValuePair("path", hostile));
        String line = new String(enc.encode(e), StandardCharsets.UTF_8);
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(line).endsWith("}\n").startsWith("{\"ts\":\"");
        assertThat(line).contains("\\n").containsIgnoringCase("\\u001b").doesNotContain("\"message\":\"forged\"}");
        JsonNode j = Json.mapper().readTree(line);
        assertThat(j.get("msg").asString()).isEqualTo("applied V001");
        assertThat(j.get("logger").asString()).isEqualTo("Test");
        assertThat(j.get("path").asString()).isEqualTo(hostile);
    }

    @Test
    void serverLog_isFlat_namesTheKeyOfAFailedAuthentication_andLogsSessions() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("keyroom.yaml"), "log:\n  level: info\n  format: json\n");
        TailReconnectTest.Node node = TailReconnectTest.Node.start(data, "127.0.0.1:0");
        String[] admin = {
            "--server",
            node.url(),
            "--pin",
            node.pin(),
            "--identity",
            data.resolve("admin.identity").toString()
        };
        String stranger;
        try (node) {
            Path strangerFile = dir.resolve("stranger.identity");
            stranger = CliTest.run("keygen", "--out", strangerFile.toString())
                    .out()
                    .strip();
            CliTest.Result refused = CliTest.run(
                    "whoami", "--server", node.url(), "--pin", node.pin(), "--identity", strangerFile.toString());
            assertThat(refused.code()).isEqualTo(Main.EXIT_FAILED);
            String room = CliTest.run(concat(new String[] {"room", "create", "ops", "--json"}, admin))
                    .out()
                    .replaceAll("(?s).*\"room_id\":\"([0-9a-f]{32})\".*", "$1")
                    .strip();
            assertThat(CliTest.run(concat(new String[] {"send", room, "hi"}, admin))
                            .code())
                    .isZero();
            assertThat(CliTest.run(concat(new String[] {"tail", room, "--count", "1"}, admin))
                            .code())
                    .isZero();
        }
        List<String> lines = Files.readAllLines(dir.resolve("server.log"));
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            JsonNode j = Json.mapper().readTree(l);
            assertThat(j.isObject()).as(l).isTrue();
            j.properties()
                    .forEach(f -> assertThat(f.getValue().isContainer()).as(l).isFalse());
            assertThat(l).as(l).doesNotContain("{}").doesNotContain("sign_seed").doesNotContain("kex_private");
        }
        assertThat(lines).anyMatch(l -> l.contains("\"msg\":\"applied schema migration V001"));
        assertThat(lines)
                .anyMatch(l -> l.contains("\"msg\":\"authentication failed\"")
                        && l.contains("\"key_id\":\"" + stranger + "\"")
                        && l.contains("\"reason\":"));
        assertThat(lines)
                .anyMatch(l -> l.matches(".*\"msg\":\"data-plane session opened\",\"session\":\"[A-Za-z0-9_-]{8}\".*"));
        assertThat(lines)
                .anyMatch(l -> l.matches(".*\"msg\":\"data-plane session closed\",\"session\":\"[A-Za-z0-9_-]{8}\".*"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
