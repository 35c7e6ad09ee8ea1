package dev.keyroom.cli;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
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
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The demo's gateway steps: an API key goes into the room, an agent is granted its use at one
 * upstream, and the agent calls that upstream through a gateway that injects the key. The reader sees
 * both ends: the upstream got the key, the agent got back only the mask. Every part is the real one,
 * on loopback: the upstream is a stand-in API with a CA of its own.
 */
final class DemoGateway {
    /** The demo's API key, shown to the reader only shortened. */
    static final String API_KEY = "sk-live-7Fq2c9-demo-never-sent-to-the-agent";

    private DemoGateway() {}

    /** Runs steps {@code first} and on; true when the agent never saw the key and the upstream did. */
    static boolean show(
            PrintWriter out,
            int first,
            URI server,
            String pin,
            KeyroomClient admin,
            KeyroomClient owner,
            Identity agent,
            RoomId room,
            Path dir)
            throws Exception {
        owner.secrets().put(room, "api-key", API_KEY.getBytes(StandardCharsets.UTF_8), 0);
        try (EchoUpstream upstream = new EchoUpstream(dir.resolve("upstream-ca"))) {
            GatewayDir gw = new GatewayDir(dir.resolve("gateway"));
            Gateway.initIfEmpty(gw, GatewayConfig.File.flags(server.toString(), pin, "127.0.0.1:0"));
            JsonNode pub = Json.mapper().readTree(Files.readAllBytes(gw.publicIdentity()));
            EndpointId gatewayId = EndpointId.parse(pub.path("endpoint").asString());
            admin.users()
                    .register(
                            Base64Url.decode(pub.path("sign_pub").asString(), "sign_pub"),
                            Base64Url.decode(pub.path("kex_pub").asString(), "kex_pub"),
                            "gateway",
                            Role.MEMBER);
            owner.rooms().invite(room, gatewayId, RoomRole.READER);
            String grant = owner.grants()
                    .add(owner.grants()
                            .draft(room, agent.endpoint(), "api-key")
                            .upstream("127.0.0.1", upstream.port())
                            .header("Authorization", "Bearer {value}")
                            .ratePerMinute(60)
                            .budgetPerDay(1000)
                            .expiresIn(Duration.ofHours(1))
                            .upstreamCa(Files.readString(upstream.caPem())))
                    .grantId();
            out.printf(
                    "%d. owner put api-key (%s) in the room and granted scout its use at %s, as a bearer token;"
                            + " a gateway (%s), registered and invited like any member, will inject it%n",
                    first, shortened(API_KEY), upstream.origin(), gatewayId.shortForm());
            try (Gateway gateway = Gateway.start(
                            gw, GatewayConfig.load(gw.config(), GatewayConfig.File.flags(null, null, null)));
                    KeyroomClient agentOnGateway =
                            KeyroomClient.builder(gateway.uri(), agent).build()) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!gateway.honouredGrants().contains(grant) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                GatewaySession session = GatewaySession.open(agentOnGateway, Optional.of(Duration.ofMinutes(1)));
                String body = ProxiedCall.get(
                                gateway.uri(),
                                session.proxyUser(),
                                session.credential(),
                                ServerTrust.ca(gw.caCertificate()).sslContext(),
                                "127.0.0.1",
                                upstream.port(),
                                "/v1/charges")
                        .strip();
                session.close();
                String received = upstream.authorizations.isEmpty() ? "nothing" : upstream.authorizations.getLast();
                out.printf(
                        "%d. scout opened a gateway session (a proxy credential for this run only) and called GET"
                                + " %s/v1/charges through %s, trusting only the gateway's CA%n",
                        first + 1, upstream.origin(), gateway.uri());
                out.printf(
                        "    the upstream received: Authorization: %s%n",
                        received.replace(API_KEY, shortened(API_KEY) + " (the key)"));
                out.printf("    scout got back:        %s%n", body);
                return received.equals("Bearer " + API_KEY) && !body.contains(API_KEY);
            }
        }
    }

    /** {@code sk-l...ent}: enough for the reader to recognise the key, too little to use it. */
    static String shortened(String key) {
        return key.substring(0, 4) + "..." + key.substring(key.length() - 3);
    }
}
