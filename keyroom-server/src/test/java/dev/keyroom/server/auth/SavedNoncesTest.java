package dev.keyroom.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.auth.NonceStore;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH-3 across a restart: what a clean stop saves, what a start without it fences. */
class SavedNoncesTest {
    static final EndpointId KEY = new EndpointId("0123456789abcdef0123456789abcdef");
    static final Duration SKEW = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aCleanStop_savesTheNonces_andTheNextStartRefusesThem_withoutAFence() throws Exception {
        Path file = dir.resolve("nonces.saved");
        SavedNonces.writeEmpty(file);
        TestClock clock = new TestClock(Instant.parse("2026-12-03T12:00:00Z"));
        InMemoryNonceStore first = new InMemoryNonceStore(100);
        SavedNonces saved = SavedNonces.restore(file, first, clock, SKEW);
        assertThat(saved.fence()).isEmpty();
        assertThat(Files.exists(file)).as("gone while the node runs").isFalse();
        first.claim(KEY, "captured-nonce-xxxxxx", clock.now(), SKEW.multipliedBy(2));
        saved.close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        clock.advance(Duration.ofSeconds(5));
        InMemoryNonceStore second = new InMemoryNonceStore(100);
        SavedNonces again = SavedNonces.restore(file, second, clock, SKEW);
        assertThat(again.fence()).isEmpty();
        assertThat(second.claim(KEY, "captured-nonce-xxxxxx", clock.now(), SKEW.multipliedBy(2)))
                .isEqualTo(NonceStore.Claim.REPLAYED);
    }

    @Test
    void aStartWithoutSavedNonces_orWithAnUnreadableFile_fencesUntilStartPlusSkew() throws Exception {
        Path file = dir.resolve("nonces.saved");
        TestClock clock = new TestClock(Instant.parse("2026-12-03T12:00:00Z"));
        SavedNonces crashed = SavedNonces.restore(file, new InMemoryNonceStore(100), clock, SKEW);
        assertThat(crashed.fence()).contains(clock.now().plus(SKEW));

        Files.writeString(file, "keyroom-nonces 1\nnot a line\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SavedNonces garbled = SavedNonces.restore(file, new InMemoryNonceStore(100), clock, SKEW);
        assertThat(garbled.fence()).contains(clock.now().plus(SKEW));
        assertThat(Files.exists(file)).isFalse();
    }
}
