package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.protocol.IdentityFile;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyroom run} end to end, as a real process: curl, run behind a real gateway, calls a
 * loopback HTTPS upstream that gets the API key while curl sees it masked; the program's environment
 * holds the proxy and the CA but not the key, the identity or anything of Keyroom's; the session
 * ends with the program; and the gateway's audit log verifies after it all.
 */
@Timeout(180)
class RunCommandTest {
    @TempDir
    static Path tmp;

    static GatewayCliWorld world;

    /** What the parent environment holds that the program must not get, or must get replaced. */
    static Map<String, String> parent() {
        return Map.of(
                "KEYROOM_IDENTITY", world.agentFile.toString(),
                "KEYROOM_ANYTHING", "kept-from-the-program",
                "https_proxy", "http://127.0.0.1:9",
                "NO_PROXY", "127.0.0.1,localhost");
    }

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayCliWorld(tmp);
        world.initGateway();
        world.registerGateway();
        world.startGateway();
        world.grant();
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    String[] run(String... program) {
        String[] head = {
            "run",
            "--gateway",
            world.gatewayUri().toString(),
            "--identity",
            world.agentFile.toString(),
            "--ttl",
            "30s",
            "--"
        };
        String[] all = new String[head.length + program.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(program, 0, all, head.length, program.length);
        return all;
    }

    @Test
    void curl_behindTheGateway_seesTheKeyMasked_whileTheUpstreamGetsIt() throws Exception {
        int before = world.upstream.authorizations.size();
        GatewayCliWorld.Ran r =
                GatewayCliWorld.keyroom(tmp, parent(), run("/usr/bin/curl", "-sS", world.upstream.origin() + "/echo"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("auth=Bearer [masked by keyroom]").doesNotContain(GatewayCliWorld.API_KEY);
        assertThat(r.err()).doesNotContain(GatewayCliWorld.API_KEY);
        assertThat(world.upstream.authorizations.subList(before, world.upstream.authorizations.size()))
                .containsExactly("Bearer " + GatewayCliWorld.API_KEY);
    }

    @Test
    void theProgramsEnvironment_namesTheGatewayAndItsCa_andNothingItMustNotHold() throws Exception {
        GatewayCliWorld.Ran r = GatewayCliWorld.keyroom(tmp, parent(), run("/usr/bin/env"));
        assertThat(r.code()).as(r.err()).isZero();
        String env = r.out();
        assertThat(env)
                .doesNotContain(GatewayCliWorld.API_KEY)
                .doesNotContain(world.agentFile.toString())
                .doesNotContain("KEYROOM_")
                .doesNotContain("kept-from-the-program")
                .doesNotContain("127.0.0.1:9\n")
                .contains("\nNO_PROXY=\n")
                .contains("\nno_proxy=\n");
        String proxy = value(env, "HTTPS_PROXY");
        URI gateway = world.gatewayUri();
        assertThat(proxy).startsWith("http://" + world.agent.endpoint().value() + ":krg1_");
        assertThat(proxy).endsWith("@127.0.0.1:" + gateway.getPort());
        for (String name : new String[] {"https_proxy", "HTTP_PROXY", "http_proxy"}) {
            assertThat(value(env, name)).isEqualTo(proxy);
        }
        String ca = value(env, "SSL_CERT_FILE");
        for (String name : new String[] {"REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE"}) {
            assertThat(value(env, name)).isEqualTo(ca);
        }
        // The fetched CA is the run's own, and goes with it.
        assertThat(Path.of(ca)).doesNotExist();
        // The session ended with the program: its credential opens no tunnel any more.
        String userPass = URI.create(proxy).getRawUserInfo();
        assertThat(connect(gateway, userPass)).contains(" 407 ");
    }

    @Test
    void theProgramsExitStatus_isTheRunsExitStatus() throws Exception {
        GatewayCliWorld.Ran r = GatewayCliWorld.keyroom(tmp, Map.of(), run("/bin/sh", "-c", "exit 7"));
        assertThat(r.code()).as(r.err()).isEqualTo(7);
    }

    @Test
    void sigterm_stopsTheProgram_andEndsTheSession() throws Exception {
        long closedBefore = sessionsClosed();
        Process p = new ProcessBuilder(GatewayCliWorld.command(run("/bin/sleep", "60")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> p.descendants()
                            .anyMatch(h -> h.info().command().orElse("").endsWith("sleep")));
            ProcessHandle program = p.descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("sleep"))
                    .findFirst()
                    .orElseThrow();
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(program.isAlive()).isFalse();
            assertThat(p.exitValue()).isEqualTo(143);
            assertThat(sessionsClosed()).isEqualTo(closedBefore + 1);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void mistakes_giveOneLineThatSaysWhat() throws Exception {
        CliTest.Result none = CliTest.run(run());
        assertThat(none.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err().strip())
                .startsWith("keyroom: [bad_input] give the program to run after --")
                .doesNotContain("\n");

        CliTest.Result ttl = CliTest.run(
                "run",
                "--gateway",
                "http://127.0.0.1:1",
                "--identity",
                world.agentFile.toString(),
                "--ttl",
                "5s",
                "--",
                "true");
        assertThat(ttl.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(ttl.err().strip())
                .isEqualTo("keyroom: [bad_input] --ttl takes a lifetime from 10s to 15m, such as 60s or 5m");

        CliTest.Result down = CliTest.run(
                "run", "--gateway", "http://127.0.0.1:1", "--identity", world.agentFile.toString(), "--", "true");
        assertThat(down.code()).isEqualTo(Main.EXIT_UNREACHABLE);
        assertThat(down.err().strip())
                .isEqualTo("keyroom: [server_unreachable] cannot reach the gateway at http://127.0.0.1:1\n"
                        + "  is 'keyroom gateway' running there? check --gateway");

        Identity stranger = world.node.register("stranger", Role.AGENT);
        Path strangerFile = tmp.resolve("stranger.identity");
        IdentityFile.write(strangerFile, stranger);
        CliTest.Result refused = CliTest.run(
                "run", "--gateway", world.gatewayUri().toString(), "--identity", strangerFile.toString(), "--", "true");
        assertThat(refused.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(refused.err().strip())
                .startsWith("keyroom: [unauthorized] the server refused: ")
                .doesNotContain("Exception");

        CliTest.Result missing = CliTest.run(run("/no/such/program"));
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.err().strip()).startsWith("keyroom: [program_not_started] cannot start /no/such/program: ");
    }

    @Test
    void theGatewaysAuditLog_verifies_afterProxiedCalls() throws Exception {
        GatewayCliWorld.Ran r =
                GatewayCliWorld.keyroom(tmp, Map.of(), run("/usr/bin/curl", "-sS", world.upstream.origin() + "/echo"));
        assertThat(r.code()).as(r.err()).isZero();
        CliTest.Result verify =
                CliTest.run("audit", "verify", "--data", world.dir.root().toString());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("ok: ");
    }

    /** How many sessions the gateway's audit log says were ended. */
    private static long sessionsClosed() throws Exception {
        return Files.readString(world.dir.audit().resolve("audit.log"))
                .lines()
                .filter(l -> l.contains("\"action\":\"session close\""))
                .count();
    }

    private static String value(String env, String name) {
        return env.lines()
                .filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in the environment"));
    }

    /** The status line the gateway answers a CONNECT with these proxy credentials. */
    private static String connect(URI gateway, String userPass) throws Exception {
        try (Socket s = new Socket(gateway.getHost(), gateway.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String target = "127.0.0.1:" + world.upstream.port();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nProxy-Authorization: Basic "
                            + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8))
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
