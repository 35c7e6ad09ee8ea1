package dev.keyroom.server.console;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.server.config.ConsoleSettings;
import dev.keyroom.server.config.Limits;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.config.TlsSettings;
import dev.keyroom.server.http.JsonErrorHandler;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.limits.ConnectionGuard;
import dev.keyroom.server.tls.SslContexts;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.server.tls.TlsReloader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin console: a Jetty server of its own on virtual threads, on its own TLS listener with the
 * node's certificate (reloaded as the client listener's is), serving the page and its JSON API
 * ({@link ConsoleHandler}) and nothing of the node's API; the client listener serves none of it.
 * Made before the node's routes (they hand out its login links, {@link #issue}); a bean of the
 * node's HTTP server, so that it starts and stops with it. Every second it ends the sessions whose admin is no longer an active admin (UI-2); every
 * {@link MetricHistory#EVERY} it samples the charts.
 */
public final class Console extends AbstractLifeCycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    /** The console's key for the keyed hashes of its tickets and sessions, in the data directory. */
    public static final String KEY_FILE = "console.key";

    /** A login link and the end of its life. */
    public record Link(URI url, Instant expiresAt) {
        @Override
        public String toString() {
            return "Link[REDACTED, " + expiresAt + "]";
        }
    }

    private final ConsoleSettings settings;
    private final ConsolePorts ports;
    private final ConsoleSessions sessions;
    private final MetricHistory history;
    private final Server jetty;
    private final ServerConnector connector;
    private final TlsReloader reloader;
    private final ScheduledExecutorService timer;
    private volatile List<String> origins = List.of();

    private Console(
            ConsoleSettings settings,
            ConsolePorts ports,
            ConsoleSessions sessions,
            MetricHistory history,
            Server jetty,
            ServerConnector connector,
            TlsReloader reloader) {
        this.settings = settings;
        this.ports = ports;
        this.sessions = sessions;
        this.history = history;
        this.jetty = jetty;
        this.connector = connector;
        this.reloader = reloader;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("keyroom-console-timer").daemon().factory());
    }

    /** Makes the console of a node whose configuration turns it on; it listens once {@link #start}ed. */
    public static Console create(ServerConfig config, Path dataDir, ConsolePorts ports) throws IOException {
        ConsoleSettings settings = config.console();
        ConsoleSettings.Listener at = settings.listener().orElseThrow();
        TokenHasher hasher = TokenHasher.open(dataDir.resolve(KEY_FILE), ports.random());
        ConsoleSessions sessions = new ConsoleSessions(hasher, ports.clock());
        MetricHistory history = new MetricHistory(ports.metrics(), ports.clock());
        Limits limits = config.limits();
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("keyroom-console");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        http.addCustomizer(new SecureRequestCustomizer(false));
        Path tlsDir = dataDir.resolve("tls");
        TlsMaterial material = TlsMaterial.read(tlsDir);
        char[] password = SslContexts.randomPassword(ports.random());
        TlsSettings tls = config.tlsSettings();
        SslContextFactory.Server ssl = SslContexts.server(tls, material, password);
        ServerConnector connector = new ServerConnector(
                jetty, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(http));
        connector.setHost(at.host());
        connector.setPort(at.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.addBean(
                new ConnectionGuard(limits.maxConnectionsPerAddress(), limits.headerTimeout(), jetty.getScheduler()));
        jetty.addConnector(connector);
        jetty.addBean(new ConnectionLimit(1_000, jetty));
        TlsReloader reloader = new TlsReloader(
                tlsDir,
                ssl,
                password,
                jetty.getScheduler(),
                tls.reloadInterval().toMillis(),
                material.spkiPin(),
                c -> {});
        Console console = new Console(settings, ports, sessions, history, jetty, connector, reloader);
        jetty.setHandler(console.handler());
        jetty.setErrorHandler(new JsonErrorHandler(ports.ids(), true));
        jetty.setStopTimeout(2_000);
        return console;
    }

    private ConsoleHandler handler() {
        Router router = new Router();
        new ConsoleOverviewRoutes(
                        ports.version(),
                        ports.clock().now(),
                        ports.posture(),
                        ports.clusterServers(),
                        ports.site(),
                        ports.users(),
                        ports.census(),
                        ports.banList(),
                        ports.audit(),
                        sessions,
                        history,
                        ports.clock())
                .register(router);
        new ConsoleUserRoutes(ports.userService()).register(router);
        new ConsoleRoomRoutes(ports.census(), ports.rooms(), ports.users()).register(router);
        new ConsoleAuditRoutes(new AuditBrowser(ports.audit()), ports.users()).register(router);
        new ConsoleLimitRoutes(ports.bans(), ports.banList(), ports.users(), ports.clock()).register(router);
        return new ConsoleHandler(
                new ConsoleAssets(),
                router,
                sessions,
                this::activeAdmin,
                () -> Set.copyOf(origins),
                ports.audit(),
                ports.ids(),
                ports.addresses(),
                ports.gate(),
                ports.site());
    }

    /** The admin {@code endpoint} while it is an active admin (through the identity cache: at most 1 s stale, AUTH-8). */
    private Optional<User> activeAdmin(EndpointId endpoint) {
        return ports.directory().find(endpoint).filter(u -> u.isActive() && u.role() == Role.ADMIN);
    }

    /** Binds the listener and starts serving; the timers start too. */
    @Override
    protected void doStart() throws Exception {
        jetty.start();
        origins = originsOf(connector.getLocalPort());
        reloader.start();
        timer.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        long every = MetricHistory.EVERY.toMillis();
        // A first sample at once, so that the charts have a start from the node's first seconds.
        timer.scheduleAtFixedRate(history::sample, 0, every, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int ended = sessions.endUnless(e -> activeAdmin(e).isPresent());
            if (ended > 0) {
                log.atInfo()
                        .addKeyValue("sessions", ended)
                        .log("console sessions ended (expired, or their admin revoked)");
            }
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("the console's session sweep failed; each call still checks its session");
        }
    }

    /** The configured origins, else the listen address's own (a loopback one also as {@code localhost}). */
    private List<String> originsOf(int port) {
        if (!settings.origins().isEmpty()) {
            return settings.origins();
        }
        String host = settings.listener().orElseThrow().host();
        Set<String> out = new LinkedHashSet<>();
        out.add("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        boolean loopback = host.equalsIgnoreCase("localhost")
                || ServerConfig.literalAddress(host)
                        .map(InetAddress::isLoopbackAddress)
                        .orElse(false);
        if (loopback) {
            out.add("https://localhost:" + port);
        }
        return new ArrayList<>(out);
    }

    /** The console's address: its first origin and {@code /console/}. */
    public URI root() {
        return URI.create(origins.getFirst() + ConsoleAssets.ROOT);
    }

    /** The origins state-changing calls must come from. */
    public List<String> origins() {
        return origins;
    }

    /** A one-time login link for {@code admin} (an active admin, checked by the caller): its ticket rides in the fragment. */
    public Link issue(User admin) {
        ConsoleSessions.Ticket t = sessions.issue(admin.endpoint());
        return new Link(URI.create(root() + "#ticket=" + t.token()), t.expiresAt());
    }

    /** Console sessions open now. */
    public int sessionsOpen() {
        return sessions.open();
    }

    @Override
    protected void doStop() throws Exception {
        timer.shutdownNow();
        jetty.stop();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception e) {
            log.atWarn().setCause(e).log("stopping the console failed");
        }
    }
}
