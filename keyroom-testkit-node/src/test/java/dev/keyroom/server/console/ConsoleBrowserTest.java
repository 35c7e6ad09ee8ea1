package dev.keyroom.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.server.TestNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * The admin console in a real headless Chromium against a real node over real TLS: log in with a
 * link, see the charts drawn from the node's traffic, revoke a user and see its next signed
 * request refused and the entries arrive in the audit page live, unlock a locked agent, lift a
 * ban, filter the audit log. No test may cause a CSP violation or a console error. Each page is
 * photographed into {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {
    static Path dir;
    static TestNode node;
    static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("keyroom-console-browser");
        node = TestNode.start(dir.resolve("node"), """
                console:
                  listen: 127.0.0.1:0
                limits:
                  rate_per_identity: 5
                  burst_per_identity: 200
                  ban_after_refusals: 3
                """);
        chromium = Chromium.start(node.server.pin().orElseThrow(), dir.resolve("chromium"));
    }

    @AfterEach
    void nothingWentWrongInThePage() {
        assertThat(chromium.problems()).as("CSP violations and console errors").isEmpty();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /** Opens a fresh login link and waits for the overview. */
    static void logIn() {
        URI link = URI.create(node.admin.console().login().url());
        chromium.open(link);
        chromium.waitReady("overview");
    }

    static String text(KeyroomClient c, RoomId room, String name) {
        try (SecretValue v = c.secrets().get(room, name, Optional.empty())) {
            return new String(v.value().unsafeBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The y coordinates of an SVG path's points. */
    static double[] ys(WebElement path) {
        String[] parts = path.getDomAttribute("d").trim().split("\\s+");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i].substring(1).split(",")[1]);
        }
        return out;
    }

    @Test
    void aLoginLink_opensTheOverview_withItsChartsDrawnFromTheNodesTraffic() throws Exception {
        node.register("scout", Role.AGENT);
        node.admin.users().list();
        KeyroomClient stranger = node.client(Identity.generate(TestNode.RANDOM));
        assertThat(catchThrowableOfType(
                                KeyroomApiException.class,
                                () -> stranger.users().me())
                        .status())
                .isEqualTo(401);

        logIn();

        assertThat(chromium.driver().getCurrentUrl())
                .as("the ticket left the address bar")
                .doesNotContain("ticket");
        assertThat(chromium.script("return location.hash")).isEqualTo("");
        assertThat(chromium.find("#who").getText()).contains("admin");
        WebElement ok = chromium.find("#chart-requests path.line.s-ok");
        WebElement denied = chromium.find("#chart-requests path.line.s-denied");
        double baseline = ys(chromium.find("#chart-sessions path.line"))[0];
        assertThat(ys(ok).length).as("points on the requests chart").isGreaterThanOrEqualTo(2);
        assertThat(java.util.Arrays.stream(ys(ok)).min().orElseThrow())
                .as("ok answers drawn above zero")
                .isLessThan(baseline);
        assertThat(java.util.Arrays.stream(ys(denied)).min().orElseThrow())
                .as("the stranger's denial drawn above zero")
                .isLessThan(baseline);
        assertThat(chromium.all("#chart-denials rect.col.s-denied")).isNotEmpty();
        assertThat(chromium.all("#chart-inflight path.line, #chart-sessions path.line"))
                .hasSize(2);
        assertThat(chromium.find(".facts").getText()).contains("enforce", "sqlite", "primary");
        chromium.screenshot("overview");
    }

    @Test
    void revokingAUser_refusesItsNextSignedRequest_andTheAuditEntriesArriveLive() throws Exception {
        Identity courier = node.register("courier", Role.AGENT);
        KeyroomClient client = node.client(courier);
        assertThat(client.users().me().status()).isEqualTo("active");
        logIn();
        chromium.go("users");
        String row = "#users tr[data-endpoint='" + courier.endpoint().value() + "']";
        chromium.find(row + " button[data-action='revoke']").click();
        assertThat(chromium.find("#confirm-text").getText()).contains("courier");
        chromium.confirm();
        chromium.await(() -> chromium.find(row + " .badge.revoked").isDisplayed());

        KeyroomApiException refused = catchThrowableOfType(
                KeyroomApiException.class, () -> client.users().me());
        assertThat(refused.status()).isEqualTo(401);
        chromium.screenshot("users");

        chromium.go("audit");
        chromium.find("#f-follow").click();
        long before = chromium.all("#audit tbody tr.new").size();
        assertThat(before).isZero();
        assertThat(catchThrowableOfType(
                                KeyroomApiException.class, () -> client.rooms().mine())
                        .status())
                .isEqualTo(401);
        chromium.await(() -> chromium.all("#audit tbody tr.new").stream()
                .anyMatch(
                        r -> r.getText().contains("/v1/me/rooms") && r.getText().contains("401")));
        assertThat(chromium.find("#audit tbody").getText())
                .contains("/console/api/users/" + courier.endpoint().value() + "/revoke");
        assertThat(chromium.find("#chain").getText()).startsWith("Hash chain verified");
    }

    @Test
    void unlockingALockedAgent_servesItAgain() throws Exception {
        KeyroomClient owner = node.client(node.register("owner", Role.MEMBER));
        Identity harvesterId = node.register("harvester", Role.AGENT);
        RoomId room = RoomId.parse(owner.rooms().createCleartext("vault").roomId());
        owner.rooms().invite(room, harvesterId.endpoint(), RoomRole.MEMBER);
        for (int i = 1; i <= 5; i++) {
            owner.secrets().put(room, "s" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), 0);
        }
        KeyroomClient harvester = node.client(harvesterId);
        for (int i = 1; i <= 3; i++) {
            text(harvester, room, "s" + i);
        }
        catchThrowableOfType(KeyroomApiException.class, () -> text(harvester, room, "s4"));
        KeyroomApiException locked = catchThrowableOfType(KeyroomApiException.class, () -> text(harvester, room, "s5"));
        assertThat(locked.code()).isEqualTo(ErrorCode.AGENT_LOCKED);

        logIn();
        chromium.go("limits");
        assertThat(chromium.find("#locked").getText()).contains("harvester");
        chromium.go("users");
        String row = "#users tr[data-endpoint='" + harvesterId.endpoint().value() + "']";
        assertThat(chromium.find(row).getText()).contains("locked");
        chromium.find(row + " button[data-action='unlock']").click();
        chromium.confirm();
        chromium.await(() -> chromium.find(row + " .badge.active").isDisplayed());

        assertThat(harvester.users().me().status()).isEqualTo("active");
    }

    @Test
    void liftingABan_servesTheBannedIdentityAgain() throws Exception {
        Identity noisyId = node.register("noisy", Role.AGENT);
        KeyroomClient noisy = node.client(noisyId);
        int refused = 0;
        for (int i = 0; i < 400 && refused < 5; i++) {
            try {
                noisy.users().me();
            } catch (KeyroomApiException e) {
                assertThat(e.status()).isEqualTo(429);
                refused++;
            }
        }
        assertThat(refused).as("the identity's bucket ran dry").isEqualTo(5);

        logIn();
        chromium.go("limits");
        String ban = "#bans button[data-subject='id:" + noisyId.endpoint().value() + "']";
        assertThat(chromium.find("#bans").getText()).contains("noisy");
        assertThat(chromium.find("#refused").getText()).contains("noisy");
        chromium.screenshot("limits");
        chromium.find(ban).click();
        chromium.confirm();
        chromium.await(() -> chromium.all(ban).isEmpty());

        Thread.sleep(1_000); // the bucket refills at 5 a second; the ban alone stood in the way
        assertThat(noisy.users().me().name()).isEqualTo("noisy");
    }

    @Test
    void theRoomsPage_showsMetadata_andAFilteredAuditPage_showsOnlyWhatMatches() throws Exception {
        Identity memberId = node.register("analyst", Role.MEMBER);
        RoomId room = RoomId.parse(node.admin.rooms().create("incident-42").roomId());
        node.admin.rooms().invite(room, memberId.endpoint(), RoomRole.READER);
        node.admin.messages().publish(room, "status: contained".getBytes(StandardCharsets.UTF_8));
        node.admin.secrets().put(room, "pager/token", "t0k3n".getBytes(StandardCharsets.UTF_8), 0);

        logIn();
        chromium.go("rooms");
        String row = "#rooms tr[data-room='" + room.value() + "']";
        assertThat(chromium.find(row).getText()).contains("incident-42", "encrypted");
        chromium.find(row + " button").click();
        chromium.await(() -> chromium.all("#members tr").size() == 3);
        assertThat(chromium.find("#members").getText()).contains("analyst", "reader", "owner");
        chromium.screenshot("rooms");

        chromium.go("audit");
        chromium.find("#f-resource").sendKeys("/v1/rooms/" + room.value());
        chromium.find("#f-outcome").sendKeys("2");
        chromium.find("#f-apply").click();
        chromium.await(() -> chromium.find("#audit-status").getText().endsWith("entries shown.")
                && chromium.all("#audit tbody tr").stream()
                        .allMatch(r -> r.getText().contains("/v1/rooms/" + room.value())));
        assertThat(chromium.all("#audit tbody tr")).hasSizeGreaterThanOrEqualTo(3);
        for (WebElement r : chromium.all("#audit tbody tr td:nth-child(6)")) {
            assertThat(r.getText()).startsWith("2");
        }
        assertThat(chromium.find("#chain").getText()).startsWith("Hash chain verified");
        chromium.screenshot("audit");
    }
}
