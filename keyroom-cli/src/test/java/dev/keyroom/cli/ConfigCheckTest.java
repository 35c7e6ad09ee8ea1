package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code config check}: every problem at once, by YAML name, and JSON in the file's own words. */
class ConfigCheckTest {
    @TempDir
    Path dir;

    @Test
    void everyProblem_atOnce_byYamlName() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, """
                lisen: 127.0.0.1:9443
                skew_seconds: lots
                limits:
                  max_conections: 10
                  ban_seconds: 0
                tls: yes please
                messages:
                  retain_days: 99999
                """);
        CliTest.Result r = CliTest.run("config", "check", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err())
                .startsWith("keyroom: [config_invalid] " + f + " has 6 problems:\n")
                .contains("  - unknown setting lisen (known: ")
                .contains("  - skew_seconds must be a whole number, not 'lots'\n")
                .contains("  - unknown setting limits.max_conections (known in limits: ")
                .contains("  - tls must be a section of settings")
                .contains("  - messages.retain_days must be 1 to 3650\n")
                .contains("  - limits.ban_seconds must be ")
                .doesNotContain("class ")
                .doesNotContain("dev.keyroom")
                .endsWith("  fix them and run 'keyroom config check " + f + "' again\n");

        CliTest.Result json = CliTest.run("config", "check", f.toString(), "--json");
        assertThat(json.code()).isEqualTo(Main.EXIT_USAGE);
        JsonNode e = Json.mapper().readTree(json.err()).get("error");
        assertThat(e.get("code").asString()).isEqualTo("config_invalid");
        assertThat(e.get("details")).hasSize(6);
    }

    @Test
    void json_speaksTheFilesVocabulary() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "listen: 127.0.0.1:9443\nlimits:\n  max_connections: 100\nmessages:\n  retain_days: 7\n");
        CliTest.Result r = CliTest.run("config", "check", f.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode s = Json.mapper().readTree(r.out()).get("settings");
        assertThat(s.get("listen").asString()).isEqualTo("127.0.0.1:9443");
        assertThat(s.get("auth_mode").asString()).isEqualTo("enforce");
        assertThat(s.get("insecure_plaintext").asBoolean()).isFalse();
        assertThat(s.get("limits").get("max_connections").asInt()).isEqualTo(100);
        assertThat(s.get("messages").get("retain_days").asInt()).isEqualTo(7);
        // Every key it prints is one the file may hold: it checks as a file itself.
        Path back = dir.resolve("back.yaml");
        Files.writeString(back, r.out().replaceAll("(?s).*\"settings\":(\\{.*\\})\\}\\s*$", "$1"));
        assertThat(CliTest.run("config", "check", back.toString()).code()).isZero();
    }
}
