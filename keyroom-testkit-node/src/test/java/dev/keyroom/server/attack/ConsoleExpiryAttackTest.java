package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.TestNode;
import dev.keyroom.server.console.ConsoleHttp;
import dev.keyroom.server.console.ConsoleHttp.Session;
import dev.keyroom.testkit.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UI-1, UI-2: the console's credentials end by time, on a node whose clock the test moves (its
 * admin signs on the same clock): a ticket after 60 s, a session after 15 minutes unused, and a
 * session in use after 8 hours.
 */
class ConsoleExpiryAttackTest {
    @TempDir
    Path dir;

    @Test
    void UI_1_aTicketOlderThan60Seconds_isRefused_andOneJustYoungerIsTaken() throws Exception {
        // UI-1: 60 s.
        TestClock clock = TestClock.atSystemTime();
        try (TestNode node = TestNode.start(dir, "console:\n  listen: 127.0.0.1:0\n", clock);
                ConsoleHttp http = new ConsoleHttp(node)) {
            String old = node.admin.console().login().url();
            String young = node.admin.console().login().url();
            clock.advance(Duration.ofSeconds(59));
            assertThat(http.login(young).token()).isNotEmpty();
            clock.advance(Duration.ofSeconds(2));
            assertThat(http.postLogin(ConsoleHttp.ticket(old), http.origin()).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void UI_2_aSessionIdlesOutAfter15Minutes_andEndsAfter8HoursHoweverBusy() throws Exception {
        // UI-2: idle 15 min, absolute 8 h.
        TestClock clock = TestClock.atSystemTime();
        try (TestNode node = TestNode.start(dir, "console:\n  listen: 127.0.0.1:0\n", clock);
                ConsoleHttp http = new ConsoleHttp(node)) {
            Session idle = http.login(node.admin.console().login().url());
            Session busy = http.login(node.admin.console().login().url());
            clock.advance(Duration.ofMinutes(14));
            assertThat(http.call(busy, "GET", "/console/api/users", null).status())
                    .isEqualTo(200);
            clock.advance(Duration.ofMinutes(1).plusSeconds(1));
            assertThat(http.call(idle, "GET", "/console/api/users", null).status())
                    .isEqualTo(401);
            assertThat(http.call(busy, "GET", "/console/api/users", null).status())
                    .isEqualTo(200);
            // Used every 14 minutes: 15 min + 33 x 14 min = 7 h 57 min, still within 8 hours.
            for (int i = 1; i <= 33; i++) {
                clock.advance(Duration.ofMinutes(14));
                assertThat(http.call(busy, "GET", "/console/api/users", null).status())
                        .as("after %d minutes", 15 + 14 * i)
                        .isEqualTo(200);
            }
            clock.advance(Duration.ofMinutes(14));
            assertThat(http.call(busy, "GET", "/console/api/users", null).status())
                    .as("past 8 hours")
                    .isEqualTo(401);
        }
    }
}
