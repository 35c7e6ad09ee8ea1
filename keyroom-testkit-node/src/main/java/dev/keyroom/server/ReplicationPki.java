package dev.keyroom.server;

import dev.keyroom.server.tls.TlsMaterial;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A replication CA and the client certificates it issues, for tests of mutual TLS between sites. */
public final class ReplicationPki {
    private ReplicationPki() {}

    public static TlsMaterial ca(String name) throws Exception {
        KeyPair kp = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, kp);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TlsMaterial(kp.getPrivate(), sign(b, kp.getPrivate()));
    }

    /** A client certificate for {@code name}, issued by {@code ca}. */
    public static TlsMaterial client(TlsMaterial ca, String name) throws Exception {
        KeyPair kp = keyPair();
        JcaX509v3CertificateBuilder b = builder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + name),
                kp);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new TlsMaterial(kp.getPrivate(), sign(b, ca.key()));
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), TestNode.RANDOM);
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(128, TestNode.RANDOM),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(30))),
                subject,
                kp.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, java.security.PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** Writes a site's own TLS key and certificate into {@code dataDir} before it first starts; its pin. */
    public static String siteTls(java.nio.file.Path dataDir) throws Exception {
        java.nio.file.Path tls = new DataDir(dataDir).tls();
        TlsMaterial.selfSigned(java.util.List.of("localhost", "127.0.0.1"), TestNode.RANDOM)
                .write(tls);
        return TlsMaterial.read(tls).spkiPin();
    }
}
