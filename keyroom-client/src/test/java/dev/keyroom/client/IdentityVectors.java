package dev.keyroom.client;

import static dev.keyroom.client.Vectors.bytes;
import static dev.keyroom.client.Vectors.hex;
import static dev.keyroom.client.Vectors.mustFail;
import static dev.keyroom.client.Vectors.object;
import static dev.keyroom.client.Vectors.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.crypto.Ed25519;
import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.crypto.X25519Keys;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** {@code identity.json}: keys, endpoint id and identity file of fixed identities. */
final class IdentityVectors implements VectorKind {
    @Override
    public String file() {
        return "identity.json";
    }

    @Override
    public String description() {
        return "Identities. sign_seed_hex is the Ed25519 private seed (RFC 8032), sign_pub_hex its public key;"
                + " kex_private_hex the X25519 private key (RFC 7748), kex_pub_hex its public key; endpoint the"
                + " first 16 bytes of SHA-256(sign_pub) as lowercase hex. identity_file is the file's exact bytes"
                + " (UTF-8) as the Java SDK writes them. expect ok: the keys derive as stated and the file reads"
                + " as this identity. expect fail: the file's stated public keys or endpoint are not those of its"
                + " private keys, so reading it must be refused.";
    }

    @Override
    public List<Map<String, Object>> generate() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String who : List.of("alice", "bob")) {
            try (Identity id = Vectors.identity(who)) {
                out.add(vector(who, id, fileText(id), "ok"));
            }
        }
        try (Identity alice = Vectors.identity("alice");
                Identity bob = Vectors.identity("bob")) {
            String good = fileText(alice);
            String mixed = good.replace(Base64Url.encode(alice.signPub()), Base64Url.encode(bob.signPub()));
            out.add(vector("alice-with-bobs-sign-pub", alice, mixed, "fail"));
        }
        return out;
    }

    private static Map<String, Object> vector(String name, Identity id, String file, String expect) {
        return object(
                "name", name,
                "sign_seed_hex", hex(id.signSeed().unsafeBytes()),
                "sign_pub_hex", hex(id.signPub()),
                "kex_private_hex", hex(id.kexPrivate().unsafeBytes()),
                "kex_pub_hex", hex(id.kexPub()),
                "endpoint", id.endpoint().value(),
                "identity_file", file,
                "expect", expect);
    }

    private static String fileText(Identity id) throws IOException {
        Path dir = Files.createTempDirectory("keyroom-vectors");
        Path f = dir.resolve("id.identity");
        try {
            IdentityFile.write(f, id);
            return Files.readString(f, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(f);
            Files.delete(dir);
        }
    }

    @Override
    public void check(JsonNode v) throws IOException {
        byte[] seed = bytes(v, "sign_seed_hex");
        byte[] kex = bytes(v, "kex_private_hex");
        Path dir = Files.createTempDirectory("keyroom-vectors");
        Path f = dir.resolve("id.identity");
        try {
            KeyFiles.writeSecret(f, text(v, "identity_file").getBytes(StandardCharsets.UTF_8), false);
            if (mustFail(v)) {
                assertThatThrownBy(() -> IdentityFile.read(f).close()).isInstanceOf(IOException.class);
                return;
            }
            assertThat(hex(Ed25519.publicKey(SecretBytes.copyOf(seed)))).isEqualTo(text(v, "sign_pub_hex"));
            assertThat(hex(X25519Keys.publicKey(SecretBytes.copyOf(kex)))).isEqualTo(text(v, "kex_pub_hex"));
            assertThat(EndpointId.of(bytes(v, "sign_pub_hex")).value()).isEqualTo(text(v, "endpoint"));
            try (Identity read = IdentityFile.read(f)) {
                assertThat(read.endpoint().value()).isEqualTo(text(v, "endpoint"));
                assertThat(read.signSeed().unsafeBytes()).isEqualTo(seed);
                assertThat(read.kexPrivate().unsafeBytes()).isEqualTo(kex);
                Path again = dir.resolve("again.identity");
                IdentityFile.write(again, read);
                assertThat(Files.readString(again, StandardCharsets.UTF_8)).isEqualTo(text(v, "identity_file"));
                Files.delete(again);
            }
        } finally {
            Files.deleteIfExists(f);
            Files.delete(dir);
        }
    }
}
