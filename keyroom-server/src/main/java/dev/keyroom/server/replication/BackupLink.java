package dev.keyroom.server.replication;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.server.config.ReplicationSettings;
import dev.keyroom.server.tls.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A primary's link to its backup: the HTTP client over mutual TLS (this site's certificate from
 * the replication CA, the backup's key pinned), the posts of a feed's batches signed by the {@link
 * SiteSigner}, and the reading of the backup's answers. Every answer names the backup's site
 * epoch: a higher one than this site's fences it (REPL-7), and every answer read after that fails.
 */
final class BackupLink implements AutoCloseable {
    /** Logs under the worker's name, as the worker did before its parts became classes. */
    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);

    private final ReplicationSettings.PushSettings settings;
    private final SiteSigner signer;
    private final ReplicationAlerts alerts;
    private final HttpClient http;

    BackupLink(ReplicationSettings.PushSettings settings, SiteSigner signer, ReplicationAlerts alerts)
            throws IOException {
        this.settings = settings;
        this.signer = signer;
        this.alerts = alerts;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .sslContext(ServerTrust.pin(settings.backupPin()).sslContext(clientKeys(settings)))
                .build();
    }

    /** The certificate this site proves itself with, from the replication CA. */
    private static javax.net.ssl.KeyManager[] clientKeys(ReplicationSettings.PushSettings settings) throws IOException {
        TlsMaterial m = TlsMaterial.read(settings.clientTlsDir());
        char[] password = "replication".toCharArray();
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(m.keyStore(password), password);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the replication client certificate", e);
        }
    }

    /** The client every request to the backup goes through. */
    HttpClient http() {
        return http;
    }

    /** The backup's base URI. */
    URI backup() {
        return settings.backup();
    }

    /**
     * Signs and posts one batch of {@code feed}; returns where the backup stands after it (the
     * answer's {@code position} field), as {@link #position} reads it.
     */
    long push(ReplicationBatch.Feed feed, long firstSeq, List<byte[]> records, String position)
            throws IOException, InterruptedException {
        ReplicationBatch.Signed signed = signer.sign(feed, firstSeq, records, firstSeq + records.size() - 1);
        HttpRequest request = HttpRequest.newBuilder(settings.backup().resolve(feed.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header(ReplicationBatch.KEY_HEADER, signed.key())
                .header(ReplicationBatch.SIGNATURE_HEADER, signed.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body()))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return position(r.statusCode(), answer(r), firstSeq, position, feed);
    }

    /**
     * Where the backup stands after a batch that started at {@code firstSeq}: from its acceptance,
     * or from a refusal that shows it stands elsewhere than the batch assumed (a gap, a retry after a
     * lost answer), to resume from. Any other refusal, one of a batch that started right after the
     * backup's position, is a failure.
     */
    long position(int status, JsonNode json, long firstSeq, String field, ReplicationBatch.Feed feed)
            throws IOException {
        JsonNode at = json.get(field);
        if (status == 200 && at != null) {
            return at.asLong();
        }
        JsonNode epoch = json.get("epoch");
        if (status == 409
                && at != null
                && at.asLong() != firstSeq - 1
                && epoch != null
                && epoch.asLong() == signer.site().epoch()) {
            log.atInfo()
                    .addKeyValue("feed", feed.name())
                    .addKeyValue("position", at.asLong())
                    .log("the backup asked to resume from where it stands");
            return at.asLong();
        }
        throw new IOException("the backup answered " + status + ": "
                + (json.get("message") == null ? "" : json.get("message").asString()));
    }

    /** The backup's answer as JSON, after hearing the site epoch it names (REPL-7). */
    JsonNode answer(HttpResponse<String> r) throws IOException {
        return heard(r.body(), r.statusCode());
    }

    /** As {@link #answer}, of an answer's {@code body} that came with {@code status}. */
    JsonNode heard(String body, int status) throws IOException {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (RuntimeException e) {
            throw new IOException("the backup answered " + status + " without JSON");
        }
        heardEpoch(json);
        if (signer.site().kind() == SiteRole.Kind.FENCED) {
            throw new IOException("fenced: the backup was promoted past this site's epoch");
        }
        return json;
    }

    /** The backup named a site epoch: a higher one than this site's fences it (REPL-7). */
    private void heardEpoch(JsonNode json) {
        SiteRole site = signer.site();
        JsonNode e = json.get("epoch");
        if (e != null && e.isIntegralNumber() && e.asLong() > site.epoch() && site.fence(e.asLong())) {
            alerts.raise("fenced: the backup is at site epoch " + e.asLong() + ", this site at " + site.epoch());
        }
    }

    /** Closes the client and the site key. */
    @Override
    public void close() {
        http.close();
        signer.key().close();
    }
}
