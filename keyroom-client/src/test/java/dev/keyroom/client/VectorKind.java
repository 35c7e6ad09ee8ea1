package dev.keyroom.client;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One file of test vectors under {@code docs/vectors/}: how {@link VectorGenerator} makes its
 * vectors and how {@link ProtocolVectorsTest} checks each of them against the Java implementation.
 */
interface VectorKind {
    /** The file's name, e.g. {@code request-signatures.json}. */
    String file();

    /** The file's {@code description}: what each vector holds and what a checker must do with it. */
    String description();

    /** The vectors, each a JSON object with a unique {@code name}, from fixed inputs. */
    List<Map<String, Object>> generate() throws Exception;

    /** Checks one vector; throws (an assertion error or an exception) when it does not hold. */
    void check(JsonNode vector) throws Exception;

    /** Every kind, in the order the generator writes them. */
    static List<VectorKind> all() {
        return List.of(
                new IdentityVectors(),
                new ContentDigestVectors(),
                new RequestSignatureVectors(),
                new SealedRoomKeyVectors(),
                new EnvelopeVectors(),
                new SecretValueVectors(),
                new BlobVectors(),
                new BusFrameVectors());
    }
}
