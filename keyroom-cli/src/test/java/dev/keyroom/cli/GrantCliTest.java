package dev.keyroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code grant add|list|revoke} against a real node, and the mistakes the command line refuses itself. */
class GrantCliTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void grants_fromTheCommandLine() throws Exception {
        try (CliNode node = CliNode.start(dir.resolve("data"))) {
            String room = node.createRoom("payments");
            Path bot = dir.resolve("bot.identity");
            CliTest.Result keygen = CliTest.run("keygen", "--out", bot.toString());
            String agent = keygen.out().strip();
            assertThat(node.run("user", "add", "--name", "bot", "--from", bot.toString())
                            .code())
                    .isZero();
            assertThat(node.run("room", "invite", room, agent).code()).isZero();

            CliTest.Result added = node.run(
                    "grant",
                    "add",
                    "--room",
                    room,
                    "--agent",
                    agent,
                    "--secret",
                    "stripe/key",
                    "--upstream",
                    "https://API.stripe.com",
                    "--method",
                    "get",
                    "--method",
                    "POST",
                    "--path",
                    "/v1/charges",
                    "--header",
                    "Authorization: Bearer {value}",
                    "--rate",
                    "60",
                    "--budget",
                    "1000",
                    "--expires",
                    "30d");
            assertThat(added.code()).as(added.err()).isZero();
            String grantId = added.out().strip();
            assertThat(grantId).matches("[0-9a-f]{32}");

            CliTest.Result json = node.run("grant", "list", "--room", room, "--json");
            assertThat(json.code()).as(json.err()).isZero();
            assertThat(json.out()).contains("\"grant_id\":\"" + grantId + "\"").contains("\"secret\":\"stripe/key\"");
            assertThat(node.run("grant", "list", "--room", room).out())
                    .contains(grantId + " agent " + agent + " secret stripe/key");

            CliTest.Result pinned = node.run(
                    "grant",
                    "add",
                    "--room",
                    room,
                    "--agent",
                    agent,
                    "--secret",
                    "other",
                    "--upstream",
                    "https://10.0.0.7:8443",
                    "--query",
                    "api_key={value}",
                    "--allow-address",
                    "10.0.0.0/8",
                    "--upstream-pin",
                    "sha256/" + "A".repeat(43) + "=",
                    "--rate",
                    "1",
                    "--budget",
                    "10",
                    "--expires",
                    java.time.Instant.now()
                            .plus(java.time.Duration.ofDays(100))
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            .toString(),
                    "--json");
            assertThat(pinned.code()).as(pinned.err()).isZero();
            assertThat(pinned.out()).contains("\"secret\":\"other\"");

            CliTest.Result revoked = node.run("grant", "revoke", "--room", room, grantId);
            assertThat(revoked.code()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("revoked " + grantId);
            assertThat(node.run("grant", "list", "--room", room).out()).doesNotContain(grantId);
            CliTest.Result again = node.run("grant", "revoke", "--room", room, grantId);
            assertThat(again.code()).isEqualTo(Main.EXIT_FAILED);
        }
    }

    @Test
    @Timeout(120)
    void mistakes_areRefused_withASentenceThatSaysWhy() throws Exception {
        try (CliNode node = CliNode.start(dir.resolve("data"))) {
            String room = node.createRoom("payments");
            String agent = "0".repeat(32);
            String[] common = {"--room", room, "--agent", agent, "--secret", "k", "--rate", "1", "--budget", "1"};

            CliTest.Result clear = node.run(join(
                    common,
                    "grant",
                    "add",
                    "--upstream",
                    "http://api.example.com",
                    "--basic",
                    "u:{value}",
                    "--expires",
                    "1d"));
            assertThat(clear.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(clear.err()).contains("--upstream must be https://");

            CliTest.Result two = node.run(join(
                    common,
                    "grant",
                    "add",
                    "--upstream",
                    "https://api.example.com",
                    "--basic",
                    "u:{value}",
                    "--header",
                    "X-Key: {value}",
                    "--expires",
                    "1d"));
            assertThat(two.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(two.err()).contains("mutually exclusive");

            CliTest.Result when = node.run(join(
                    common,
                    "grant",
                    "add",
                    "--upstream",
                    "https://api.example.com",
                    "--basic",
                    "u:{value}",
                    "--expires",
                    "soon"));
            assertThat(when.code()).isEqualTo(Main.EXIT_USAGE);
            assertThat(when.err()).contains("--expires takes a lifetime such as 30d");

            CliTest.Result notMember = node.run(join(
                    common,
                    "grant",
                    "add",
                    "--upstream",
                    "https://api.example.com",
                    "--basic",
                    "u:{value}",
                    "--expires",
                    "1d"));
            assertThat(notMember.code()).isEqualTo(Main.EXIT_FAILED);
            assertThat(notMember.err()).contains("the agent is not a member of the room");
        }
    }

    private static String[] join(String[] common, String... args) {
        String[] all = new String[args.length + common.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        return all;
    }
}
