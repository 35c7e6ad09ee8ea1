package dev.keyroom.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.testkit.TestClock;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UI-1, UI-2: tickets and sessions of 256 bits, single-use tickets, and only keyed hashes kept. */
class ConsoleSessionsTest {
    static final EndpointId ADMIN = new EndpointId("0123456789abcdef0123456789abcdef");

    @TempDir
    Path dir;

    ConsoleSessions sessions(TestClock clock) throws Exception {
        return new ConsoleSessions(TokenHasher.open(dir.resolve("console.key"), new SecureRandom()), clock);
    }

    @Test
    void theKey_isMadeOwnerOnly_and256Bits() throws Exception {
        sessions(TestClock.atSystemTime());
        Path key = dir.resolve("console.key");
        assertThat(Files.size(key)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
    }

    @Test
    void aTicket_isGoodOnce_andOnlyWithin60Seconds() throws Exception {
        TestClock clock = TestClock.atSystemTime();
        ConsoleSessions s = sessions(clock);
        String once = s.issue(ADMIN).token();
        assertThat(s.redeem(once)).contains(ADMIN);
        assertThat(s.redeem(once)).isEmpty();
        String late = s.issue(ADMIN).token();
        clock.advance(Duration.ofSeconds(60));
        assertThat(s.redeem(late)).isEmpty();
        assertThat(s.redeem("not-a-ticket")).isEmpty();
    }

    @Test
    void onlyKeyedHashes_areKept_neverATicketASessionOrACsrfToken() throws Exception {
        // UI-1: what the server holds names each credential without revealing it.
        ConsoleSessions s = sessions(TestClock.atSystemTime());
        String ticket = s.issue(ADMIN).token();
        ConsoleSessions.Opened opened = s.open(ADMIN);
        String held = held(s);
        assertThat(held).isNotEmpty().doesNotContain(ticket, opened.token(), opened.csrf());
        assertThat(opened.toString()).doesNotContain(opened.token(), opened.csrf());
        assertThat(s.issue(ADMIN).toString()).contains("REDACTED");
        assertThat(s.use(opened.token())).isPresent();
        assertThat(s.csrfMatches(opened.token(), opened.csrf())).isTrue();
        assertThat(s.csrfMatches(opened.token(), opened.csrf().toUpperCase())).isFalse();
        assertThat(s.csrfMatches(s.open(ADMIN).token(), opened.csrf()))
                .as("another session's token")
                .isFalse();
    }

    @Test
    void endUnless_endsTheSessionsAndTicketsOfAdminsNoLongerActive() throws Exception {
        ConsoleSessions s = sessions(TestClock.atSystemTime());
        ConsoleSessions.Opened opened = s.open(ADMIN);
        String ticket = s.issue(ADMIN).token();
        assertThat(s.endUnless(e -> !e.equals(ADMIN))).isEqualTo(1);
        assertThat(s.use(opened.token())).isEmpty();
        assertThat(s.redeem(ticket)).isEmpty();
    }

    /** Everything the sessions object holds in its maps, keys and values, as text. */
    private static String held(ConsoleSessions s) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String name : new String[] {"tickets", "sessions"}) {
            Field f = ConsoleSessions.class.getDeclaredField(name);
            f.setAccessible(true);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) f.get(s)).entrySet()) {
                out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
                if (e.getValue() != null && e.getValue().getClass().getDeclaredFields().length > 0) {
                    for (Field inner : e.getValue().getClass().getDeclaredFields()) {
                        inner.setAccessible(true);
                        out.append(inner.get(e.getValue())).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }
}
