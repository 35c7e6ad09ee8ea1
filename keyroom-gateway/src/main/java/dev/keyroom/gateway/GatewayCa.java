package dev.keyroom.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.grant.Cidr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The gateway's own certificate authority. Agents trust {@code ca.pem} (and only for the gateway),
 * so the gateway can terminate their TLS to an upstream: for each host an agent CONNECTs to, it mints
 * a short-lived leaf under this CA and answers the handshake with it, then reads the request it must
 * inject into.
 *
 * <p>The CA key is ECDSA P-256, which every TLS client (Java, curl, Python's ssl) accepts; it lives
 * in {@code ca-key.pem} (PKCS#8, mode 0600 from its first byte). The CA certificate is constrained to
 * path length 0, so a leaf it signs cannot sign further certificates. Leaves live 25 hours and their
 * contexts are cached for at most 12, so a cached leaf is always valid for hours yet; each has its
 * own key, so a leaked leaf key speaks for one host for a day.
 */
public final class GatewayCa {
    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    /** The protocols the contexts are meant for; the JDK enables exactly these by default. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    static final Duration CA_LIFETIME = Duration.ofDays(3653);
    static final Duration LEAF_BACKDATE = Duration.ofHours(1);
    static final Duration LEAF_LIFETIME = Duration.ofHours(24);
    static final Duration CONTEXT_CACHE_TIME = Duration.ofHours(12);
    static final int CONTEXT_CACHE_SIZE = 10_000;

    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*");
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final char[] NO_PASSWORD = new char[0];

    private final Path dir;
    private final PrivateKey caKey;
    private final X509Certificate caCert;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, SSLContext> contexts = Caffeine.newBuilder()
            .maximumSize(CONTEXT_CACHE_SIZE)
            .expireAfterWrite(CONTEXT_CACHE_TIME)
            .build();

    private GatewayCa(Path dir, PrivateKey caKey, X509Certificate caCert, Clock clock) {
        this.dir = dir;
        this.caKey = caKey;
        this.caCert = caCert;
        this.clock = clock;
    }

    /**
     * Makes a new CA in {@code dir}: {@code ca-key.pem} (0600) and {@code ca.pem} (0644). Refuses to
     * replace either file, since agents already trust the old certificate and a lost key cannot be
     * recovered.
     */
    public static GatewayCa create(Path dir, Clock clock) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        for (Path p : List.of(keyFile, certFile)) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(
                        p.toString(), null, "refusing to overwrite the gateway CA; move it away first");
            }
        }
        SecureRandom random = new SecureRandom();
        KeyPair pair = newKeyPair(random);
        X509Certificate cert = selfSign(pair, clock.now(), random);
        byte[] der = pair.getPrivate().getEncoded();
        byte[] pem = Pem.encode("PRIVATE KEY", der);
        try {
            KeyFiles.writeSecret(keyFile, pem, false);
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
        }
        try {
            Files.write(
                    certFile,
                    Pem.encode("CERTIFICATE", cert.getEncoded()),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(certFile, CERT_MODE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the gateway CA certificate", e);
        }
        return new GatewayCa(dir, pair.getPrivate(), cert, clock);
    }

    /**
     * Reads the CA from {@code dir}. Refuses a key file that anyone but its owner may access, or that
     * is executable, a certificate that is not a CA, has expired, or does not belong to the key.
     */
    public static GatewayCa load(Path dir, Clock clock) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
        if (!KEY_MODE.containsAll(mode)) {
            throw new KeyFiles.InsecureKeyFileException("gateway CA key "
                    + keyFile
                    + " has mode "
                    + PosixFilePermissions.toString(mode)
                    + ", wider than rw-------; fix with: chmod 600 "
                    + keyFile);
        }
        byte[] keyPem = Files.readAllBytes(keyFile);
        byte[] der = null;
        try {
            der = Pem.decode(keyPem, "PRIVATE KEY", keyFile);
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            Path certFile = dir.resolve(CERT_FILE);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
            if (cert.getBasicConstraints() < 0) {
                throw new IOException(certFile + " is not a CA certificate");
            }
            Instant now = clock.now();
            if (now.isAfter(cert.getNotAfter().toInstant())) {
                throw new IOException("the gateway CA in " + certFile + " expired at "
                        + cert.getNotAfter().toInstant() + "; make a new one and have agents trust it");
            }
            if (!matches(key, cert)) {
                throw new IOException(keyFile + " is not the key of the certificate " + certFile);
            }
            return new GatewayCa(dir, key, cert, clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("the gateway CA key or certificate in " + dir + " is unreadable", e);
        } finally {
            Arrays.fill(keyPem, (byte) 0);
            if (der != null) {
                Arrays.fill(der, (byte) 0);
            }
        }
    }

    /** {@code ca.pem}: what agents add to their trust store. */
    public Path certificatePath() {
        return dir.resolve(CERT_FILE);
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /**
     * A server context presenting a fresh leaf for {@code host} (a lower-case DNS name, or an IP
     * literal without brackets, which gets an IP SAN). Cached per host: a second call for the same
     * host within hours returns the same context without signing anything.
     */
    public SSLContext serverContextFor(String host) {
        String name = normalise(host);
        return contexts.get(name, n -> newContext(List.of(n)));
    }

    /**
     * A server context for the gateway's own TLS listener, with one leaf naming every DNS name and IP
     * address in {@code names}. Not cached: the listener asks once at start. The leaf lives a day,
     * so a listener that runs longer must ask again (Jetty's SslContextFactory can be reloaded).
     */
    public SSLContext serverContextForListener(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the gateway listener needs at least one name");
        }
        return newContext(names.stream().map(GatewayCa::normalise).distinct().toList());
    }

    private SSLContext newContext(List<String> names) {
        try {
            KeyPair leafPair = newKeyPair(random);
            X509Certificate leaf = mintLeaf(names, leafPair);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("leaf", leafPair.getPrivate(), NO_PASSWORD, new Certificate[] {leaf, caCert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(kmf.getKeyManagers(), null, random);
            return context;
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot mint a leaf certificate for " + names, e);
        }
    }

    private X509Certificate mintLeaf(List<String> names, KeyPair leafPair)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = clock.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                caCert,
                serial(random),
                Date.from(now.minus(LEAF_BACKDATE)),
                Date.from(now.plus(LEAF_LIFETIME)),
                new X500NameBuilder(BCStyle.INSTANCE)
                        .addRDN(BCStyle.CN, names.getFirst())
                        .build(),
                leafPair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        GeneralName[] sans = names.stream()
                .map(n -> new GeneralName(Cidr.isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafPair.getPublic()));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(caKey)));
    }

    private static X509Certificate selfSign(KeyPair pair, Instant now, SecureRandom random) throws IOException {
        try {
            byte[] tag = new byte[4];
            random.nextBytes(tag);
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, "Keyroom gateway CA " + HexFormat.of().formatHex(tag))
                    .build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    serial(random),
                    Date.from(now.minus(LEAF_BACKDATE)),
                    Date.from(now.plus(CA_LIFETIME)),
                    subject,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(pair.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the gateway CA certificate", e);
        }
    }

    private static KeyPair newKeyPair(SecureRandom random) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), random);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("the JDK cannot make an EC P-256 key", e);
        }
    }

    /** A positive, non-zero 128-bit serial, as RFC 5280 asks. */
    private static BigInteger serial(SecureRandom random) {
        BigInteger s = new BigInteger(128, random);
        return s.signum() == 0 ? BigInteger.ONE : s;
    }

    /** Whether {@code key} made the certificate's public key: it signs, the certificate verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        Signature s = Signature.getInstance(SIGNATURE);
        s.initSign(key);
        s.update(challenge);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(SIGNATURE);
        v.initVerify(cert.getPublicKey());
        v.update(challenge);
        return v.verify(sig);
    }

    private static String normalise(String host) {
        if (host == null) {
            throw new IllegalArgumentException("a leaf certificate needs a host name");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (Cidr.isIpLiteral(h) || DNS_NAME.matcher(h).matches()) {
            return h;
        }
        throw new IllegalArgumentException(
                "cannot mint a certificate for '" + host + "': not a DNS name or an IP address without brackets");
    }

    /** PEM armour, as OpenSSL writes it: base64 in lines of 64. */
    static final class Pem {
        private Pem() {}

        static byte[] encode(String type, byte[] der) {
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
            return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        static byte[] decode(byte[] pem, String type, Path file) throws IOException {
            String text = new String(pem, StandardCharsets.US_ASCII);
            String begin = "-----BEGIN " + type + "-----";
            String end = "-----END " + type + "-----";
            int b = text.indexOf(begin);
            int e = text.indexOf(end);
            if (b < 0 || e < b) {
                throw new IOException(file + " holds no PEM " + type);
            }
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        }
    }
}
