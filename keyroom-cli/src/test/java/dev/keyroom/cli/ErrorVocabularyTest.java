package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.protocol.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The failures a newcomer causes, against a real node: each says what happened and what to do, in
 * two lines under a stable code, with its documented exit code; under --json, as JSON on stderr.
 */
class ErrorVocabularyTest {
    @TempDir
    Path dir;

    CliNode node;
    String server;
    String pin;
    String admin;

    @BeforeEach
    void start() throws Exception {
        node = CliNode.start(dir.resolve("data"));
        server = node.server.uri().toString();
        pin = node.server.pin().orElseThrow();
        admin = node.data.resolve("admin.identity").toString();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void serverDown_isUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "https://127.0.0.1:" + port;
        CliTest.Result r = CliTest.run("whoami", "--server", url, "--pin", pin, "--identity", admin);
        assertThat(r.code()).isEqualTo(Main.EXIT_UNREACHABLE).isEqualTo(3);
        assertThat(r.err())
                .isEqualTo("keyroom: [server_unreachable] nothing answers at " + url + " (connection refused)\n"
                        + "  start it ('keyroom server --data DIR'), or check --server (or the profile's server)\n");
    }

    @Test
    void noPin_saysToGiveThePin() {
        CliTest.Result r = CliTest.run("whoami", "--server", server, "--identity", admin);
        assertThat(r.code()).isEqualTo(Main.EXIT_UNREACHABLE);
        assertThat(r.err())
                .isEqualTo("keyroom: [tls_untrusted] the certificate of " + server + " is not trusted here\n"
                        + "  give --pin with the 'tls pin' line the server printed (or --ca for a CA-signed one)\n");
    }

    @Test
    void wrongPin_saysTheKeyDiffers() {
        CliTest.Result r = CliTest.run(
                "whoami",
                "--server",
                server,
                "--pin",
                "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "--identity",
                admin);
        assertThat(r.code()).isEqualTo(Main.EXIT_UNREACHABLE);
        assertThat(r.err())
                .startsWith("keyroom: [tls_untrusted] the server at " + server + " does not hold the pinned key\n");
    }

    @Test
    void httpUrlToATlsServer_saysUseHttps() {
        String http = server.replace("https://", "http://");
        CliTest.Result r = CliTest.run("whoami", "--server", http, "--pin", pin, "--identity", admin);
        assertThat(r.code()).isEqualTo(Main.EXIT_UNREACHABLE);
        assertThat(r.err())
                .isEqualTo("keyroom: [tls_expected] the server at " + http + " speaks TLS, not plain HTTP\n"
                        + "  use an https:// URL in --server\n");
    }

    @Test
    void missingIdentityFile_isNamed() {
        String missing = dir.resolve("nope.identity").toString();
        CliTest.Result r = CliTest.run("whoami", "--server", server, "--pin", pin, "--identity", missing);
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err())
                .isEqualTo("keyroom: [identity_missing] no identity file at " + missing + "\n"
                        + "  check --identity; 'keyroom keygen --out FILE' makes one, 'keyroom server' writes"
                        + " DATA/admin.identity\n");
    }

    @Test
    void publicKeysFileAsIdentity_saysItIsThePublicHalf() throws Exception {
        Path pub = dir.resolve("scout.pub");
        CliTest.Result keygen =
                CliTest.run("keygen", "--out", dir.resolve("scout.identity").toString(), "--json");
        Files.writeString(pub, keygen.out());
        for (String mode : new String[] {"rw-r--r--", "rw-------"}) {
            Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString(mode));
            CliTest.Result r = CliTest.run("whoami", "--server", server, "--pin", pin, "--identity", pub.toString());
            assertThat(r.code()).as(mode).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err())
                    .as(mode)
                    .startsWith("keyroom: [identity_invalid] " + pub + " is not an identity file (")
                    .endsWith("\n  give the file 'keyroom keygen --out' wrote (mode 0600), not the public keys it"
                            + " printed\n");
        }
    }

    @Test
    void revokedIdentity_isRefusedWithWhatToDo() throws Exception {
        Path id = dir.resolve("scout.identity");
        Path pub = dir.resolve("scout.pub");
        CliTest.Result keygen = CliTest.run("keygen", "--out", id.toString(), "--json");
        Files.writeString(pub, keygen.out());
        String endpoint = Json.mapper().readTree(keygen.out()).get("endpoint").asString();
        assertThat(node.run("user", "add", "--name", "scout", "--from", pub.toString())
                        .code())
                .isZero();
        assertThat(node.run("user", "revoke", endpoint).code()).isZero();
        CliTest.Result r = CliTest.run("whoami", "--server", server, "--pin", pin, "--identity", id.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err())
                .startsWith("keyroom: [unauthorized] the server refused: ")
                .endsWith("\n  the identity may be revoked or not registered on this server: ask an admin"
                        + " ('keyroom user list'), or check --identity\n")
                .doesNotContain("Exception");
    }

    @Test
    void busyPort_isFoundBeforeAnythingIsCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path fresh = dir.resolve("fresh");
            String at = "127.0.0.1:" + taken.getLocalPort();
            CliTest.Result r = CliTest.run("server", "--data", fresh.toString(), "--listen", at);
            assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err())
                    .startsWith("keyroom: [port_in_use] cannot listen on " + at + " (")
                    .endsWith("\n  another process holds it (another keyroom server?): stop it, or pass --listen"
                            + " HOST:PORT\n");
            assertThat(r.out()).doesNotContain("initialised");
            assertThat(fresh).doesNotExist();
        }
    }

    @Test
    void jsonErrors_areJsonOnStandardError() throws Exception {
        String missing = dir.resolve("nope.identity").toString();
        CliTest.Result r = CliTest.run("whoami", "--server", server, "--pin", pin, "--identity", missing, "--json");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.out()).isEmpty();
        JsonNode e = Json.mapper().readTree(r.err()).get("error");
        assertThat(e.get("code").asString()).isEqualTo("identity_missing");
        assertThat(e.get("message").asString()).isEqualTo("no identity file at " + missing);
        assertThat(e.get("hint").asString()).contains("keyroom keygen");
        assertThat(e.get("exit_code").asInt()).isEqualTo(2);

        CliTest.Result usage = CliTest.run("room", "create", "--json", "--frob");
        assertThat(usage.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(Json.mapper().readTree(usage.err()).get("error").get("code").asString())
                .isEqualTo("usage");
    }

    @Test
    void noServerGiven_saysTheThreeWays() {
        CliTest.Result r = CliTest.run("whoami", "--identity", admin);
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err())
                .isEqualTo("keyroom: [usage] no server given\n"
                        + "  pass --server URL, set KEYROOM_SERVER, or save a profile with 'keyroom login'\n");
    }
}
