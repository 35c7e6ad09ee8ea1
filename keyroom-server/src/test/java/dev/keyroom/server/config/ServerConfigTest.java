package dev.keyroom.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {
    @TempDir
    Path dir;

    static ConfigFile yaml(String text) throws ConfigException {
        return ServerConfig.parse(text, "test");
    }

    @Test
    void defaults_areSecure() throws Exception {
        ServerConfig c = ServerConfig.from(dir, ConfigFile.EMPTY);
        assertThat(c.listenHost()).isEqualTo("127.0.0.1");
        assertThat(c.listenPort()).isEqualTo(8443);
        assertThat(c.tls()).isTrue();
        assertThat(c.authMode()).isEqualTo(AuthMode.ENFORCE);
        assertThat(c.skew().toSeconds()).isEqualTo(30);
    }

    @Test
    void authOff_onNonLoopback_isRefused() throws Exception {
        // AUTH-5: auth off only on loopback.
        ConfigFile f = yaml("listen: 0.0.0.0:8443\nauth_mode: 'off'");
        assertThatThrownBy(() -> ServerConfig.from(dir, f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth_mode off is allowed only on a loopback");
    }

    @Test
    void plaintext_onNonLoopback_isRefused() throws Exception {
        // TLS-1: plaintext only on loopback with an explicit flag.
        ConfigFile f = yaml("listen: 10.1.2.3:8080\ninsecure_plaintext: true");
        assertThatThrownBy(() -> ServerConfig.from(dir, f)).hasMessageContaining("insecure_plaintext");
        ConfigFile named = yaml("listen: example.com:8080\ninsecure_plaintext: true");
        assertThatThrownBy(() -> ServerConfig.from(dir, named)).hasMessageContaining("insecure_plaintext");
    }

    @Test
    void plaintextAndAuthOff_onLoopback_areAllowed() throws Exception {
        ConfigFile f = yaml("listen: 127.0.0.1:8080\ninsecure_plaintext: true\nauth_mode: 'off'");
        assertThat(ServerConfig.from(dir, f).tls()).isFalse();
        assertThat(ServerConfig.from(dir, yaml("listen: '[::1]:8080'\ninsecure_plaintext: true"))
                        .listenHost())
                .isEqualTo("::1");
    }

    @Test
    void badValues_areAllReportedAtOnce() throws Exception {
        ConfigFile f = yaml(
                "listen: nohostport\nauth_mode: strict\nskew_seconds: 0\nnonce_capacity: 5\nlimits: {max_json_body_bytes: 10}");
        assertThatThrownBy(() -> ServerConfig.from(dir, f))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(5));
    }

    @Test
    void vaultSettings_haveSecureDefaults_andBadOnesAreReported() throws Exception {
        ServerConfig d = ServerConfig.from(dir, yaml(""));
        assertThat(d.vault().secretVersions()).isEqualTo(5);
        assertThat(d.vault().agentLimits().perMinute()).isEqualTo(3);
        assertThat(d.vault().agentLimits().perHour()).isEqualTo(10);
        assertThat(d.vault().agentLimits().lockWindow()).hasHours(2);
        ConfigFile bad = yaml("vault: {secret_versions: 0, agent_reads_per_minute: 0, agent_lock_hours: 100000}");
        assertThatThrownBy(() -> ServerConfig.from(dir, bad))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
        assertThat(ServerConfig.from(dir, yaml("vault: {agent_reads_per_hour: 50}"))
                        .vault()
                        .agentLimits()
                        .perHour())
                .isEqualTo(50);
    }

    @Test
    void yamlFile_unknownKey_isRefused() throws Exception {
        Path file = dir.resolve("keyroom.yaml");
        Files.writeString(file, "listen: 127.0.0.1:9000\nauth_mdoe: off\n");
        assertThatThrownBy(() -> ServerConfig.readFile(file)).hasMessageContaining("auth_mdoe");
    }

    @Test
    void yamlFile_isReadAndFlagsOverrideIt() throws Exception {
        Path file = dir.resolve("keyroom.yaml");
        Files.writeString(
                file, "listen: 127.0.0.1:9000\nskew_seconds: 10\npublic_authorities: [keyroom.example.com]\n");
        ConfigFile read = ServerConfig.readFile(file);
        ServerConfig c =
                ServerConfig.from(dir, read.overriddenBy(ConfigFile.flags("127.0.0.1:9001", null, null, null)));
        assertThat(c.listenPort()).isEqualTo(9001);
        assertThat(c.skew().toSeconds()).isEqualTo(10);
        assertThat(c.publicAuthorities()).containsExactly("keyroom.example.com");
    }
}
