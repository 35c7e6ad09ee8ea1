package dev.keyroom.bench;

import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.protocol.signature.OutgoingRequest;
import dev.keyroom.protocol.signature.SignatureBase;
import dev.keyroom.protocol.signature.SignedRequest;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * One Ed25519 verify (BouncyCastle and, for comparison, the JDK) side by side with the whole
 * per-request authentication check: parse the signature fields, look the key up (through the
 * cache, over a real SQLite store), rebuild the base and verify, check the body digest, claim the
 * nonce. The requests are signed in setup, outside the measurement; each is a POST with a 200-byte
 * JSON body, so the digest step hashes a realistic body.
 */
public class AuthBenchmark extends PooledRequestBenchmark {
    byte[] base;
    byte[] pub;
    byte[] sig;
    PublicKey jdkKey;
    Signature jdkVerifier;

    @Override
    protected void prepare() throws Exception {
        OutgoingRequest r0 = pool.requests[0];
        SignedRequest sr = SignedRequest.parse(r0.headerValues("signature-input"), r0.headerValues("signature"), true);
        base = SignatureBase.build(sr.params(), r0);
        pub = pool.id.signPub();
        sig = sr.signature();
        jdkKey = jdkPublicKey(pub);
        jdkVerifier = Signature.getInstance("Ed25519");
    }

    static PublicKey jdkPublicKey(byte[] raw) throws Exception {
        byte[] le = raw.clone();
        boolean xOdd = (le[31] & 0x80) != 0;
        le[31] &= 0x7f;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = le[31 - i];
        }
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new EdECPublicKeySpec(
                        NamedParameterSpec.ED25519, new EdECPoint(xOdd, new java.math.BigInteger(1, be))));
    }

    @Benchmark
    public boolean ed25519VerifyBouncyCastle() {
        return Ed25519.verify(pub, base, sig);
    }

    @Benchmark
    public boolean ed25519VerifyJdk() throws Exception {
        jdkVerifier.initVerify(jdkKey);
        jdkVerifier.update(base);
        return jdkVerifier.verify(sig);
    }

    /**
     * The whole check. After the first pass over the pool the nonce step answers "replayed"; it
     * does the same work either way (the claim is the last step), so the cost is the same.
     */
    @Benchmark
    public Object wholeAuthCheck() {
        return pool.authenticator.authenticate(
                pool.next(), pool.body.length, dev.keyroom.core.crypto.Digests.sha256(pool.body));
    }
}
