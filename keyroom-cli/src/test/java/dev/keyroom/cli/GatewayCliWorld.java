package dev.keyroom.cli;

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
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.Json;
import dev.keyroom.server.TestNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/**
 * A whole world for the gateway's commands, every part real: a node; an owner with an encrypted room
 * holding the API key; an agent, a member of the room, with its identity in a file; a gateway data
 * directory, registered and invited as an operator would; and a loopback HTTPS upstream that echoes
 * the Authorization header it gets.
 */
final class GatewayCliWorld implements AutoCloseable {
    static final String API_KEY = "sk-live-0123456789abcdef-never-seen-by-the-agent";

    final TestNode node;
    final Identity owner;
    final Identity agent;
    final Path agentFile;
    final KeyroomClient ownerClient;
    final RoomId room;
    final GatewayDir dir;
    final EchoUpstream upstream;
    Gateway gateway;

    GatewayCliWorld(Path tmp) throws Exception {
        node = TestNode.start(tmp.resolve("node"));
        owner = node.register("owner", Role.MEMBER);
        agent = Identity.generate(TestNode.RANDOM);
        agentFile = tmp.resolve("agent.identity");
        IdentityFile.write(agentFile, agent);
        node.admin.users().register(agent.signPub(), agent.kexPub(), "agent", Role.AGENT);
        ownerClient = node.client(owner);
        room = RoomId.parse(ownerClient.rooms().create("vault").roomId());
        ownerClient.rooms().invite(room, agent.endpoint(), RoomRole.MEMBER);
        ownerClient.secrets().put(room, "api-key", API_KEY.getBytes(StandardCharsets.UTF_8), 0);
        dir = new GatewayDir(tmp.resolve("gateway"));
        upstream = new EchoUpstream(tmp.resolve("upstream-ca"));
    }

    /** Initialises the gateway's directory as {@code keyroom gateway} does, pointed at this node. */
    void initGateway() throws Exception {
        Gateway.initIfEmpty(dir, flags());
    }

    GatewayConfig.File flags() {
        return GatewayConfig.File.flags(node.uri().toString(), node.server.pin().orElseThrow(), "127.0.0.1:0");
    }

    /** Registers the gateway from its gateway.pub and invites it to the room, as an admin and the owner do. */
    void registerGateway() throws Exception {
        JsonNode pub = Json.mapper().readTree(Files.readAllBytes(dir.publicIdentity()));
        node.admin
                .users()
                .register(
                        Base64Url.decode(pub.path("sign_pub").asString(), "sign_pub"),
                        Base64Url.decode(pub.path("kex_pub").asString(), "kex_pub"),
                        "gateway",
                        Role.MEMBER);
        ownerClient.rooms().invite(room, EndpointId.parse(pub.path("endpoint").asString()), RoomRole.READER);
    }

    Gateway startGateway() throws Exception {
        gateway = Gateway.start(dir, GatewayConfig.load(dir.config(), GatewayConfig.File.flags(null, null, null)));
        return gateway;
    }

    /** Grants the agent the API key as a bearer token at the upstream, and waits until the gateway honours it. */
    String grant() throws Exception {
        String id = ownerClient
                .grants()
                .add(ownerClient
                        .grants()
                        .draft(room, agent.endpoint(), "api-key")
                        .upstream("127.0.0.1", upstream.port())
                        .header("Authorization", "Bearer {value}")
                        .ratePerMinute(600)
                        .budgetPerDay(10_000)
                        .expiresIn(Duration.ofDays(1))
                        .upstreamCa(Files.readString(upstream.caPem())))
                .grantId();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> gateway.honouredGrants().contains(id));
        return id;
    }

    /** A {@code keyroom} process, its output and its exit status. */
    record Ran(int code, String out, String err) {}

    /** Runs {@code keyroom args...} as a process of its own, with {@code env} added to this one's environment. */
    static Ran keyroom(Path tmp, Map<String, String> env, String... args) throws Exception {
        Path err = Files.createTempFile(tmp, "stderr", ".log");
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("keyroom " + args[0] + " did not end");
        }
        return new Ran(p.exitValue(), out, Files.readString(err));
    }

    /** The command line that runs {@code keyroom args...} on this JVM and the test class path. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    URI gatewayUri() {
        return gateway.uri();
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
