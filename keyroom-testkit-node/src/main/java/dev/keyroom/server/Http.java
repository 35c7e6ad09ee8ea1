package dev.keyroom.server;

import dev.keyroom.client.ServerTrust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Raw HTTP for attack tests: sends exactly the method, URI, headers and body given. */
public final class Http {
    private Http() {}

    public static HttpClient client(KeyroomServer server) {
        HttpClient.Builder b =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        server.pin().ifPresent(p -> b.sslContext(ServerTrust.pin(p).sslContext()));
        return b.build();
    }

    public static HttpResponse<String> send(
            KeyroomServer server, String method, URI uri, Map<String, String> headers, byte[] body) throws Exception {
        try (HttpClient c = client(server)) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
            headers.forEach(rb::header);
            rb.method(
                    method,
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            return c.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    public static HttpResponse<String> get(KeyroomServer server, String path) throws Exception {
        return send(server, "GET", server.uri().resolve(path), Map.of(), null);
    }
}
