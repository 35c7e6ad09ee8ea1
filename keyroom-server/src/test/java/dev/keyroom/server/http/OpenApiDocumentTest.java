package dev.keyroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * docs/openapi.json holds together as an OpenAPI 3.1 document: every reference resolves, every path
 * parameter is declared where it is used, and every operation answers its errors in the protocol's
 * one error shape. That it names exactly the routes a node serves is held by the node's own test
 * (keyroom-testkit-node, {@code OpenApiRoutesTest}); that its schemas are the wire's records, by
 * {@link OpenApiSchemasTest}.
 */
class OpenApiDocumentTest {
    static final Pattern TEMPLATE = Pattern.compile("\\{([^}/]+)}");

    static OpenApiFile file;
    static JsonNode doc;

    @BeforeAll
    static void read() throws IOException {
        file = OpenApiFile.read();
        doc = file.doc();
    }

    @Test
    void document_isOpenApi31_withTheSignatureScheme() throws IOException {
        assertThat(doc.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(doc.at("/info/title").isString()).isTrue();
        assertThat(doc.at("/info/version").isString()).isTrue();
        assertThat(file.operations()).isNotEmpty();
        JsonNode scheme = doc.at("/components/securitySchemes/KeyroomSignature");
        assertThat(scheme.path("type").asString()).isEqualTo("apiKey");
        assertThat(scheme.path("in").asString()).isEqualTo("header");
        assertThat(scheme.path("name").asString()).isEqualTo("Signature");
        assertThat(doc.at("/security/0/KeyroomSignature").isArray())
                .as("signed unless an operation says otherwise")
                .isTrue();
        // The scheme's description sends the reader to a section that must exist.
        assertThat(scheme.path("description").asString()).contains("docs/protocol.md", "Request authentication");
        assertThat(Files.readString(OpenApiFile.path().resolveSibling("protocol.md")))
                .containsPattern("(?m)^#+ Request authentication");
    }

    @Test
    void everyReference_resolvesInsideTheDocument() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        List<String> broken = refs.stream()
                .filter(r -> !r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode())
                .toList();
        assertThat(broken).as("references that name nothing here").isEmpty();
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref") && e.getValue().isString()) {
                    out.add(e.getValue().asString());
                } else {
                    collectRefs(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.values().forEach(v -> collectRefs(v, out));
        }
    }

    @Test
    void everyPathParameter_isDeclared_andEveryDeclaredOneIsInThePath() {
        for (OpenApiFile.Operation op : file.operations()) {
            Set<String> inPath = new TreeSet<>();
            Matcher m = TEMPLATE.matcher(op.path());
            while (m.find()) {
                inPath.add(m.group(1));
            }
            Set<String> declared = new TreeSet<>();
            List<JsonNode> params = new ArrayList<>();
            doc.get("paths").get(op.path()).path("parameters").values().forEach(params::add);
            op.node().path("parameters").values().forEach(params::add);
            Set<String> seen = new HashSet<>();
            for (JsonNode p : params) {
                JsonNode param = file.deref(p);
                assertThat(param.path("name").isString())
                        .as("%s: a parameter has a name", op)
                        .isTrue();
                assertThat(seen.add(param.path("in").asString() + ":"
                                + param.path("name").asString()))
                        .as("%s declares %s once", op, param.path("name").asString())
                        .isTrue();
                if (param.path("in").asString().equals("path")) {
                    assertThat(param.path("required").asBoolean())
                            .as("%s: path parameter %s is required", op, param.path("name"))
                            .isTrue();
                    declared.add(param.path("name").asString());
                }
            }
            assertThat(declared).as("%s: path parameters", op).isEqualTo(inPath);
        }
    }

    @Test
    void everyOperation_answersItsErrorsInTheErrorShape() {
        Set<String> ids = new HashSet<>();
        for (OpenApiFile.Operation op : file.operations()) {
            assertThat(ids.add(op.node().path("operationId").asString()))
                    .as("%s has its own operationId", op)
                    .isTrue();
            assertThat(op.node().path("x-keyroom-access").asString())
                    .as("%s says who may reach it", op)
                    .isIn("public", "user", "admin");
            List<String> errors = new ArrayList<>();
            for (Map.Entry<String, JsonNode> r : op.node().path("responses").properties()) {
                int status = Integer.parseInt(r.getKey());
                if (status < 400) {
                    continue;
                }
                errors.add(r.getKey());
                JsonNode schema = file.deref(r.getValue()).at("/content/application~1json/schema");
                assertThat(schema.path("$ref").asString())
                        .as("%s answers %d with the error body", op, status)
                        .isEqualTo("#/components/schemas/Error");
            }
            assertThat(errors).as("%s lists its error statuses", op).contains("429", "500");
        }
        JsonNode detail = doc.at("/components/schemas/ErrorDetail");
        assertThat(detail.path("properties").propertyNames()).containsExactly("code", "message", "request_id");
    }

    @Test
    void theBuild_putsTheRepositoryFileInTheJar_unchanged() throws IOException {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(OpenApiRoutes.RESOURCE)) {
            assertThat(in).as("the build copies docs/openapi.json").isNotNull();
            assertThat(Arrays.mismatch(in.readAllBytes(), Files.readAllBytes(OpenApiFile.path())))
                    .as("the first byte where the jar's copy differs (-1: none)")
                    .isEqualTo(-1);
        }
    }
}
