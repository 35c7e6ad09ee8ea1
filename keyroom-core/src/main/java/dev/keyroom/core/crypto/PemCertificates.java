package dev.keyroom.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/** Certificates from PEM files, for trusting exactly a given CA (clients, NATS, client certificates). */
public final class PemCertificates {
    private PemCertificates() {}

    /**
     * A PKCS#12 key store holding every certificate of the PEM file {@code pem} as a trusted entry;
     * an {@link IOException} naming the file when it cannot be read or holds no certificate.
     */
    public static KeyStore trustStore(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + pem);
            }
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificates in " + pem, e);
        }
    }
}
