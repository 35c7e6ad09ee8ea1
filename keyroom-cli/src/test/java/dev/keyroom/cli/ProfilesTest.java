package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profiles, the KEYROOM_* variables, and rooms named by name, against a real node. */
class ProfilesTest {
    @TempDir
    Path dir;

    CliNode node;
    Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        node = CliNode.start(dir.resolve("data"));
        env = new HashMap<>(Map.of("KEYROOM_CONFIG_HOME", dir.resolve("config").toString()));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    CliTest.Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), env, args);
        return new CliTest.Result(code, out.toString(), err.toString());
    }

    @Test
    void login_savesPathsAndPinsOnly_andCommandsUseIt() throws Exception {
        String pin = node.server.pin().orElseThrow();
        CliTest.Result login = run(
                "login",
                "--server",
                node.server.uri().toString(),
                "--pin",
                pin,
                "--identity",
                node.data.resolve("admin.identity").toString());
        assertThat(login.code()).as(login.err()).isZero();
        Path saved = dir.resolve("config/profiles/default.json");
        assertThat(login.out()).startsWith("saved profile default in " + saved + " (");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(saved))
                .contains(pin)
                .contains(node.data.resolve("admin.identity").toAbsolutePath().toString())
                .doesNotContain("sign_seed")
                .doesNotContain("kex_private");

        CliTest.Result whoami = run("whoami");
        assertThat(whoami.code()).as(whoami.err()).isZero();
        assertThat(whoami.out()).contains("admin");

        // A variable beats the profile; the command line beats both.
        env.put("KEYROOM_SERVER", "https://127.0.0.1:1");
        assertThat(run("whoami").err())
                .startsWith("keyroom: [server_unreachable] nothing answers at https://127.0.0.1:1");
        assertThat(run("whoami", "--server", node.server.uri().toString()).code())
                .isZero();
        env.remove("KEYROOM_SERVER");

        env.put("KEYROOM_PROFILE", "staging");
        CliTest.Result missing = run("whoami");
        assertThat(missing.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(missing.err())
                .startsWith("keyroom: [profile_invalid] KEYROOM_PROFILE names 'staging', but there is no ");
    }

    @Test
    void environmentVariables_standInForTheOptions() {
        env.put("KEYROOM_SERVER", node.server.uri().toString());
        env.put("KEYROOM_PIN", node.server.pin().orElseThrow());
        env.put("KEYROOM_IDENTITY", node.data.resolve("admin.identity").toString());
        CliTest.Result r = run("room", "create", "ops");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void rooms_byUniqueName_elseTheCandidatesAreListed() {
        String first = node.createRoom("ops");
        String other = node.createRoom("dev");
        CliTest.Result byName = node.run("room", "show", "ops");
        assertThat(byName.code()).as(byName.err()).isZero();
        assertThat(byName.out()).startsWith(first + " ops ");
        assertThat(node.run("send", "dev", "hello").code()).isZero();
        assertThat(node.run("history", other).out()).contains("hello");

        String second = node.createRoom("ops");
        CliTest.Result two = node.run("room", "show", "ops");
        assertThat(two.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(two.err())
                .startsWith("keyroom: [room_ambiguous] 2 of your rooms are named 'ops':\n")
                .contains("  - " + first + " ops owner")
                .contains("  - " + second + " ops owner")
                .endsWith("  give the room id instead\n");

        CliTest.Result none = node.run("room", "show", "nope");
        assertThat(none.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).startsWith("keyroom: [room_unknown] none of your rooms is named 'nope'\n");
    }
}
