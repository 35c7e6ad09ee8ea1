package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.Http;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.console.ConsoleHttp;
import dev.keyroom.server.console.ConsoleHttp.Answer;
import dev.keyroom.server.console.ConsoleHttp.Session;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * UI-1 to UI-5 over HTTP against a real node's console listener: login links used twice, sessions
 * whose admin is revoked, state-changing calls from another origin or without their token, CORS,
 * the page's policy, and what the console's API lets out. Expiry by time is in {@link
 * ConsoleExpiryAttackTest}, which moves a node's clock.
 */
class ConsoleAttackTest {
    static Path dir;
    static TestNode node;
    static ConsoleHttp http;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("keyroom-console-attack");
        node = TestNode.start(dir.resolve("node"), "console:\n  listen: 127.0.0.1:0\n");
        http = new ConsoleHttp(node);
    }

    @AfterAll
    static void stop() {
        http.close();
        node.close();
    }

    static String link() {
        return node.admin.console().login().url();
    }

    @Test
    void UI_1_theTicketRidesInTheFragment_isNeverInARequestLineOrALog_andCredentialsHave256Bits() throws Exception {
        // UI-1: the ticket is in the fragment, which no browser sends; nothing secret reaches a log.
        // Everything Keyroom logs, at every level, while the link is made and used.
        Logger keyroom = (Logger) LoggerFactory.getLogger("dev.keyroom");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        keyroom.addAppender(logs);
        keyroom.setLevel(ch.qos.logback.classic.Level.ALL);
        keyroom.setAdditive(false);
        String link;
        Session s;
        try {
            link = link();
            URI u = URI.create(link);
            assertThat(u.getRawQuery()).isNull();
            assertThat(u.getPath()).isEqualTo("/console/");
            String ticket = ConsoleHttp.ticket(link);
            assertThat(Base64.getUrlDecoder().decode(ticket)).hasSize(32);
            s = http.login(link);
            assertThat(Base64.getUrlDecoder().decode(s.token())).hasSize(32);
            assertThat(Base64.getUrlDecoder().decode(s.csrf())).hasSize(32);
            assertThat(http.call(s, "GET", "/console/api/overview", null).status())
                    .isEqualTo(200);
        } finally {
            keyroom.detachAppender(logs);
            keyroom.setLevel(null);
            keyroom.setAdditive(true);
        }
        String ticket = ConsoleHttp.ticket(link);
        StringBuilder logged = new StringBuilder();
        for (ILoggingEvent e : logs.list) {
            logged.append(e.getFormattedMessage())
                    .append(' ')
                    .append(e.getKeyValuePairs())
                    .append('\n');
        }
        assertThat(logged).contains("console request");
        assertThat(logged.toString()).doesNotContain(ticket, s.token(), s.csrf());
        String audit = Files.readString(dir.resolve("node/audit/audit.log"));
        assertThat(audit).contains("/console/api/session").doesNotContain(ticket, s.token(), s.csrf());
    }

    @Test
    void UI_1_aLoginLinkUsedTwice_isRefusedTheSecondTime_andTheRefusalIsAudited() throws Exception {
        // UI-1: single use.
        String link = link();
        http.login(link);
        Answer again = http.postLogin(ConsoleHttp.ticket(link), http.origin());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.header("Set-Cookie")).isEmpty();
        assertThat(again.json().path("error").path("message").asString()).contains("used already");
        assertThat(Files.readString(dir.resolve("node/audit/audit.log")))
                .contains("\"action\":\"POST\",\"resource\":\"/console/api/session\",\"outcome\":\"401 unauthorized\"");
    }

    @Test
    void UI_1_aMadeUpTicket_isRefused() throws Exception {
        // UI-1: a guess at 256 bits, or anything malformed, opens nothing.
        byte[] guess = new byte[32];
        TestNode.RANDOM.nextBytes(guess);
        assertThat(http.postLogin(Base64.getUrlEncoder().withoutPadding().encodeToString(guess), http.origin())
                        .status())
                .isEqualTo(401);
        assertThat(http.postLogin("../../etc/passwd", http.origin()).status()).isEqualTo(401);
    }

    @Test
    void UI_2_theSessionCookie_isHttpOnlySecureSameSiteStrict_onPathConsole() throws Exception {
        // UI-2
        Session s = http.login(link());
        assertThat(s.setCookie())
                .startsWith("__Secure-keyroom-console=")
                .contains("; Path=/console;", "; Secure;", "; HttpOnly;", "; SameSite=Strict;", "Max-Age=28800");
    }

    @Test
    void UI_2_logout_endsTheSessionOnTheServer() throws Exception {
        // UI-2: the cookie kept by an attacker after logout is worth nothing.
        Session s = http.login(link());
        Answer out = http.call(s, "DELETE", "/console/api/session", null);
        assertThat(out.status()).isEqualTo(204);
        assertThat(out.header("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(http.call(s, "GET", "/console/api/users", null).status()).isEqualTo(401);
        assertThat(http.call(s, "GET", "/console/api/session", null).status()).isEqualTo(401);
    }

    @Test
    void UI_2_aSessionAfterItsAdminWasRevoked_isRefusedAtItsNextCall_andSweptAway() throws Exception {
        // UI-2: revoking an admin ends its console sessions on its next call, and the sweep ends them within a second.
        Identity deputyId = node.register("deputy", Role.ADMIN);
        KeyroomClient deputy = node.client(deputyId);
        Session s = http.login(deputy.console().login().url());
        assertThat(http.call(s, "GET", "/console/api/users", null).status()).isEqualTo(200);
        long revoked = System.nanoTime();
        node.admin.users().revoke(deputyId.endpoint());
        Answer after = http.call(s, "GET", "/console/api/users", null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body()).contains("no longer an active admin");
        System.out.printf(
                "UI-2: the revoked admin's next console call was refused %.1f ms after the revocation returned%n",
                (System.nanoTime() - revoked) / 1e6);
        assertThat(http.call(s, "GET", "/console/api/users", null).status()).isEqualTo(401);
        assertThat(catchThrowableOfType(
                                KeyroomApiException.class,
                                () -> deputy.console().login())
                        .status())
                .isEqualTo(401);
    }

    @Test
    void UI_2_anIdleSessionOfARevokedAdmin_isEndedByTheSweep() throws Exception {
        // UI-2: a session nobody uses is ended too, within a second of the revocation (the sweep).
        Identity otherId = node.register("other-admin", Role.ADMIN);
        Session s = http.login(node.client(otherId).console().login().url());
        Session mine = http.login(link());
        Answer overview = http.call(mine, "GET", "/console/api/overview", null);
        long open = overview.json().path("counts").path("console_sessions").asLong();
        long revoked = System.nanoTime();
        node.admin.users().revoke(otherId.endpoint());
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> http.call(mine, "GET", "/console/api/overview", null)
                                .json()
                                .path("counts")
                                .path("console_sessions")
                                .asLong()
                        < open);
        System.out.printf(
                "UI-2: the sweep ended the revoked admin's idle session %.0f ms after the revocation%n",
                (System.nanoTime() - revoked) / 1e6);
        assertThat(http.call(s, "GET", "/console/api/overview", null).status()).isEqualTo(401);
    }

    @Test
    void UI_3_aStateChangingCallFromAnotherOrigin_orWithoutItsToken_isRefused_andChangesNothing() throws Exception {
        // UI-3: Origin and the per-session token, on every state-changing call (the login's Origin too).
        Identity victimId = node.register("victim", Role.AGENT);
        String revoke = "/console/api/users/" + victimId.endpoint().value() + "/revoke";
        Session s = http.login(link());
        String cookie = dev.keyroom.server.console.ConsoleHandler.COOKIE + "=" + s.token();
        String csrf = dev.keyroom.server.console.ConsoleHandler.CSRF_HEADER;
        List<Map<String, String>> forged = List.of(
                Map.of("Cookie", cookie, "Origin", "https://evil.example", csrf, s.csrf()),
                Map.of("Cookie", cookie, "Origin", "null", csrf, s.csrf()),
                Map.of("Cookie", cookie, csrf, s.csrf()),
                Map.of("Cookie", cookie, "Origin", http.origin()),
                Map.of("Cookie", cookie, "Origin", http.origin(), csrf, s.csrf().substring(1) + "A"),
                Map.of("Cookie", cookie, "Origin", http.origin().replace("https", "http"), csrf, s.csrf()));
        for (Map<String, String> h : forged) {
            Answer a = http.send("POST", revoke, h, null);
            assertThat(a.status()).as(h.toString()).isEqualTo(403);
        }
        assertThat(node.admin.users().get(victimId.endpoint()).status()).isEqualTo("active");
        String link = link();
        assertThat(http.postLogin(ConsoleHttp.ticket(link), "https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(http.login(link).token())
                .as("a refused cross-origin login did not use the ticket up")
                .isNotEmpty();
        assertThat(http.call(s, "POST", revoke, null).status()).isEqualTo(200);
        assertThat(node.admin.users().get(victimId.endpoint()).status()).isEqualTo("revoked");
    }

    @Test
    void UI_3_consoleRoutesAnswerNoCors() throws Exception {
        // UI-3: no CORS grant, to a preflight or to a simple request, whatever the origin.
        Session s = http.login(link());
        Answer preflight = http.send(
                "OPTIONS",
                "/console/api/users",
                Map.of(
                        "Origin", "https://evil.example",
                        "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", "x-keyroom-csrf"),
                null);
        Answer simple = http.send(
                "GET",
                "/console/api/users",
                Map.of("Origin", "https://evil.example", "Cookie", "__Secure-keyroom-console=" + s.token()),
                null);
        for (Answer a : List.of(preflight, simple)) {
            assertThat(a.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }
    }

    @Test
    void UI_4_everyAnswerCarriesTheStrictPolicy_andTheFramingRefusal() throws Exception {
        // UI-4: no inline script or style, no eval, no frame around the console; errors too.
        for (String path : List.of("/console/", "/console/assets/app.js", "/console/api/users", "/console/nope")) {
            Answer a = http.send("GET", path, Map.of(), null);
            String csp = a.header("Content-Security-Policy").orElseThrow();
            assertThat(csp)
                    .as(path)
                    .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .contains("require-trusted-types-for 'script'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*", "data:");
            assertThat(a.header("X-Frame-Options")).contains("DENY");
            assertThat(a.header("X-Content-Type-Options")).contains("nosniff");
        }
    }

    @Test
    void UI_4_thePageHasNoInlineScriptOrStyle_andNoCodeWritesMarkupFromStrings() throws Exception {
        // UI-4: what the policy enforces in the browser is also true of the files served.
        String page = http.send("GET", "/console/", Map.of(), null).body();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        assertThat(page).doesNotContainPattern("(?i)<style|\\sstyle=|\\son[a-z]+=|javascript:");
        for (String js : List.of("app", "api", "dom", "charts", "overview", "users", "rooms", "audit", "limits")) {
            String code = http.send("GET", "/console/assets/" + js + ".js", Map.of(), null)
                    .body();
            assertThat(code)
                    .as(js)
                    .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")
                    .doesNotContain("new Function", "localStorage", "sessionStorage", "setAttribute('style'");
        }
    }

    @Test
    void UI_5_theConsoleShowsMetadataOnly_neverAMessageBlobOrSecretValue() throws Exception {
        // UI-5: in a cleartext room the server holds the very bytes; none of them comes out of the console.
        String message = "MESSAGE-CANARY-" + Long.toHexString(TestNode.RANDOM.nextLong());
        String secret = "SECRET-CANARY-" + Long.toHexString(TestNode.RANDOM.nextLong());
        String blob = "BLOB-CANARY-" + Long.toHexString(TestNode.RANDOM.nextLong());
        RoomId room =
                RoomId.parse(node.admin.rooms().createCleartext("canaries").roomId());
        node.admin.messages().publish(room, message.getBytes(StandardCharsets.UTF_8));
        node.admin.secrets().put(room, "canary", secret.getBytes(StandardCharsets.UTF_8), 0);
        node.admin.blobs().put(room, new java.io.ByteArrayInputStream(blob.getBytes(StandardCharsets.UTF_8)));
        Session s = http.login(link());
        StringBuilder everything = new StringBuilder();
        for (String path : List.of(
                "/console/api/overview",
                "/console/api/users",
                "/console/api/rooms",
                "/console/api/rooms/" + room.value(),
                "/console/api/audit?limit=200",
                "/console/api/audit?after=0",
                "/console/api/limits",
                "/console/api/session")) {
            Answer a = http.call(s, "GET", path, null);
            assertThat(a.status()).as(path).isEqualTo(200);
            everything.append(a.body());
        }
        assertThat(everything).contains("canaries");
        for (String canary : List.of(message, secret, blob)) {
            byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
            assertThat(everything.toString())
                    .doesNotContain(canary)
                    .doesNotContain(Base64.getEncoder().encodeToString(bytes))
                    .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
    }

    @Test
    void theConsoleIsNotOnTheClientListener_andItsLoginLinksAreForAdminsOnly() throws Exception {
        // AUTH-6, AZ-5: nothing of the console answers on the client listener; a member gets no link.
        assertThat(Http.get(node.server, "/console/").statusCode()).isEqualTo(404);
        assertThat(Http.get(node.server, "/console/api/users").statusCode()).isEqualTo(404);
        KeyroomClient member = node.client(node.register("member", Role.MEMBER));
        assertThat(catchThrowableOfType(
                                KeyroomApiException.class,
                                () -> member.console().login())
                        .status())
                .isEqualTo(403);
    }

    @Test
    void aNodeWithoutAConsole_saysHowToTurnItOn() throws Exception {
        try (TestNode plain = TestNode.start(dir.resolve("plain"))) {
            assertThat(plain.server.console()).isEmpty();
            KeyroomApiException off = catchThrowableOfType(
                    KeyroomApiException.class, () -> plain.admin.console().login());
            assertThat(off.status()).isEqualTo(409);
            assertThat(off.getMessage()).contains("console.listen");
        }
    }
}
