package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;
import static dev.keyroom.server.config.Problems.or;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** TLS (the {@code tls:} section): the lowest version accepted, an optional CA whose client certificates are required. */
public record TlsSettings(String minVersion, Optional<Path> clientCa, Duration reloadInterval) {
    static TlsSettings from(ConfigFile.Tls t, boolean plaintext, Problems problems) {
        String min = or(field(t, ConfigFile.Tls::minVersion), "1.3");
        if (!min.equals("1.3") && !min.equals("1.2")) {
            problems.add("tls.min_version must be \"1.3\" (default) or \"1.2\"");
        }
        Optional<Path> ca =
                Optional.ofNullable(field(t, ConfigFile.Tls::clientCa)).map(Path::of);
        if (ca.isPresent() && !Files.isReadable(ca.get())) {
            problems.add("tls.client_ca " + ca.get() + " is not a readable file");
        }
        if (ca.isPresent() && plaintext) {
            problems.add("tls.client_ca needs TLS; remove insecure_plaintext");
        }
        int reload = problems.within("tls.reload_seconds", field(t, ConfigFile.Tls::reloadSeconds), 10, 1, 3600);
        return new TlsSettings(min, ca, Duration.ofSeconds(reload));
    }
}
