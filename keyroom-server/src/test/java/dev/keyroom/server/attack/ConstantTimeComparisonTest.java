package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.MainSources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * AUTH-9: comparisons of secret material are constant-time. A timing test would measure noise, so
 * this guards the source instead: no production code compares byte arrays with an early-exit
 * comparison, and the places that compare secrets go through {@code MessageDigest.isEqual}.
 */
class ConstantTimeComparisonTest {
    static final Pattern EARLY_EXIT = Pattern.compile("Arrays\\.equals\\(|Arrays\\.compare\\(|Arrays\\.mismatch\\(");

    /** Production code, load generators aside (they compare nothing secret). */
    static List<MainSources.Source> mainSources() throws IOException {
        return MainSources.read().stream()
                .filter(s -> !s.module().equals("keyroom-bench"))
                .toList();
    }

    @Test
    void productionCode_hasNoEarlyExitByteComparison() throws IOException {
        // AUTH-9: an early-exit comparison of a MAC, digest, key or pin would leak where it differs.
        List<MainSources.Source> sources = mainSources();
        assertThat(sources).hasSizeGreaterThan(50);
        List<String> offenders = new ArrayList<>();
        for (MainSources.Source s : sources) {
            List<String> lines = s.text().lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (EARLY_EXIT.matcher(lines.get(i)).find()) {
                    offenders.add(s.file().getFileName() + ":" + (i + 1));
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
                        .map(s -> s.file().getFileName() + "\n" + s.text())
                        .toList());
        assertThat(all).contains("return MessageDigest.isEqual(a, b);");
        assertThat(all).contains("!Digests.constantTimeEquals(headers.claimedDigest().get(), bodySha256)");
        assertThat(all).contains("!MessageDigest.isEqual(expected, actual)");
        assertThat(all).contains("return MessageDigest.isEqual(bytes, other.bytes);");
    }
}
