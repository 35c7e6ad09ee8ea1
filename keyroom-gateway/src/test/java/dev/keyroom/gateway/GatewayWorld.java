package dev.keyroom.gateway;

import dev.keyroom.client.GatewaySession;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.Json;
import dev.keyroom.protocol.grant.GrantDocument;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A whole world for gateway tests, every part real: a Keyroom node; an owner who makes an encrypted
 * room and puts the API key in it; an agent, a member of the room; a gateway, registered and
 * invited like anyone, on its own data directory; and a loopback HTTPS upstream with its own CA.
 */
final class GatewayWorld implements AutoCloseable {
    static final String API_KEY = "sk-live-0123456789abcdef-never-seen-by-the-agent";

    final TestNode node;
    final Identity owner;
    final Identity agent;
    final KeyroomClient ownerClient;
    final RoomId room;
    final GatewayDir dir;
    final TestUpstream upstream;
    Gateway gateway;

    GatewayWorld(Path tmp) throws Exception {
        node = TestNode.start(tmp.resolve("node"));
        owner = node.register("owner", Role.MEMBER);
        agent = node.register("agent", Role.AGENT);
        ownerClient = node.client(owner);
        room = RoomId.parse(ownerClient.rooms().create("vault").roomId());
        ownerClient.rooms().invite(room, agent.endpoint(), RoomRole.MEMBER);
        dir = new GatewayDir(tmp.resolve("gateway"));
        Gateway.initIfEmpty(
                dir,
                GatewayConfig.File.flags(
                        node.uri().toString(), node.server.pin().orElse(null), "127.0.0.1:0"));
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
        upstream = new TestUpstream(tmp.resolve("upstream-ca"), "127.0.0.1");
    }

    /**
     * Starts (or restarts) the gateway. Names ending in {@code .test} resolve as {@link #NAMES} says,
     * every other through the system resolver, as they would in DNS.
     */
    Gateway startGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        gateway = Gateway.start(
                dir,
                GatewayConfig.load(dir.config(), GatewayConfig.File.flags(null, null, null)),
                new UpstreamAddresses(host -> NAMES.containsKey(host)
                        ? new java.net.InetAddress[] {java.net.InetAddress.getByName(NAMES.get(host))}
                        : java.net.InetAddress.getAllByName(host)));
        return gateway;
    }

    /** Test names and the addresses they resolve to: what a hostile DNS answer could say. */
    static final java.util.Map<String, String> NAMES = java.util.Map.of(
            "metadata.test", "169.254.169.254",
            "internal.test", "10.1.2.3",
            "rebind.test", "127.0.0.1");

    /** Another agent, a member of the room. */
    Identity newAgent(String name) {
        Identity a = node.register(name, Role.AGENT);
        ownerClient.rooms().invite(room, a.endpoint(), RoomRole.MEMBER);
        return a;
    }

    /** A grant for the agent to call the test upstream with the API key as a bearer token. */
    GrantDocument grant(List<String> methods, List<String> prefixes) {
        return grant(agent, methods, prefixes);
    }

    GrantDocument grant(Identity who, List<String> methods, List<String> prefixes) {
        return grant(
                who,
                methods,
                prefixes,
                new GrantDocument.Injection("header", "Authorization", "Bearer {value}"),
                600,
                100_000);
    }

    GrantDocument grant(
            Identity who,
            List<String> methods,
            List<String> prefixes,
            GrantDocument.Injection inject,
            int rate,
            long budget) {
        return grant(
                who, "127.0.0.1", upstream.port(), methods, prefixes, inject, rate, budget, Duration.ofDays(1), null);
    }

    GrantDocument grant(
            Identity who,
            String host,
            int port,
            List<String> methods,
            List<String> prefixes,
            GrantDocument.Injection inject,
            int rate,
            long budget,
            Duration lifetime,
            List<String> allow) {
        byte[] id = new byte[16];
        TestNode.RANDOM.nextBytes(id);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new GrantDocument(
                1,
                HexFormat.of().formatHex(id),
                room.value(),
                who.endpoint().value(),
                owner.endpoint().value(),
                "api-key",
                new GrantDocument.Upstream("https", host, port),
                methods,
                prefixes,
                inject,
                rate,
                budget,
                now.toString(),
                now.plus(lifetime).toString(),
                allow,
                Files.exists(upstream.caPem) ? readCa() : null,
                null);
    }

    private String readCa() {
        try {
            return Files.readString(upstream.caPem);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Adds a grant and waits until the gateway honours it. */
    String addGrant(GrantDocument doc) {
        ownerClient.grants().add(doc);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> gateway.honouredGrants().contains(doc.grantId()));
        return doc.grantId();
    }

    /** An agent's client of the gateway's own API. */
    KeyroomClient onGateway(Identity who) {
        KeyroomClient.Builder b = KeyroomClient.builder(gateway.uri(), who).random(TestNode.RANDOM);
        if ("https".equals(gateway.uri().getScheme())) {
            try {
                b.trust(dev.keyroom.client.ServerTrust.ca(dir.caCertificate()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return b.build();
    }

    GatewaySession openSession() {
        return openSession(agent);
    }

    GatewaySession openSession(Identity who) {
        return GatewaySession.open(onGateway(who), Optional.empty());
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        node.close();
    }
}
