package dev.keyroom.protocol.signature;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.protocol.sfv.StructuredFields;
import dev.keyroom.protocol.sfv.StructuredFields.InnerList;
import dev.keyroom.protocol.sfv.StructuredFields.Item;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one signature of a request, parsed and held to Keyroom's RFC 9421 profile (check 1 of the
 * protocol): exactly one signature, the required components covered, {@code created}, {@code
 * nonce} and {@code keyid} present and well-formed, {@code alg} absent or {@code ed25519}.
 */
public record SignedRequest(
        String label, InnerList params, long created, Long expires, String nonce, EndpointId keyid, byte[] signature) {

    /** Components every request must cover. */
    public static final List<String> REQUIRED = List.of("@method", "@authority", "@path", "@query");

    /** Bound on the combined size of the signature fields, so parsing costs little. */
    public static final int MAX_FIELD_LENGTH = 4096;

    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    /**
     * Parses and checks the {@code Signature-Input} and {@code Signature} fields.
     *
     * @param digestRequired whether {@code content-digest} must be covered (a body, or POST, PUT,
     *     PATCH)
     */
    public static SignedRequest parse(List<String> signatureInput, List<String> signature, boolean digestRequired)
            throws SignatureException {
        String input = combine(signatureInput, "Signature-Input");
        String sig = combine(signature, "Signature");
        Map<String, Object> inputs;
        Map<String, Object> sigs;
        try {
            inputs = StructuredFields.parseDictionary(input);
            sigs = StructuredFields.parseDictionary(sig);
        } catch (StructuredFields.ParseException e) {
            throw new SignatureException("malformed signature fields: " + e.getMessage());
        }
        if (inputs.size() != 1 || sigs.size() != 1) {
            throw new SignatureException("exactly one signature is required");
        }
        String label = inputs.keySet().iterator().next();
        if (!(inputs.get(label) instanceof InnerList params)) {
            throw new SignatureException("Signature-Input member must be an inner list");
        }
        if (!(sigs.get(label) instanceof Item sigItem) || !(sigItem.value() instanceof byte[] sigBytes)) {
            throw new SignatureException("Signature must be a byte sequence under the same label");
        }
        if (sigBytes.length != 64) {
            throw new SignatureException("an Ed25519 signature is 64 bytes");
        }
        Set<String> covered = new HashSet<>();
        for (Item c : params.items()) {
            if (c.value() instanceof String s && c.params().isEmpty()) {
                covered.add(s);
            }
        }
        for (String r : REQUIRED) {
            if (!covered.contains(r)) {
                throw new SignatureException("signature must cover " + r);
            }
        }
        if (digestRequired && !covered.contains("content-digest")) {
            throw new SignatureException("signature must cover content-digest");
        }
        Map<String, Object> p = params.params();
        if (!(p.get("created") instanceof Long created)) {
            throw new SignatureException("created is required and must be an integer");
        }
        Object expiresValue = p.get("expires");
        if (expiresValue != null && !(expiresValue instanceof Long)) {
            throw new SignatureException("expires must be an integer");
        }
        if (!(p.get("nonce") instanceof String nonce) || !NONCE.matcher(nonce).matches()) {
            throw new SignatureException("nonce must be 16 to 128 characters of [A-Za-z0-9_-]");
        }
        if (!(p.get("keyid") instanceof String keyid) || !EndpointId.isWellFormed(keyid)) {
            throw new SignatureException("keyid must be an endpoint id");
        }
        Object alg = p.get("alg");
        if (alg != null && !"ed25519".equals(alg)) {
            throw new SignatureException("alg must be ed25519");
        }
        return new SignedRequest(label, params, created, (Long) expiresValue, nonce, new EndpointId(keyid), sigBytes);
    }

    private static String combine(List<String> values, String name) throws SignatureException {
        if (values == null || values.isEmpty()) {
            throw new SignatureException(name + " is missing");
        }
        String joined = String.join(", ", values);
        if (joined.length() > MAX_FIELD_LENGTH) {
            throw new SignatureException(name + " is too long");
        }
        return joined;
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
