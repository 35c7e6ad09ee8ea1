package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.KeyFiles;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEC-4: key files are created 0600 and refused when group or others can read them. */
class KeyFileAttackTest {
    @TempDir
    Path dir;

    @Test
    void identityFile_isCreatedOwnerOnly() throws Exception {
        Path f = dir.resolve("a.identity");
        try (Identity id = Identity.generate(TestNode.RANDOM)) {
            IdentityFile.write(f, id);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
    }

    @Test
    void groupReadableIdentityFile_isRefusedWithAFix() throws Exception {
        // SEC-4: an identity file that group members can read is refused, and the message says how to fix it.
        Path f = dir.resolve("a.identity");
        try (Identity id = Identity.generate(TestNode.RANDOM)) {
            IdentityFile.write(f, id);
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> IdentityFile.read(f))
                .isInstanceOf(KeyFiles.InsecureKeyFileException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void worldReadableTlsKey_stopsTheServerFromStarting() throws Exception {
        // SEC-4: the TLS private key must be owner-only, or the server does not start.
        ServerConfig cfg = ServerConfig.from(dir, ConfigFile.flags("127.0.0.1:0", null, null, null));
        try (KeyroomServer s = KeyroomServer.start(cfg)) {
            assertThat(s.pin()).isPresent();
        }
        Path key = new DataDir(dir).tls().resolve("key.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> KeyroomServer.start(cfg))
                .isInstanceOf(KeyFiles.InsecureKeyFileException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void tamperedIdentityFile_isRefused() throws Exception {
        Path f = dir.resolve("a.identity");
        try (Identity id = Identity.generate(TestNode.RANDOM);
                Identity other = Identity.generate(TestNode.RANDOM)) {
            IdentityFile.write(f, id);
            String text = Files.readString(f);
            String swapped = text.replaceFirst(
                    "\"sign_pub\":\"[^\"]+\"",
                    "\"sign_pub\":\"" + dev.keyroom.core.crypto.Base64Url.encode(other.signPub()) + "\"");
            Files.writeString(f, swapped);
        }
        assertThatThrownBy(() -> IdentityFile.read(f)).hasMessageContaining("inconsistent");
    }
}
