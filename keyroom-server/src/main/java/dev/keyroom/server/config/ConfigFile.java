package dev.keyroom.server.config;

import java.util.List;

/**
 * The YAML configuration file as written; every field optional. Unknown keys are refused. Secrets
 * are never inlined here: key material lives in files of the data directory.
 *
 * <pre>
 * listen: 127.0.0.1:8443
 * insecure_plaintext: false
 * auth_mode: enforce            # enforce | soft | off
 * skew_seconds: 30
 * public_authorities: [keyroom.example.com]
 * allow_cleartext_rooms: false
 * nonce_capacity: 1000000
 * max_json_body_bytes: 1048576
 * </pre>
 */
public record ConfigFile(
        String listen,
        Boolean insecurePlaintext,
        String authMode,
        Integer skewSeconds,
        List<String> publicAuthorities,
        Boolean allowCleartextRooms,
        Integer nonceCapacity,
        Long maxJsonBodyBytes) {

    public static final ConfigFile EMPTY = new ConfigFile(null, null, null, null, null, null, null, null);

    /** This file with every non-null field of {@code overrides} put over it. */
    public ConfigFile overriddenBy(ConfigFile o) {
        return new ConfigFile(
                o.listen != null ? o.listen : listen,
                o.insecurePlaintext != null ? o.insecurePlaintext : insecurePlaintext,
                o.authMode != null ? o.authMode : authMode,
                o.skewSeconds != null ? o.skewSeconds : skewSeconds,
                o.publicAuthorities != null ? o.publicAuthorities : publicAuthorities,
                o.allowCleartextRooms != null ? o.allowCleartextRooms : allowCleartextRooms,
                o.nonceCapacity != null ? o.nonceCapacity : nonceCapacity,
                o.maxJsonBodyBytes != null ? o.maxJsonBodyBytes : maxJsonBodyBytes);
    }
}
