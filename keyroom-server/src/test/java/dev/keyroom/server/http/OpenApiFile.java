package dev.keyroom.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The repository's docs/openapi.json, read for the tests that hold it to the code. */
record OpenApiFile(JsonNode doc) {
    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    /** One operation of the document: its method (lower case), path and node. */
    record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** Where the file is (tests run in their module's directory). */
    static Path path() {
        return Path.of("").toAbsolutePath().getParent().resolve("docs/openapi.json");
    }

    /** Reads it strictly: a key written twice is an error, not a silent overwrite. */
    static OpenApiFile read() throws IOException {
        return new OpenApiFile(JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build()
                .readTree(Files.readAllBytes(path())));
    }

    List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    out.add(new Operation(op.getKey(), path.getKey(), op.getValue()));
                }
            }
        }
        return out;
    }

    /** {@code node}, or what its {@code $ref} names. */
    JsonNode deref(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : doc.at(ref.asString().substring(1));
    }
}
