package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS-5: CORS is off by default; when on, only the listed origins, methods and headers. */
class CorsAttackTest {
    @TempDir
    Path dir;

    static RawHttp.Response preflight(TestNode node, String origin, String method) throws Exception {
        return RawHttp.send(
                node,
                "127.0.0.2",
                "OPTIONS",
                "/v1/me",
                Map.of(
                        "Origin", origin,
                        "Access-Control-Request-Method", method,
                        "Access-Control-Request-Headers", "signature,signature-input"),
                null);
    }

    @Test
    void byDefault_noOriginIsAllowed() throws Exception {
        // TLS-5: a page on another origin gets no CORS grant, preflight or not.
        try (TestNode node = TestNode.start(dir)) {
            assertThat(preflight(node, "https://evil.example", "GET").header("Access-Control-Allow-Origin"))
                    .isNull();
            RawHttp.Response simple =
                    RawHttp.send(node, "127.0.0.2", "GET", "/healthz", Map.of("Origin", "https://evil.example"), null);
            assertThat(simple.header("Access-Control-Allow-Origin")).isNull();
        }
    }

    @Test
    void configured_onlyListedOriginsMethodsAndHeaders() throws Exception {
        // TLS-5: when configured, the listed origin is granted and nobody else is.
        String cfg = "cors: {allowed_origins: ['https://console.example.com'], allowed_methods: [GET, POST],"
                + " allowed_headers: [signature, signature-input, content-digest, content-type]}";
        try (TestNode node = TestNode.start(dir, cfg)) {
            RawHttp.Response ok = preflight(node, "https://console.example.com", "GET");
            assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example.com");
            assertThat(ok.header("Access-Control-Allow-Methods"))
                    .contains("GET")
                    .doesNotContain("DELETE");
            assertThat(ok.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(preflight(node, "https://evil.example", "GET").header("Access-Control-Allow-Origin"))
                    .isNull();
            assertThat(preflight(node, "https://console.example.com.evil.example", "GET")
                            .header("Access-Control-Allow-Origin"))
                    .isNull();
            assertThat(preflight(node, "https://console.example.com", "DELETE").header("Access-Control-Allow-Methods"))
                    .satisfiesAnyOf(
                            v -> assertThat(v).isNull(), v -> assertThat(v).doesNotContain("DELETE"));
        }
    }

    @Test
    void wildcardOrigins_areRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TestNode.start(dir, "cors: {allowed_origins: ['*'], allowed_methods: [GET]}"))
                .hasMessageContaining("no wildcards");
    }
}
