package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.port.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh gateway directory is its owner's alone, its keys 0600, and it is never initialised twice. */
class GatewayDirTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshDirectory_isPrivate_andItsKeysAreOwnerOnly() throws Exception {
        GatewayDir dir = new GatewayDir(tmp.resolve("gw"));
        dir.init(GatewayConfig.File.flags("https://127.0.0.1:8443", null, null), new SecureRandom(), Clock.system());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.root())))
                .isEqualTo("rwx------");
        for (Path key : new Path[] {dir.identity(), dir.sessionKey(), dir.root().resolve(GatewayCa.KEY_FILE)}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .as(key.toString())
                    .isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.publicIdentity())).contains("sign_pub").doesNotContain("seed");
        assertThat(dir.readSessionKey()).hasSize(32);
        assertThatThrownBy(() -> dir.init(
                        GatewayConfig.File.flags("https://127.0.0.1:8443", null, null),
                        new SecureRandom(),
                        Clock.system()))
                .hasMessageContaining("already holds a gateway");
    }

    @Test
    void aSessionKeyOthersCanRead_isRefused() throws Exception {
        GatewayDir dir = new GatewayDir(tmp.resolve("gw"));
        dir.init(GatewayConfig.File.flags("https://127.0.0.1:8443", null, null), new SecureRandom(), Clock.system());
        Files.setPosixFilePermissions(dir.sessionKey(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(dir::readSessionKey).hasMessageContaining("chmod 600");
    }
}
