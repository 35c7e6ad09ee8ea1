package dev.keyroom.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.protocol.Json;
import dev.keyroom.server.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The console's JSON API over real TLS, as a browser would call it and as an attacker might: every
 * header is the caller's to choose, {@code Origin} and {@code Cookie} included.
 */
public final class ConsoleHttp implements AutoCloseable {
    /** An answer: status, headers, body. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }

        public JsonNode json() {
            return Json.mapper().readTree(body);
        }
    }

    /** A logged-in session: the cookie's value, the CSRF token, and the Set-Cookie header it came with. */
    public record Session(String token, String csrf, String setCookie) {}

    private final URI root;
    private final HttpClient client;

    public ConsoleHttp(TestNode node) {
        this.root = node.server.console().orElseThrow();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(ServerTrust.pin(node.server.pin().orElseThrow()).sslContext())
                .build();
    }

    /** The console's own origin, e.g. {@code https://127.0.0.1:40123}. */
    public String origin() {
        return root.getScheme() + "://" + root.getRawAuthority();
    }

    public Answer send(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().map(), r.body());
    }

    /** The ticket of a login link: its fragment's. */
    public static String ticket(String link) {
        String fragment = URI.create(link).getRawFragment();
        assertThat(fragment).startsWith("ticket=");
        return fragment.substring("ticket=".length());
    }

    /** Posts a login with {@code ticket} from {@code origin}. */
    public Answer postLogin(String ticket, String origin) throws Exception {
        return send(
                "POST",
                "/console/api/session",
                Map.of("Origin", origin, "Content-Type", "application/json"),
                "{\"ticket\":\"" + ticket + "\"}");
    }

    /** Logs in with a link, as the page does; fails the test unless a session opens. */
    public Session login(String link) throws Exception {
        Answer a = postLogin(ticket(link), origin());
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        String setCookie = a.header("Set-Cookie").orElseThrow();
        String token = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        return new Session(token, a.json().path("csrf").asString(), setCookie);
    }

    /** A call in {@code s}, from the console's origin and with its CSRF token on a write. */
    public Answer call(Session s, String method, String path, String body) throws Exception {
        java.util.HashMap<String, String> h = new java.util.HashMap<>();
        h.put("Cookie", ConsoleHandler.COOKIE + "=" + s.token());
        if (!method.equals("GET")) {
            h.put("Origin", origin());
            h.put(ConsoleHandler.CSRF_HEADER, s.csrf());
        }
        if (body != null) {
            h.put("Content-Type", "application/json");
        }
        return send(method, path, h, body);
    }

    @Override
    public void close() {
        client.close();
    }
}
