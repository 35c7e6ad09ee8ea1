package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** packaging/keyroom.service: a unit systemd accepts, with the hardening that applies to a JVM. */
class PackagingTest {
    static final Path UNIT = Path.of("..", "packaging", "keyroom.service");

    @Test
    void systemdUnit_verifies_andIsHardened() throws Exception {
        // systemd-analyze comes with Debian's systemd package; ./run-tests installs it when missing.
        Process p = new ProcessBuilder("systemd-analyze", "verify", "--man=no", UNIT.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze has no complaint").isBlank();

        assertThat(Files.readAllLines(UNIT))
                .contains(
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ReadWritePaths=/var/lib/keyroom",
                        "PrivateTmp=yes",
                        "CapabilityBoundingSet=",
                        "SystemCallFilter=@system-service",
                        "ProtectHome=yes",
                        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                        "KillSignal=SIGTERM")
                .anyMatch(l -> l.startsWith("ExecStart=") && l.endsWith(" server --data /var/lib/keyroom"));
    }
}
