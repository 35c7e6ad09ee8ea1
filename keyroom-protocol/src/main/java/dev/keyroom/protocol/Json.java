package dev.keyroom.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.keyroom.core.error.KeyroomException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration of the wire: snake_case names, unknown properties and duplicate keys
 * rejected, trailing tokens rejected, and tight read constraints (nesting, string, number and
 * document sizes), so a hostile body cannot make the parser work hard.
 */
public final class Json {
    /** Largest JSON document the wire accepts; the HTTP layer caps bodies before this. */
    public static final int MAX_DOCUMENT_BYTES = 1 << 20;

    /**
     * Largest replication batch document (many changes of up to one document each); read only once
     * its signature by a configured primary site key has been verified.
     */
    public static final int MAX_BATCH_BYTES = 32 << 20;

    private static final JsonMapper MAPPER = build(MAX_DOCUMENT_BYTES);
    private static final JsonMapper BATCH_MAPPER = build(MAX_BATCH_BYTES);

    private Json() {}

    private static JsonMapper build(int maxDocumentBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(16)
                        .maxStringLength(MAX_DOCUMENT_BYTES)
                        .maxNumberLength(20)
                        .maxNameLength(256)
                        .maxDocumentLength(maxDocumentBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .changeDefaultPropertyInclusion(
                        v -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads {@code type} from {@code body}. Any malformed, oversized, duplicate-keyed or
     * unknown-field input fails with {@code bad_request} and a message that quotes none of it.
     */
    public static <T> T read(byte[] body, Class<T> type) {
        return read(MAPPER, body, type);
    }

    /** As {@link #read}, for a signed replication batch of up to {@link #MAX_BATCH_BYTES}. */
    public static <T> T readBatch(byte[] body, Class<T> type) {
        return read(BATCH_MAPPER, body, type);
    }

    private static <T> T read(JsonMapper mapper, byte[] body, Class<T> type) {
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw KeyroomException.badRequest("a JSON object is required");
            }
            return value;
        } catch (JacksonException e) {
            throw KeyroomException.badRequest(describe(e));
        }
    }

    private static String describe(JacksonException e) {
        String name = e.getClass().getSimpleName();
        if (name.contains("UnrecognizedProperty")) {
            return "unknown field in request body";
        }
        if (name.contains("MismatchedInput") || name.contains("InvalidFormat")) {
            return "a field has the wrong type or is missing";
        }
        if (name.contains("Constraints")) {
            return "request body exceeds a JSON size limit";
        }
        return "malformed JSON";
    }

    public static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String writeString(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}
