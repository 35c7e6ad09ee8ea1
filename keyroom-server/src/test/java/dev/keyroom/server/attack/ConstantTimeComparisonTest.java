package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * AUTH-9: comparisons of secret material are constant-time. A timing test would measure noise, so
 * this guards the source instead: no production code compares byte arrays with an early-exit
 * comparison, and the places that compare secrets go through {@code MessageDigest.isEqual}.
 */
class ConstantTimeComparisonTest {
    static final Pattern EARLY_EXIT = Pattern.compile("Arrays\\.equals\\(|Arrays\\.compare\\(|Arrays\\.mismatch\\(");

    static List<Path> mainSources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().startsWith("keyroom-"))
                    .toList()) {
                Path main = m.resolve("src/main/java");
                if (Files.isDirectory(main) && !m.getFileName().toString().equals("keyroom-bench")) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(out::add);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void productionCode_hasNoEarlyExitByteComparison() throws IOException {
        // AUTH-9: an early-exit comparison of a MAC, digest, key or pin would leak where it differs.
        List<Path> sources = mainSources();
        assertThat(sources).hasSizeGreaterThan(50);
        List<String> offenders = new ArrayList<>();
        for (Path f : sources) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (EARLY_EXIT.matcher(lines.get(i)).find()) {
                    offenders.add(f.getFileName() + ":" + (i + 1));
                }
            }
        }
        assertThat(offenders).as("use Digests.constantTimeEquals").isEmpty();
    }

    @Test
    void secretComparisons_useConstantTimeEquality() throws IOException {
        // AUTH-9: the digest check, pins and secret equality each compare with MessageDigest.isEqual.
        String all = String.join(
                "\n",
                mainSources().stream()
                        .map(p -> {
                            try {
                                return p.getFileName() + "\n" + Files.readString(p);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })
                        .toList());
        assertThat(all).contains("return MessageDigest.isEqual(a, b);");
        assertThat(all).contains("!Digests.constantTimeEquals(headers.claimedDigest().get(), bodySha256)");
        assertThat(all).contains("!MessageDigest.isEqual(expected, actual)");
        assertThat(all).contains("return MessageDigest.isEqual(bytes, other.bytes);");
    }
}
