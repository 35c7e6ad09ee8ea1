package dev.keyroom.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.grant.GrantDocument;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS client settings the gateway uses towards an upstream (GW-5): the upstream's certificate is
 * always validated, against the system trust store, against the CAs a grant gives
 * ({@code upstream_ca}, with host name verification), or against a grant's pin on the leaf's public
 * key ({@code upstream_pin}). There is no setting that skips validation, so a failed handshake sends
 * nothing, credential included.
 *
 * <p>Factories are cached per trust setting and returned already started: Jetty's
 * {@code HttpClient} then treats one as a bean it does not own, so stopping a client does not stop a
 * factory other clients share. Jetty 12.1's {@code HttpClient} takes one factory for all its
 * destinations ({@code setSslContextFactory}, before it starts), so the gateway keeps a client per
 * trust setting.
 */
public final class UpstreamTls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final int CACHE_SIZE = 1_000;
    private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");

    /** How an upstream's certificate chain is judged. */
    public sealed interface Trust {
        /** What the factory cache keys on: never the PEM itself, which may be long. */
        String cacheKey();

        /** The JDK's default trust store, with host name verification. */
        static Trust system() {
            return new SystemTrust();
        }

        /** Only these CAs (PEM, one or more certificates), with host name verification. */
        static Trust ca(String pem) {
            return new CaTrust(pem);
        }

        /** Only a leaf whose SubjectPublicKeyInfo has this SHA-256 ({@code sha256/<base64>}). */
        static Trust pin(String pin) {
            return new PinTrust(pin);
        }

        /** What a grant asks for: its CA, its pin, or else the system trust store. */
        static Trust of(GrantDocument grant) {
            if (grant.upstreamCa() != null) {
                return ca(grant.upstreamCa());
            }
            if (grant.upstreamPin() != null) {
                return pin(grant.upstreamPin());
            }
            return system();
        }
    }

    record SystemTrust() implements Trust {
        @Override
        public String cacheKey() {
            return "system";
        }
    }

    record CaTrust(String pem) implements Trust {
        @Override
        public String cacheKey() {
            return "ca:" + HexFormat.of().formatHex(Digests.sha256(pem.getBytes(StandardCharsets.UTF_8)));
        }
    }

    record PinTrust(String pin) implements Trust {
        PinTrust {
            if (pin == null || !PIN.matcher(pin).matches()) {
                throw new IllegalArgumentException(
                        "an upstream pin is sha256/ and the base64 SHA-256 of the leaf's public key info");
            }
        }

        @Override
        public String cacheKey() {
            return "pin:" + pin;
        }
    }

    private final Clock clock;
    private final Cache<String, SslContextFactory.Client> factories =
            Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();

    /** @param clock judges a pinned leaf's validity dates */
    public UpstreamTls(Clock clock) {
        this.clock = clock;
    }

    /**
     * A started factory for {@code trust}, the same instance for the same setting.
     *
     * @throws IllegalArgumentException when a CA PEM holds no readable certificate
     */
    public SslContextFactory.Client factoryFor(Trust trust) {
        return factories.get(trust.cacheKey(), k -> start(build(trust)));
    }

    private SslContextFactory.Client build(Trust trust) {
        SslContextFactory.Client f = new SslContextFactory.Client();
        f.setTrustAll(false);
        f.setEndpointIdentificationAlgorithm("HTTPS");
        f.setIncludeProtocols(PROTOCOLS);
        switch (trust) {
            case SystemTrust s -> {
                // No trust store set: Jetty uses the JDK's default trust managers.
            }
            case CaTrust c -> f.setTrustStore(trustStore(c.pem()));
            case PinTrust p -> f.setSslContext(pinnedContext(p.pin()));
        }
        return f;
    }

    private static SslContextFactory.Client start(SslContextFactory.Client f) {
        try {
            f.start();
            return f;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream TLS settings", e);
        }
    }

    private static KeyStore trustStore(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("the grant's upstream_ca holds no certificate");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("upstream-ca-" + i++, c);
            }
            return ks;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the grant's upstream_ca is not readable PEM certificates", e);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust store for the grant's upstream_ca", e);
        }
    }

    private SSLContext pinnedContext(String pin) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new PinnedLeaf(pin, clock)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context for a pinned upstream", e);
        }
    }

    /** The SPKI pin of a certificate: {@code sha256/} and the base64 SHA-256 of its public key info. */
    public static String pinOf(X509Certificate cert) {
        return "sha256/"
                + Base64.getEncoder()
                        .encodeToString(Digests.sha256(cert.getPublicKey().getEncoded()));
    }

    /**
     * Accepts a server whose leaf carries the pinned public key and is within its dates. The pin
     * stands in for a CA and a name: whoever completes the handshake holds the pinned key, so no
     * host name check is made (it is an {@link X509ExtendedTrustManager}, which the JDK trusts to
     * make its own identity decision).
     */
    static final class PinnedLeaf extends X509ExtendedTrustManager {
        private final byte[] pin;
        private final String pinText;
        private final Clock clock;

        PinnedLeaf(String pin, Clock clock) {
            this.pinText = pin;
            this.pin = Base64.getDecoder().decode(pin.substring("sha256/".length()));
            this.clock = clock;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the upstream presented no certificate");
            }
            X509Certificate leaf = chain[0];
            leaf.checkValidity(Date.from(clock.now()));
            if (!Digests.constantTimeEquals(
                    pin, Digests.sha256(leaf.getPublicKey().getEncoded()))) {
                throw new CertificateException(
                        "the upstream's key " + pinOf(leaf) + " does not match the grant's upstream_pin " + pinText);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("upstream trust judges servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("upstream trust judges servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("upstream trust judges servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
