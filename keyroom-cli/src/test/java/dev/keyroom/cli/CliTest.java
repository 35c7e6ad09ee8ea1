package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need no server, run in process. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void keygen_writesOwnerOnlyFile_andPrintsEndpoint() throws Exception {
        Path f = dir.resolve("a.identity");
        Result r = run("keygen", "--out", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).matches("[0-9a-f]{32}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(f))
                .contains("\"kind\":\"keyroom-identity\"")
                .contains(r.out().strip());
    }

    @Test
    void keygen_existingFile_isNotOverwritten() throws Exception {
        Path f = dir.resolve("a.identity");
        Files.writeString(f, "precious");
        Result r = run("keygen", "--out", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(Files.readString(f)).isEqualTo("precious");
    }

    @Test
    void configCheck_validFile_exitsZero() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "listen: 127.0.0.1:9443\nauth_mode: enforce\n");
        Result r = run("config", "check", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ok").contains("9443");
    }

    @Test
    void configCheck_insecureFile_listsEveryProblemAndExitsTwo() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "listen: 0.0.0.0:8443\ninsecure_plaintext: true\nauth_mode: off\n");
        Result r = run("config", "check", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err())
                .contains("insecure_plaintext is allowed only on a loopback")
                .contains("auth_mode off");
    }

    @Test
    void configCheck_softAuthBeyondLoopback_isRefusedUnlessLoudlyOptedIn_andThenWarned() throws Exception {
        // AUTH-5: weakened auth on a reachable address is never silent.
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "listen: 0.0.0.0:8443\nauth_mode: soft\n");
        Result refused = run("config", "check", f.toString());
        assertThat(refused.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(refused.err()).contains("auth_mode soft").contains("insecure_soft_auth_beyond_loopback");
        Files.writeString(f, "listen: 0.0.0.0:8443\nauth_mode: soft\ninsecure_soft_auth_beyond_loopback: true\n");
        Result warned = run("config", "check", f.toString());
        assertThat(warned.code()).as(warned.err()).isZero();
        assertThat(warned.err()).contains("WARNING").contains("auth_mode soft");
        Files.writeString(f, "listen: 127.0.0.1:8443\nauth_mode: soft\n");
        Result loopback = run("config", "check", f.toString());
        assertThat(loopback.code()).isZero();
        assertThat(loopback.err()).contains("WARNING").contains("auth_mode soft");
    }

    @Test
    void configCheck_typo_isReported() throws Exception {
        Path f = dir.resolve("keyroom.yaml");
        Files.writeString(f, "lisen: 127.0.0.1:8443\n");
        Result r = run("config", "check", f.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("lisen");
    }

    @Test
    void init_twice_keepsTheFirstAdmin() throws Exception {
        Path data = dir.resolve("data");
        Result first = run("init", "--data", data.toString(), "--json");
        assertThat(first.code()).isZero();
        assertThat(first.out())
                .contains("\"created\":true")
                .contains("admin_identity")
                .contains("sha256/");
        Result second = run("init", "--data", data.toString(), "--json");
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("\"created\":false");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
    }

    @Test
    void init_withGivenAdminIdentity_registersIt() throws Exception {
        Path id = dir.resolve("me.identity");
        String endpoint = run("keygen", "--out", id.toString()).out().strip();
        Result r = run("init", "--data", dir.resolve("data").toString(), "--admin-identity", id.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("admin endpoint " + endpoint);
        assertThat(dir.resolve("data/admin.identity")).doesNotExist();
    }

    @Test
    void demo_runsTheWholeStoryAndSucceeds() {
        Result r = run("demo");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("epoch 1 key fingerprints")
                .contains("404 not_found")
                .contains("the upstream received: Authorization: Bearer sk-l...ent (the key)")
                .contains("scout got back:        auth=Bearer [masked by keyroom]")
                .doesNotContain(DemoGateway.API_KEY)
                .contains("done.");
    }
}
