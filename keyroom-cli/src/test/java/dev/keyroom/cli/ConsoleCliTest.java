package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyroom console login}: a one-time link to the node's console, or what to configure. */
class ConsoleCliTest {
    @TempDir
    Path dir;

    @Test
    void consoleLogin_printsALinkWhoseTicketIsInTheFragment() throws Exception {
        try (CliNode node = CliNode.start(dir, "console:\n  listen: 127.0.0.1:0\n")) {
            CliTest.Result r = node.run("console", "login");
            assertThat(r.code()).as(r.err()).isZero();
            URI link = URI.create(r.out().lines().findFirst().orElseThrow());
            assertThat(link.getScheme()).isEqualTo("https");
            assertThat(link.getPath()).isEqualTo("/console/");
            assertThat(link.getRawQuery()).isNull();
            assertThat(link.getRawFragment()).matches("ticket=[A-Za-z0-9_-]{43}");
            assertThat(r.out()).contains("within 60 seconds");
            CliTest.Result json = node.run("console", "login", "--json");
            assertThat(json.out()).contains("\"url\":\"https://", "\"expires_at\":\"");
        }
    }

    @Test
    void consoleLogin_onANodeWithoutAConsole_saysWhatToSet() throws Exception {
        try (CliNode node = CliNode.start(dir)) {
            CliTest.Result r = node.run("console", "login");
            assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
            assertThat(r.err()).contains("console.listen");
        }
    }
}
