package dev.keyroom.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * Every vector of every file in {@code docs/vectors/} holds against the Java implementation: bases
 * and signatures rebuilt byte for byte, envelopes and sealed keys opened, secrets and blobs
 * decrypted, and the vectors that must fail failing. A file this test does not know, or one without
 * vectors, fails it, as does a kind whose file is missing.
 */
class ProtocolVectorsTest {
    static final Path VECTORS = Path.of("../docs/vectors");
    static final Path PROTOCOL = Path.of("../docs/protocol.md");

    private static final Map<String, VectorKind> KINDS =
            VectorKind.all().stream().collect(Collectors.toMap(VectorKind::file, Function.identity()));

    @Test
    void vectorDirectory_holdsExactlyTheKnownFiles() throws IOException {
        assertThat(VECTORS).as("docs/vectors, relative to the module").isDirectory();
        assertThat(files()).containsExactlyInAnyOrderElementsOf(KINDS.keySet());
    }

    @TestFactory
    Stream<DynamicTest> everyVector_holdsAgainstTheImplementation() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : files()) {
            VectorKind kind = KINDS.get(name);
            JsonNode file = Json.mapper().readTree(Files.readAllBytes(VECTORS.resolve(name)));
            tests.add(DynamicTest.dynamicTest(name + ": known, described, not empty", () -> {
                assertThat(kind).as(name + " is a vector file this test knows").isNotNull();
                assertThat(file.path("description").asString(""))
                        .as("description")
                        .isNotBlank();
                assertThat(file.path("vectors").isArray())
                        .as("vectors is an array")
                        .isTrue();
                assertThat(file.path("vectors").size()).as("vectors").isPositive();
                Set<String> names = new HashSet<>();
                for (JsonNode v : file.path("vectors")) {
                    assertThat(names.add(Vectors.text(v, "name")))
                            .as("unique name")
                            .isTrue();
                }
            }));
            if (kind == null) {
                continue;
            }
            for (JsonNode v : file.path("vectors")) {
                tests.add(DynamicTest.dynamicTest(name + ": " + v.path("name").asString("?"), () -> kind.check(v)));
            }
        }
        return tests.stream();
    }

    @Test
    void workedExample_inTheProtocol_isAVectorsBytes() throws IOException {
        JsonNode file = Json.mapper().readTree(Files.readAllBytes(VECTORS.resolve("request-signatures.json")));
        JsonNode example = null;
        for (JsonNode v : file.path("vectors")) {
            if (v.path("name").asString("").equals(RequestSignatureVectors.WORKED_EXAMPLE)) {
                example = v;
            }
        }
        assertThat(example).as("the worked example's vector").isNotNull();
        String doc = Files.readString(PROTOCOL);
        for (String field :
                List.of("signature_base", "signature_input", "signature", "content_digest", "sign_seed_hex", "keyid")) {
            assertThat(doc)
                    .as("docs/protocol.md shows " + field + " of the worked example")
                    .contains(Vectors.text(example, field));
        }
    }

    private static List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(VECTORS)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
