package dev.keyroom.bench;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.gateway.Gateway;
import dev.keyroom.gateway.GatewayConfig;
import dev.keyroom.gateway.GatewayDir;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a gateway needs before it starts, made as a deployment would make it: on a real node, an owner
 * puts an API key in an encrypted room with agents in it; the gateway's data directory is initialised
 * and its identity registered and invited to the room as a reader; the owner grants each agent
 * {@code GET /bench} on the upstream with the key as a bearer token, at the highest rate and budget a
 * grant may have. A grant's rate is at most 100000 calls a minute (about 1700 a second), which the
 * gateway can exceed on loopback, so the load is spread over several agents, each with its own grant,
 * so that no rate throttles it.
 */
record GatewayBenchWorld(List<Identity> agents, GatewayDir dir, List<String> grantIds) {
    static final String API_KEY = "sk-bench-0123456789abcdef-never-seen-by-the-agent";

    static GatewayBenchWorld setUp(TestNode node, BenchUpstream upstream, Path gatewayDir, int agentCount)
            throws Exception {
        Identity owner = node.register("owner", Role.MEMBER);
        KeyroomClient ownerClient = node.client(owner);
        RoomId room = RoomId.parse(ownerClient.rooms().create("vault").roomId());
        List<Identity> agents = new ArrayList<>();
        for (int i = 0; i < agentCount; i++) {
            Identity agent = node.register("agent" + i, Role.AGENT);
            ownerClient.rooms().invite(room, agent.endpoint(), RoomRole.MEMBER);
            agents.add(agent);
        }
        GatewayDir dir = new GatewayDir(gatewayDir);
        // Idle connections are closed after 10 minutes rather than the default minute, so that tunnels
        // opened first stay open while a thousand are opened on a busy machine and then counted.
        Gateway.initIfEmpty(
                dir,
                GatewayConfig.File.flags(
                        node.uri().toString(), node.server.pin().orElse(null), "127.0.0.1:0"));
        Files.writeString(dir.config(), "idle_timeout: 10m\n", java.nio.file.StandardOpenOption.APPEND);
        JsonNode pub = Json.mapper().readTree(Files.readAllBytes(dir.publicIdentity()));
        node.admin
                .users()
                .register(
                        Base64Url.decode(pub.path("sign_pub").asString(), "sign_pub"),
                        Base64Url.decode(pub.path("kex_pub").asString(), "kex_pub"),
                        "gateway",
                        Role.MEMBER);
        ownerClient.rooms().invite(room, EndpointId.parse(pub.path("endpoint").asString()), RoomRole.READER);
        ownerClient.secrets().put(room, "api-key", API_KEY.getBytes(StandardCharsets.UTF_8), 0);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> grantIds = new ArrayList<>();
        for (Identity agent : agents) {
            byte[] id = new byte[16];
            TestNode.RANDOM.nextBytes(id);
            GrantDocument grant = new GrantDocument(
                    GrantDocument.VERSION,
                    HexFormat.of().formatHex(id),
                    room.value(),
                    agent.endpoint().value(),
                    owner.endpoint().value(),
                    "api-key",
                    new GrantDocument.Upstream("https", "127.0.0.1", upstream.port()),
                    List.of("GET"),
                    List.of("/bench"),
                    new GrantDocument.Injection("header", "Authorization", "Bearer {value}"),
                    GrantDocument.MAX_RATE_PER_MINUTE,
                    GrantDocument.MAX_BUDGET_PER_DAY,
                    now.toString(),
                    now.plus(Duration.ofDays(1)).toString(),
                    null,
                    Files.readString(upstream.caPem),
                    null);
            ownerClient.grants().add(grant);
            grantIds.add(grant.grantId());
        }
        return new GatewayBenchWorld(List.copyOf(agents), dir, List.copyOf(grantIds));
    }
}
