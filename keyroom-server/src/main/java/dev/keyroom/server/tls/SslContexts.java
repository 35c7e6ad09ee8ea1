package dev.keyroom.server.tls;

import dev.keyroom.core.crypto.PemCertificates;
import dev.keyroom.server.config.TlsSettings;
import java.io.IOException;
import java.security.SecureRandom;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Jetty's TLS contexts for a node's listeners, made from its certificate and the {@code tls:} settings. */
public final class SslContexts {
    private SslContexts() {}

    /**
     * The client listener's context: TLS 1.3, or 1.2 too with forward secrecy and AEAD only when
     * {@code tls.min_version} says so; client certificates required when a client CA is configured.
     * The key store is locked with {@code password}, which only this process knows.
     */
    public static SslContextFactory.Server server(TlsSettings settings, TlsMaterial material, char[] password)
            throws IOException {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(material.keyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setSniRequired(false);
        if (settings.minVersion().equals("1.2")) {
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            // TLS 1.2 only with forward secrecy and AEAD; TLS 1.3 suites are all of that already.
            ssl.setIncludeCipherSuites(
                    "TLS_AES_.*",
                    "TLS_CHACHA20_.*",
                    "TLS_ECDHE_.*_WITH_AES_.*_GCM_.*",
                    "TLS_ECDHE_.*_WITH_CHACHA20_POLY1305_.*");
        } else {
            ssl.setIncludeProtocols("TLSv1.3");
        }
        if (settings.clientCa().isPresent()) {
            ssl.setTrustStore(PemCertificates.trustStore(settings.clientCa().get()));
            ssl.setNeedClientAuth(true);
        }
        return ssl;
    }

    /** A password for an in-memory key store, never written anywhere. */
    public static char[] randomPassword(SecureRandom random) {
        char[] p = new char[24];
        for (int i = 0; i < p.length; i++) {
            p[i] = (char) ('a' + random.nextInt(26));
        }
        return p;
    }
}
