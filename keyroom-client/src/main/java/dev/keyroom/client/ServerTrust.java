package dev.keyroom.client;

import dev.keyroom.core.crypto.Digests;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the SDK decides to trust a server (TLS-2): by the SPKI pin of its certificate, by a given CA
 * (with the usual chain and host name checks), or by the system's trust store. There is no option
 * that turns validation off.
 */
public sealed interface ServerTrust {
    /** How the server's certificate is judged. */
    TrustManager[] trustManagers();

    /** TLS 1.3 with this trust and no client certificate. */
    default SSLContext sslContext() {
        return context(null, trustManagers());
    }

    /** TLS 1.3 with this trust, proving the client with {@code keys} (mutual TLS between sites). */
    default SSLContext sslContext(javax.net.ssl.KeyManager[] keys) {
        return context(keys, trustManagers());
    }

    /** Trust exactly the server whose certificate's public key has this pin ({@code sha256/<b64>}). */
    static ServerTrust pin(String spkiPin) {
        return new Pinned(spkiPin);
    }

    /** Trust servers whose certificate chains to the CA certificate(s) in a PEM file. */
    static ServerTrust ca(Path caPem) throws IOException {
        return new CustomCa(caPem);
    }

    /** The JDK's default trust store. */
    static ServerTrust system() {
        return new SystemTrust();
    }

    /** SPKI pinning: the leaf's public key must hash to the pin, and the leaf must be in its validity period. */
    record Pinned(String spkiPin) implements ServerTrust {
        public Pinned {
            if (spkiPin == null || !spkiPin.startsWith("sha256/")) {
                throw new IllegalArgumentException("a pin looks like sha256/<base64 of the SPKI's SHA-256>");
            }
            byte[] d;
            try {
                d = Base64.getDecoder().decode(spkiPin.substring(7));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the pin is not valid base64");
            }
            if (d.length != 32) {
                throw new IllegalArgumentException("the pin must hold a 32-byte SHA-256");
            }
        }

        @Override
        public TrustManager[] trustManagers() {
            byte[] expected = Base64.getDecoder().decode(spkiPin.substring(7));
            X509ExtendedTrustManager tm = new X509ExtendedTrustManager() {
                private void check(X509Certificate[] chain) throws CertificateException {
                    if (chain == null || chain.length == 0) {
                        throw new CertificateException("the server sent no certificate");
                    }
                    chain[0].checkValidity();
                    byte[] actual = Digests.sha256(chain[0].getPublicKey().getEncoded());
                    if (!MessageDigest.isEqual(expected, actual)) {
                        throw new CertificateException("the server's key does not match the pinned key");
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
                    throw new CertificateException("not a server");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                        throws CertificateException {
                    throw new CertificateException("not a server");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                        throws CertificateException {
                    throw new CertificateException("not a server");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
            return new TrustManager[] {tm};
        }
    }

    /** A custom CA with the JDK's full PKIX validation and host name check. */
    record CustomCa(Path caPem) implements ServerTrust {
        @Override
        public TrustManager[] trustManagers() {
            try {
                KeyStore ks = dev.keyroom.core.crypto.PemCertificates.trustStore(caPem);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                return tmf.getTrustManagers();
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read CA file " + caPem + ": " + e.getMessage(), e);
            }
        }
    }

    /** The JDK's default trust. */
    record SystemTrust() implements ServerTrust {
        @Override
        public TrustManager[] trustManagers() {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                return tmf.getTrustManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static SSLContext context(javax.net.ssl.KeyManager[] keys, TrustManager[] tms) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keys, tms, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is not available", e);
        }
    }
}
