package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.server.bus.DataPlane;
import dev.keyroom.server.http.OpenApiRoutes;
import dev.keyroom.server.http.Router;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/openapi.json describes exactly what a node serves: every route a fully wired node registers
 * (and its data plane's upgrade) has its operation, with the access the route is declared with, and
 * every operation has its route; and the node serves the file itself, byte for byte, unsigned.
 */
class OpenApiRoutesTest {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @TempDir
    static Path dir;

    static TestNode node;
    static byte[] file;
    static JsonNode doc;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        file = Files.readAllBytes(Path.of("").toAbsolutePath().getParent().resolve("docs/openapi.json"));
        doc = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build()
                .readTree(file);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A route as the document spells it: {@code GET /v1/rooms/{room}/secrets/{name}}. */
    static String key(String method, String pattern) {
        return method.toUpperCase(Locale.ROOT) + " " + pattern.replace("...}", "}");
    }

    static String access(Router.Access a) {
        return switch (a) {
            case PUBLIC -> "public";
            case AUTHENTICATED -> "user";
            case ADMIN -> "admin";
        };
    }

    /** What the node serves, by route, to the access it is declared with. */
    static Map<String, String> served() {
        Map<String, String> out = new TreeMap<>();
        for (Router.Route r : node.server.routes()) {
            assertThat(out.put(key(r.method(), r.pattern()), access(r.access())))
                    .as("%s %s is registered once", r.method(), r.pattern())
                    .isNull();
        }
        // The data plane's upgrade is served before the router, and authenticated in-band.
        out.put(key("GET", DataPlane.PATH), "user");
        return out;
    }

    /** What the document describes, by route, to its operation. */
    static Map<String, JsonNode> described() {
        Map<String, JsonNode> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    out.put(key(op.getKey(), path.getKey()), op.getValue());
                }
            }
        }
        return out;
    }

    @Test
    void everyRouteOfAWiredNode_hasItsOperation_andEveryOperationItsRoute() {
        Set<String> routes = served().keySet();
        Set<String> operations = described().keySet();
        Set<String> undescribed = new TreeSet<>(routes);
        undescribed.removeAll(operations);
        Set<String> unserved = new TreeSet<>(operations);
        unserved.removeAll(routes);
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(undescribed)
                    .as("routes the node serves that docs/openapi.json lacks")
                    .isEmpty();
            soft.assertThat(unserved)
                    .as("operations in docs/openapi.json the node does not serve")
                    .isEmpty();
        });
        assertThat(routes).contains("GET /healthz", "GET " + OpenApiRoutes.PATH, "POST /v1/users");
    }

    @Test
    void everyOperation_declaresItsRoutesAccess_andItsSignature() {
        Map<String, JsonNode> ops = described();
        for (Map.Entry<String, String> r : served().entrySet()) {
            JsonNode op = ops.get(r.getKey());
            assertThat(op).as(r.getKey()).isNotNull();
            assertThat(op.path("x-keyroom-access").asString())
                    .as("%s's access", r.getKey())
                    .isEqualTo(r.getValue());
            boolean unsigned = r.getValue().equals("public") || r.getKey().equals(key("GET", DataPlane.PATH));
            if (unsigned) {
                assertThat(op.path("security").isArray() && op.path("security").isEmpty())
                        .as("%s is not signed", r.getKey())
                        .isTrue();
                continue;
            }
            assertThat(op.has("security"))
                    .as("%s keeps the signature scheme", r.getKey())
                    .isFalse();
            List<String> params = new ArrayList<>();
            op.path("parameters")
                    .values()
                    .forEach(p -> params.add(p.path("$ref").asString()));
            assertThat(params).as(r.getKey()).contains("#/components/parameters/SignatureInput");
            String method = r.getKey().substring(0, r.getKey().indexOf(' '));
            if (Set.of("POST", "PUT", "PATCH").contains(method)) {
                assertThat(params).as(r.getKey()).contains("#/components/parameters/ContentDigest");
            }
        }
    }

    @Test
    void aParameterThatTakesTheRestOfThePath_saysSo() {
        Map<String, JsonNode> ops = described();
        for (Router.Route r : node.server.routes()) {
            Set<String> rest = new HashSet<>();
            for (String segment : r.pattern().split("/")) {
                if (segment.endsWith("...}")) {
                    rest.add(segment.substring(1, segment.length() - 4));
                }
            }
            JsonNode op = ops.get(key(r.method(), r.pattern()));
            if (op == null) {
                continue; // a route without its operation fails the test above
            }
            for (JsonNode p : op.path("parameters").values()) {
                JsonNode param = p.has("$ref") ? doc.at(p.get("$ref").asString().substring(1)) : p;
                if (param.path("in").asString().equals("path")) {
                    assertThat(param.path("x-keyroom-rest-of-path").asBoolean())
                            .as(
                                    "%s %s: %s",
                                    r.method(), r.pattern(), param.path("name").asString())
                            .isEqualTo(rest.contains(param.path("name").asString()));
                }
            }
        }
    }

    @Test
    void everyAdminRoute_refusesAMember_beforeItRuns() throws Exception {
        Identity member = node.register("not-an-admin", Role.MEMBER);
        List<String> admin = new ArrayList<>();
        for (Router.Route r : node.server.routes()) {
            if (r.access() != Router.Access.ADMIN) {
                continue;
            }
            admin.add(r.method() + " " + r.pattern());
            String path = r.pattern().replace("{id}", "1").replaceAll("\\{[^}]+}", "0".repeat(32));
            byte[] body =
                    Set.of("POST", "PUT", "PATCH").contains(r.method()) ? "{}".getBytes(StandardCharsets.UTF_8) : null;
            RawHttp.Response answer = RawHttp.signed(node, "127.0.0.1", member, r.method(), path, body);
            assertThat(answer.status())
                    .as("%s %s by a member", r.method(), path)
                    .isEqualTo(403);
            assertThat(answer.body()).contains("\"code\":\"forbidden\"", "admin role required");
        }
        assertThat(admin).contains("GET /v1/audit", "POST /v1/users", "DELETE /v1/keyring/keys/{id}");
    }

    @Test
    void theNodeServesTheRepositoryFile_byteForByte_unsigned() throws Exception {
        try (HttpClient client = Http.client(node.server)) {
            HttpResponse<byte[]> answer = client.send(
                    HttpRequest.newBuilder(node.uri().resolve(OpenApiRoutes.PATH))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
            assertThat(Arrays.mismatch(answer.body(), file))
                    .as("the first byte where the served document differs from docs/openapi.json (-1: none)")
                    .isEqualTo(-1);
        }
    }
}
