package dev.keyroom.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No tool can hand a model a secret's value, because none reads one: nothing in this module's
 * sources reaches the SDK's vault ({@code secrets()}, {@code Secrets}, {@code SecretValue}).
 */
class NoSecretReadTest {
    @Test
    void theToolsSources_neverReachTheVault() throws IOException {
        Path main = Path.of("src", "main", "java", "dev", "keyroom", "mcp");
        List<Path> sources;
        try (Stream<Path> files = Files.list(main)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(10);
        for (Path f : sources) {
            assertThat(Files.readString(f))
                    .as(f.getFileName().toString())
                    .doesNotContain("secrets()")
                    .doesNotContain("client.Secrets")
                    .doesNotContain("SecretValue");
        }
    }
}
