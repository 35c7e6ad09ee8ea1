package dev.keyroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.GatewaySession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of bad credentials at the gateway's door (GW-7, DOS-3): each failure is audited while the
 * address is within its allowance, then answered 429 with one audit entry for the lot, so that the
 * flood cannot fill the audit log; an agent with a good credential from the same address is not held
 * back. Its own gateway: the flood drains the loopback allowance other tests rely on.
 */
class GatewayDoorTest {
    @TempDir
    static Path tmp;

    static GatewayWorld world;

    @BeforeAll
    static void start() throws Exception {
        world = new GatewayWorld(tmp);
        world.startGateway();
    }

    @AfterAll
    static void stop() throws Exception {
        world.close();
    }

    @Test
    void aFloodOfBadCredentials_isAuditedUpToItsAllowance_thenRefused429_whileAGoodCredentialStillWorks()
            throws Exception {
        world.addGrant(world.grant(java.util.List.of("GET"), java.util.List.of("/")));
        GatewaySession session = world.openSession();
        int port = world.gateway.uri().getPort();
        String target = "127.0.0.1:" + world.upstream.port();

        // An unsigned session call is a failed authentication too: refused 401 and audited.
        HttpResponse<String> unsigned = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(world.gateway.uri() + "/v1/sessions"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .header("Content-Type", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(auditLines()).anyMatch(l -> l.contains("gateway POST") && l.contains("401 unauthorized"));

        String wrong = RawProxy.basic(session.proxyUser(), "krg1_" + "B".repeat(43));
        long started = System.nanoTime();
        List<RawProxy.Answer> answers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            answers.add(RawProxy.connect(port, target, wrong));
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
        long refused407 = answers.stream().filter(a -> a.status() == 407).count();
        List<RawProxy.Answer> limited =
                answers.stream().filter(a -> a.status() == 429).toList();
        assertThat(refused407 + limited.size()).isEqualTo(answers.size());
        // The allowance: a burst, then one a second (the unsigned call above took one).
        assertThat(refused407).isBetween((long) Door.BURST - 1, Door.BURST + seconds * Door.RATE);
        assertThat(limited).isNotEmpty().allSatisfy(a -> {
            assertThat(a.headers()).containsKey("retry-after");
            assertThat(a.body()).contains("rate_limited").doesNotContain("krg1_");
        });

        // The honest agent on the same address is not held back.
        assertThat(RawProxy.connect(port, target, RawProxy.basic(session.proxyUser(), session.credential()))
                        .status())
                .isEqualTo(200);

        List<String> lines = auditLines();
        assertThat(lines.stream().filter(l -> l.contains("407 proxy_auth_required")))
                .as("each failure within the allowance is audited")
                .hasSize((int) refused407);
        assertThat(lines.stream().filter(l -> l.contains("auth_failures_limited")))
                .as("the flood beyond it is one entry, not " + limited.size())
                .hasSize(1);
    }

    private static List<String> auditLines() throws java.io.IOException {
        return Files.readAllLines(world.dir.audit().resolve("audit.log"));
    }
}
