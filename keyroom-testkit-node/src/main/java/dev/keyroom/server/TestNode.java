package dev.keyroom.server;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** A real node on a loopback port with TLS, in a temp directory, with an admin client. */
public final class TestNode implements AutoCloseable {
    public static final SecureRandom RANDOM = new SecureRandom();

    public final KeyroomServer server;
    public final Path dir;
    public final Identity adminIdentity;
    public final KeyroomClient admin;
    /** The configuration the node runs on. */
    public final ServerConfig config;

    private final List<KeyroomClient> clients = new ArrayList<>();

    private final Clock clock;

    private TestNode(KeyroomServer server, Path dir, ServerConfig config) throws Exception {
        this(server, dir, config, Clock.system());
    }

    private TestNode(KeyroomServer server, Path dir, ServerConfig config, Clock clock) throws Exception {
        this.server = server;
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.adminIdentity = IdentityFile.read(new DataDir(dir).adminIdentity());
        this.admin = client(adminIdentity);
    }

    public static TestNode start(Path dir) throws Exception {
        return start(dir, "");
    }

    /** Starts a node with the YAML configuration {@code yaml}; it listens on a free loopback port unless it says otherwise. */
    public static TestNode start(Path dir, String yaml) throws Exception {
        return start(dir, yaml, dev.keyroom.server.audit.FileAuditLog.FILES);
    }

    /** As {@link #start(Path, String)}, on {@code clock} (a test clock lets a test move the node's time). */
    public static TestNode start(Path dir, String yaml, Clock clock) throws Exception {
        ConfigFile file =
                ServerConfig.parse("listen: 127.0.0.1:0\n", "test").overriddenBy(ServerConfig.parse(yaml, "test"));
        ServerConfig cfg = ServerConfig.from(dir, file);
        return new TestNode(KeyroomServer.start(cfg, clock, RANDOM), dir, cfg, clock);
    }

    /** As {@link #start(Path, String)}, with the audit log's files opened by {@code auditFiles}. */
    public static TestNode start(Path dir, String yaml, dev.keyroom.server.audit.FileAuditLog.Opener auditFiles)
            throws Exception {
        ConfigFile file =
                ServerConfig.parse("listen: 127.0.0.1:0\n", "test").overriddenBy(ServerConfig.parse(yaml, "test"));
        ServerConfig cfg = ServerConfig.from(dir, file);
        return new TestNode(KeyroomServer.start(cfg, Clock.system(), RANDOM, auditFiles), dir, cfg);
    }

    public URI uri() {
        return server.uri();
    }

    /** A client of {@code id}, signing on the node's clock. */
    public KeyroomClient client(Identity id) {
        return client(id, clock);
    }

    public KeyroomClient client(Identity id, Clock clock) {
        KeyroomClient.Builder b =
                KeyroomClient.builder(server.uri(), id).clock(clock).random(RANDOM);
        server.pin().ifPresent(p -> b.trust(ServerTrust.pin(p)));
        KeyroomClient c = b.build();
        clients.add(c);
        return c;
    }

    /** A new identity registered by the admin with {@code role}. */
    public Identity register(String name, Role role) {
        Identity id = Identity.generate(RANDOM);
        admin.users().register(id.signPub(), id.kexPub(), name, role);
        return id;
    }

    public HealthDtos.Health health() throws Exception {
        return dev.keyroom.protocol.Json.mapper()
                .readValue(Http.get(server, "/healthz").body(), HealthDtos.Health.class);
    }

    @Override
    public void close() {
        for (KeyroomClient c : clients) {
            c.close();
        }
        server.close();
        adminIdentity.close();
    }
}
