package dev.keyroom.client;

import dev.keyroom.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the test vectors of {@code docs/vectors/} from fixed keys, times, ids and nonces, through
 * the SDK's own code. What Tink randomises inside (an HPKE ephemeral key, a blob's salt and nonce
 * prefix) differs on each run; everything else comes out byte for byte the same. docs/protocol.md
 * says how to run it; {@link ProtocolVectorsTest} checks what it wrote.
 */
public final class VectorGenerator {
    private VectorGenerator() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: VectorGenerator DIRECTORY (docs/vectors)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (VectorKind kind : VectorKind.all()) {
            List<Map<String, Object>> vectors = kind.generate();
            Map<String, Object> file = Vectors.object("description", kind.description(), "vectors", vectors);
            String json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(file) + "\n";
            Files.writeString(dir.resolve(kind.file()), json, StandardCharsets.UTF_8);
            System.out.println("wrote " + dir.resolve(kind.file()) + " (" + vectors.size() + " vectors)");
        }
    }
}
