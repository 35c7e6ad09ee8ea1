package dev.keyroom.server.tls;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.KeyFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS key and certificate in the data directory: {@code tls/key.pem} (PKCS#8, mode
 * 0600) and {@code tls/cert.pem}. At init a self-signed ECDSA P-256 certificate for the loopback
 * names is made; clients pin its public key by the SPKI pin {@code sha256/<base64>} (TLS-1).
 */
public record TlsMaterial(PrivateKey key, X509Certificate certificate) {
    public static final String KEY_FILE = "key.pem";
    public static final String CERT_FILE = "cert.pem";

    /** Makes a self-signed certificate for {@code names} (DNS names or IP literals). */
    public static TlsMaterial selfSigned(List<String> names, SecureRandom random) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair kp = g.generateKeyPair();
            X500Name subject = new X500Name("CN=keyroom");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(128, random),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(825))),
                    subject,
                    kp.getPublic());
            GeneralName[] sans = names.stream()
                    .map(n -> new GeneralName(
                            n.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                                    ? GeneralName.iPAddress
                                    : GeneralName.dNSName,
                            n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new TlsMaterial(kp.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /** Writes the key (0600) and the certificate into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] der = key.getEncoded();
        byte[] pem = pem("PRIVATE KEY", der);
        try {
            KeyFiles.writeSecret(dir.resolve(KEY_FILE), pem, false);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
        }
        try {
            Files.write(dir.resolve(CERT_FILE), pem("CERTIFICATE", certificate.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode the certificate", e);
        }
    }

    /** Reads the key and certificate from {@code dir}, refusing a key file others can read (SEC-4). */
    public static TlsMaterial read(Path dir) throws IOException {
        byte[] keyPem = KeyFiles.readSecret(dir.resolve(KEY_FILE));
        try {
            byte[] der = unpem(keyPem, "PRIVATE KEY");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            Arrays.fill(der, (byte) 0);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(CERT_FILE))));
            return new TlsMaterial(key, cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS key or certificate in " + dir + " is unreadable", e);
        } finally {
            Arrays.fill(keyPem, (byte) 0);
        }
    }

    /** An in-memory key store for Jetty, protected by {@code password}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("keyroom", key, password, new java.security.cert.Certificate[] {certificate});
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store", e);
        }
    }

    /** The SPKI pin of the certificate: {@code sha256/} and the base64 SHA-256 of its public key info. */
    public String spkiPin() {
        return pinOf(certificate);
    }

    public static String pinOf(X509Certificate cert) {
        return "sha256/"
                + Base64.getEncoder()
                        .encodeToString(Digests.sha256(cert.getPublicKey().getEncoded()));
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] unpem(byte[] pem, String type) throws IOException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException("not a PEM " + type);
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }
}
