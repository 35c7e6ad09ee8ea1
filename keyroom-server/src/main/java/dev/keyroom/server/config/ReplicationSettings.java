package dev.keyroom.server.config;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The site's role (the {@code replication:} section); a backup's primary (REPL-1, REPL-4). */
public record ReplicationSettings(
        boolean backup, Optional<URI> primary, Optional<ApplySettings> apply, Optional<PushSettings> push) {

    /** A backup's apply listener: its address, the replication CA, the primary site keys accepted. */
    public record ApplySettings(String host, int port, Path clientCa, List<byte[]> primaryKeys) {}

    /** A primary's backup: its apply listener's URL and certificate pin, and this site's client certificate. */
    public record PushSettings(URI backup, String backupPin, Path clientTlsDir) {}

    public String role() {
        return backup ? "backup" : "primary";
    }

    /** REPL-1: the role comes from the config file only; a backup must say where its primary is. */
    static ReplicationSettings from(ConfigFile.Replication r, Problems problems) {
        if (r == null) {
            return new ReplicationSettings(false, Optional.empty(), Optional.empty(), Optional.empty());
        }
        boolean backup = "backup".equals(r.role());
        if (r.role() != null && !backup && !r.role().equals("primary")) {
            problems.add("replication.role must be primary (default) or backup");
        }
        Optional<URI> primary = Optional.empty();
        if (backup) {
            primary = httpsUrl(r.primaryUrl());
            if (primary.isEmpty()) {
                problems.add(
                        "replication.primary_url must be the primary's https:// URL, e.g. https://primary.example:8443");
            }
        } else if (r.primaryUrl() != null) {
            problems.add("replication.primary_url is for a backup; remove it or set replication.role: backup");
        }
        Optional<ApplySettings> apply = Optional.empty();
        if (r.listen() != null || r.clientCa() != null || r.primaryKeys() != null) {
            // A promoted site keeps its apply listener: it applies nothing, and a former primary that comes
            // back learns there that it is fenced (REPL-7).
            String[] hp = r.listen() == null ? new String[0] : r.listen().split(":(?=[0-9]+$)");
            Path ca = r.clientCa() == null ? null : Path.of(r.clientCa());
            List<byte[]> keys = new ArrayList<>();
            for (String k : Problems.or(r.primaryKeys(), List.<String>of())) {
                try {
                    byte[] key = Base64Url.decode(k, "primary key");
                    Ed25519.requireValidPublicKey(key);
                    keys.add(key);
                } catch (RuntimeException e) {
                    problems.add("replication.primary_keys entries are Ed25519 public keys in base64url: " + k);
                }
            }
            if (hp.length != 2 || ca == null || !Files.isReadable(ca) || keys.isEmpty()) {
                problems.add("a fed backup needs replication.listen (HOST:PORT), a readable replication.client_ca"
                        + " (the replication CA) and at least one replication.primary_keys entry");
            } else {
                apply = Optional.of(new ApplySettings(hp[0], Integer.parseInt(hp[1]), ca, List.copyOf(keys)));
            }
        }
        Optional<PushSettings> push = Optional.empty();
        if (r.backupUrl() != null || r.backupPin() != null || r.clientTlsDir() != null) {
            if (backup) {
                problems.add("replication.backup_url is for a primary: a backup never replicates onward (REPL-4)");
            }
            Optional<URI> url = httpsUrl(r.backupUrl());
            Path dir = r.clientTlsDir() == null ? null : Path.of(r.clientTlsDir());
            if (url.isEmpty()
                    || r.backupPin() == null
                    || !r.backupPin().startsWith("sha256/")
                    || dir == null
                    || !Files.isDirectory(dir)) {
                problems.add(
                        "a primary that feeds a backup needs replication.backup_url (https://), replication.backup_pin"
                                + " (sha256/...) and replication.client_tls_dir (key.pem and cert.pem from the replication CA)");
            } else {
                push = Optional.of(new PushSettings(url.get(), r.backupPin(), dir));
            }
        }
        return new ReplicationSettings(backup, primary, apply, push);
    }

    private static Optional<URI> httpsUrl(String value) {
        try {
            URI u = value == null ? null : new URI(value);
            return u != null && "https".equals(u.getScheme()) && u.getHost() != null
                    ? Optional.of(u)
                    : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
