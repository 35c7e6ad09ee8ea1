package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.console.Chromium;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UI-1 to UI-4 in a real headless Chromium: stored strings shaped like markup stay text, a login
 * link used twice opens nothing, a page of another origin can neither frame the console nor make
 * it change anything, and a session whose admin is revoked ends in the open page. Besides the
 * refusals each test provokes, which it names, there must be no CSP violation and no console error.
 */
class ConsoleBrowserAttackTest {
    static Path dir;
    static TestNode node;
    static Chromium chromium;
    static HttpServer attacker;
    static final Map<String, String> pages = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("keyroom-console-browser-attack");
        node = TestNode.start(dir.resolve("node"), "console:\n  listen: 127.0.0.1:0\n");
        chromium = Chromium.start(node.server.pin().orElseThrow(), dir.resolve("chromium"));
        // Another origin on this machine, serving whatever page a test puts there.
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] body =
                    pages.getOrDefault(exchange.getRequestURI().getPath(), "").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        attacker.start();
    }

    @AfterEach
    void nothingElseWentWrong() {
        assertThat(chromium.problems()).as("CSP violations and console errors").isEmpty();
    }

    @AfterAll
    static void stop() {
        if (attacker != null) {
            attacker.stop(0);
        }
        if (chromium != null) {
            chromium.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static URI attackerPage(String path, String html) {
        pages.put(path, html);
        return URI.create("http://127.0.0.1:" + attacker.getAddress().getPort() + path);
    }

    static void logIn(KeyroomClient admin) {
        chromium.open(URI.create(admin.console().login().url()));
        chromium.waitReady("overview");
    }

    @Test
    void UI_4_aUserNamedLikeMarkup_andARoomNamedLikeAScript_areShownAsInertText() throws Exception {
        // UI-4: every stored string rendered as text.
        String userName = "<img src=x onerror=\"document.title='pwned-user'\">";
        String roomName = "<script>document.title='pwned-room'</script>";
        Identity evil = node.register(userName, Role.AGENT);
        RoomId room = RoomId.parse(node.admin.rooms().create(roomName).roomId());
        node.admin.rooms().invite(room, evil.endpoint(), dev.keyroom.core.rooms.RoomRole.MEMBER);

        logIn(node.admin);
        chromium.go("users");
        String row = "#users tr[data-endpoint='" + evil.endpoint().value() + "']";
        assertThat(chromium.find(row + " td.name").getText()).isEqualTo(userName);
        assertThat(chromium.all("main img")).isEmpty();
        chromium.find(row + " button[data-action='revoke']").click();
        assertThat(chromium.find("#confirm-text").getText()).contains(userName);
        chromium.find("#confirm-cancel").click();

        chromium.go("rooms");
        assertThat(chromium.find("#rooms tr[data-room='" + room.value() + "'] td.name")
                        .getText())
                .isEqualTo(roomName);
        chromium.find("#rooms tr[data-room='" + room.value() + "'] button").click();
        chromium.await(() -> chromium.all("#members tr").size() == 3);
        assertThat(chromium.find("#members").getText()).contains(userName);
        assertThat(chromium.find("#room-detail h2").getText()).isEqualTo("Members of " + roomName);
        assertThat(chromium.all("main script, main img")).isEmpty();
        assertThat(chromium.driver().getTitle()).isEqualTo("Keyroom console");
        assertThat(node.admin.users().get(evil.endpoint()).status())
                .as("cancelled, not revoked")
                .isEqualTo("active");
    }

    @Test
    void UI_1_aLoginLinkUsedTwice_opensNothingTheSecondTime() throws Exception {
        // UI-1: single use, in the browser as over HTTP.
        URI link = URI.create(node.admin.console().login().url());
        chromium.open(link);
        chromium.waitReady("overview");
        chromium.driver().manage().deleteAllCookies();
        chromium.open(link);
        chromium.waitReady("login");
        assertThat(chromium.find("main").getText()).contains("used already");
        assertThat(chromium.driver().getCurrentUrl()).doesNotContain("ticket");
        List<String> problems = chromium.problems();
        assertThat(problems).as("only the refused login").hasSize(1);
        assertThat(problems.getFirst()).contains("/console/api/session", "401");
    }

    @Test
    void UI_4_aPageOfAnotherOrigin_cannotFrameTheConsole() throws Exception {
        // UI-4: frame-ancestors 'none' (and X-Frame-Options: DENY).
        logIn(node.admin);
        URI framing = attackerPage(
                "/frame",
                "<!doctype html><title>framing</title><link rel=icon href=\"data:,\">"
                        + "<iframe id=f width=800 height=600 src=\""
                        + node.server.console().orElseThrow() + "\"></iframe>");
        chromium.open(framing);
        chromium.await(() -> "complete".equals(chromium.script("return document.readyState")));
        Thread.sleep(500);
        chromium.driver().switchTo().frame("f");
        try {
            assertThat(chromium.all("#nav"))
                    .as("the console did not render in the frame")
                    .isEmpty();
            assertThat(chromium.all("body[data-ready]")).isEmpty();
        } finally {
            chromium.driver().switchTo().defaultContent();
        }
        List<String> problems = chromium.problems();
        assertThat(problems).as("the browser's refusal to frame").isNotEmpty();
        assertThat(problems).allMatch(p -> p.contains("frame-ancestors") || p.contains("X-Frame-Options"));
    }

    @Test
    void UI_3_aPageOfAnotherOrigin_cannotMakeTheConsoleChangeAnything() throws Exception {
        // UI-3: the admin is logged in in this very browser; the other page's request carries no
        // token, comes from the wrong origin, and (cross-site) without the SameSite=Strict cookie.
        Identity target = node.register("target", Role.AGENT);
        logIn(node.admin);
        String revoke = node.server
                .console()
                .orElseThrow()
                .resolve("api/users/" + target.endpoint().value() + "/revoke")
                .toString();
        URI csrf = attackerPage(
                "/csrf",
                "<!doctype html><title>csrf</title><link rel=icon href=\"data:,\"><script>"
                        + "fetch('" + revoke + "', {method: 'POST', mode: 'no-cors', credentials: 'include',"
                        + " headers: {'Content-Type': 'text/plain'}, body: '{}'})"
                        + ".catch(() => {}).finally(() => { document.title = 'sent'; });</script>");
        chromium.open(csrf);
        chromium.await(() -> "sent".equals(chromium.driver().getTitle()));
        assertThat(node.admin.users().get(target.endpoint()).status()).isEqualTo("active");
        assertThat(Files.readString(dir.resolve("node/audit/audit.log")))
                .contains("\"resource\":\"/console/api/users/"
                        + target.endpoint().value() + "/revoke\",\"outcome\":\"403 forbidden\"");
        // The other page cannot even read the refusal: the console's answers are same-origin only (CORP).
        List<String> problems = chromium.problems();
        assertThat(problems).allMatch(p -> p.contains(revoke) && p.contains("ERR_BLOCKED_BY_RESPONSE"));
    }

    @Test
    void UI_2_theOpenPageOfAnAdminWhoIsRevoked_endsItsSession() throws Exception {
        // UI-2: the page finds out at its next call (the overview refreshes every 5 s) and shows the login.
        Identity deputyId = node.register("deputy", Role.ADMIN);
        logIn(node.client(deputyId));
        node.admin.users().revoke(deputyId.endpoint());
        chromium.waitReady("login");
        // Ended by the sweep within a second of the revocation, or at the page's call, whichever came first.
        assertThat(chromium.find("main").getText()).containsAnyOf("session has ended", "no longer an active admin");
        List<String> problems = chromium.problems();
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst()).contains("/console/api/overview", "401");
    }
}
