package dev.keyroom.store.nats;

import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.crypto.PemCertificates;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's connection to the NATS cluster (TLS-3): TLS 1.3 to servers whose certificates chain to
 * the configured CA only (not the system's trust store), credentials read from a file only its
 * owner can read, and reconnection to any listed server for as long as the node runs.
 *
 * <p>The credentials file holds either a NATS user credentials file (a user JWT and its NKey seed,
 * as {@code nsc} writes them) or one line {@code user:password}.
 */
public final class NatsConnections {
    private static final Logger log = LoggerFactory.getLogger(NatsConnections.class);

    private NatsConnections() {}

    public static Connection connect(
            List<String> urls, Path caFile, Path credentialsFile, Duration timeout, String name)
            throws IOException, InterruptedException {
        Options.Builder b = new Options.Builder()
                .servers(urls.toArray(String[]::new))
                .connectionName(name)
                .sslContext(trusting(caFile))
                .connectionTimeout(timeout)
                .pingInterval(Duration.ofSeconds(2))
                .maxPingsOut(2)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionListener(NatsConnections::changed)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        log.atWarn().addKeyValue("error", error).log("NATS reported an error");
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        log.atWarn().setCause(exp).log("NATS connection trouble");
                    }
                });
        byte[] creds = KeyFiles.readSecret(credentialsFile);
        try {
            String text = new String(creds, StandardCharsets.UTF_8);
            if (text.contains("-----BEGIN NATS USER JWT-----")) {
                b.authHandler(Nats.credentials(credentialsFile.toString()));
            } else {
                String line = text.strip();
                int colon = line.indexOf(':');
                if (colon <= 0 || colon == line.length() - 1 || line.contains("\n")) {
                    throw new IOException("the NATS credentials file " + credentialsFile
                            + " holds neither a NATS user credentials file nor one line user:password");
                }
                b.userInfo(
                        line.substring(0, colon).toCharArray(),
                        line.substring(colon + 1).toCharArray());
            }
        } finally {
            Arrays.fill(creds, (byte) 0);
        }
        return Nats.connect(b.build());
    }

    /** TLS 1.3 trusting exactly the certificates in the PEM file {@code caFile}. */
    static SSLContext trusting(Path caFile) throws IOException {
        try {
            KeyStore trust = PemCertificates.trustStore(caFile);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the NATS CA file " + caFile, e);
        }
    }

    private static void changed(Connection conn, ConnectionListener.Events event) {
        log.atInfo()
                .addKeyValue("event", event.name())
                .addKeyValue("server", conn.getConnectedUrl())
                .log("NATS connection");
    }
}
