package dev.keyroom.gateway;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.server.audit.FileAuditLog;
import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.limits.ConnectionGuard;
import dev.keyroom.server.web.RequestIds;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A running gateway: the composition root and its lifecycle. {@link #start} opens (initialising when
 * empty) the data directory, loads the first policy from the Keyroom server (failing when it cannot
 * be reached, rather than serving with nothing), opens the audit log, and starts the listener;
 * {@link #close} stops the listener, cuts every tunnel and closes the rest, last opened first.
 */
public final class Gateway implements AutoCloseable {
    private final Server jetty;
    private final ServerConnector connector;
    private final GatewayConfig config;
    private final EndpointId endpoint;
    private final byte[] signPub;
    private final Tunnels tunnels;
    private final PolicySource policy;
    private final List<AutoCloseable> owned;

    private Gateway(
            Server jetty,
            ServerConnector connector,
            GatewayConfig config,
            Identity identity,
            Tunnels tunnels,
            PolicySource policy,
            List<AutoCloseable> owned) {
        this.jetty = jetty;
        this.connector = connector;
        this.config = config;
        this.endpoint = identity.endpoint();
        this.signPub = identity.signPub();
        this.tunnels = tunnels;
        this.policy = policy;
        this.owned = owned;
    }

    /** Whether {@code dir} was initialised by this call. */
    public static boolean initIfEmpty(GatewayDir dir, GatewayConfig.File settings) throws IOException {
        if (dir.initialised()) {
            return false;
        }
        dir.init(settings, new SecureRandom(), Clock.system());
        return true;
    }

    public static Gateway start(GatewayDir dir, GatewayConfig config) throws Exception {
        return start(dir, config, new UpstreamAddresses());
    }

    /** As {@link #start(GatewayDir, GatewayConfig)}, resolving upstream names with {@code addresses}. */
    static Gateway start(GatewayDir dir, GatewayConfig config, UpstreamAddresses addresses) throws Exception {
        Clock clock = Clock.system();
        SecureRandom random = new SecureRandom();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            return start(dir, config, clock, random, addresses, owned);
        } catch (Exception | Error e) {
            closeAll(owned);
            throw e;
        }
    }

    private static Gateway start(
            GatewayDir dir,
            GatewayConfig config,
            Clock clock,
            SecureRandom random,
            UpstreamAddresses addresses,
            List<AutoCloseable> owned)
            throws Exception {
        GatewayCa ca = GatewayCa.load(dir.root(), clock);
        Identity identity = IdentityFile.read(dir.identity());
        owned.add(identity);
        KeyroomClient server = KeyroomClient.builder(config.server(), identity)
                .trust(config.serverPin() != null ? ServerTrust.pin(config.serverPin()) : ServerTrust.system())
                .build();
        owned.add(server);
        GatewayDb db = new GatewayDb(dir.database());
        owned.add(db);
        AgentSessions sessions = new AgentSessions(db, dir.readSessionKey(), clock, random, config.sessionMaxTtl());
        FileAuditLog audit = FileAuditLog.open(
                dir.audit(),
                () -> IdentityFile.read(dir.identity()),
                clock,
                FileAuditLog.Settings.DEFAULT,
                FileAuditLog.FILES);
        owned.add(audit);
        Credentials credentials = new Credentials();
        owned.add(credentials);
        Tunnels tunnels = new Tunnels(sessions, clock);
        LogGuard guard = new LogGuard();
        owned.add(guard.install());
        java.util.concurrent.atomic.AtomicReference<Forwarder> forwarding =
                new java.util.concurrent.atomic.AtomicReference<>();
        PolicySource policy = new PolicySource(
                server, clock, config.pollInterval(), config.maxStaleness(), credentials, guard::guard, p -> {
                    sessions.sweep();
                    tunnels.sweep(p);
                    Forwarder f = forwarding.get();
                    if (f != null) {
                        f.retain(p);
                    }
                });
        owned.add(policy);
        try {
            policy.start();
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalStateException(
                    "cannot reach the Keyroom server at " + config.server() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "the Keyroom server at " + config.server() + " refused the gateway's view: " + e.getMessage()
                            + " (register the gateway's identity, " + dir.publicIdentity()
                            + ", with 'keyroom user add', and invite it to the rooms whose secrets it injects)",
                    e);
        }

        QueuedThreadPool pool = new QueuedThreadPool(256, 4);
        pool.setName("keyroom-gateway");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        http.setIdleTimeout(config.idleTimeout().toMillis());
        ServerConnector connector;
        boolean tls = config.tls();
        if (tls) {
            List<String> names = new ArrayList<>(config.tlsNames());
            names.add(config.listenHost());
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(ca.serverContextForListener(names));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            owned.add(renewEvery(LISTENER_RENEWAL, ssl, () -> ca.serverContextForListener(names)));
            connector = new ServerConnector(
                    jetty,
                    new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        }
        connector.setHost(config.listenHost());
        connector.setPort(config.listenPort());
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        connector.addBean(
                new ConnectionGuard(config.maxConnectionsPerAddress(), config.headerTimeout(), jetty.getScheduler()));
        jetty.addConnector(connector);
        jetty.addBean(new ConnectionLimit(config.maxConnections(), jetty));
        String scheme = tls ? "https" : "http";
        Authorities authorities = config.publicAuthorities().isEmpty()
                ? Authorities.ofListener(scheme, config.listenHost(), connector::getLocalPort, Optional.empty())
                : Authorities.configured(config.publicAuthorities(), scheme);
        GatewayAudit gatewayAudit = new GatewayAudit(audit);
        Upstreams upstreams = new Upstreams(config.upstreamTimeout(), clock, addresses);
        owned.add(upstreams);
        GrantMeter meter = new GrantMeter(db, clock);
        owned.add(meter);
        Forwarder forwarder = new Forwarder(
                policy,
                tunnels,
                credentials,
                meter,
                upstreams,
                gatewayAudit,
                clock,
                new Forwarder.Limits(
                        config.maxRequestBytes(),
                        config.upstreamTimeout().toMillis(),
                        config.maxInFlight(),
                        config.maxInFlightPerAgent()));
        forwarding.set(forwarder);
        Door door = new Door(gatewayAudit);
        SessionRoutes routes = new SessionRoutes(
                sessions,
                new SignedCalls(new InMemoryNonceStore(100_000), clock, Duration.ofSeconds(60)),
                authorities,
                tunnels,
                policy,
                gatewayAudit,
                door,
                Files.readAllBytes(dir.caCertificate()),
                clock);
        jetty.setHandler(new ProxyHandler(
                sessions,
                policy,
                tunnels,
                ca::serverContextFor,
                upstreams::check,
                forwarder,
                routes,
                door,
                gatewayAudit,
                new RequestIds(random),
                clock));
        jetty.setErrorHandler(new GatewayErrors(gatewayAudit, new RequestIds(random)));
        jetty.setStopTimeout(5_000);
        jetty.start();
        return new Gateway(jetty, connector, config, identity, tunnels, policy, owned);
    }

    /** The listener's certificate lives a day; it is replaced well before. */
    static final Duration LISTENER_RENEWAL = Duration.ofHours(6);

    /** Replaces the listener's certificate every {@code every}, without a restart. */
    private static AutoCloseable renewEvery(
            Duration every, SslContextFactory.Server ssl, java.util.function.Supplier<javax.net.ssl.SSLContext> fresh) {
        java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyroom-gateway-listener-tls");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(
                () -> {
                    try {
                        ssl.reload(f -> f.setSslContext(fresh.get()));
                    } catch (Exception e) {
                        org.slf4j.LoggerFactory.getLogger(Gateway.class)
                                .error("cannot renew the listener's certificate: {}", e.getMessage());
                    }
                },
                every.toMillis(),
                every.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    /** Where agents reach the proxy: {@code https://} when its listener speaks TLS, else {@code http://}. */
    public URI uri() {
        return URI.create((config.tls() ? "https" : "http") + "://"
                + dev.keyroom.protocol.grant.GrantDocument.Upstream.authority(
                        config.listenHost(), connector.getLocalPort()));
    }

    public EndpointId endpoint() {
        return endpoint;
    }

    /** The gateway's signing key, which signs its audit checkpoints. */
    public byte[] signPub() {
        return signPub.clone();
    }

    /** How many tunnels are open now. */
    public int openTunnels() {
        return tunnels.size();
    }

    /** The ids of the grants the gateway honours now, verified and with their secrets unsealed. */
    public java.util.Set<String> honouredGrants() {
        return policy.current().byAgent().values().stream()
                .flatMap(List::stream)
                .map(LiveGrant::id)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Fetches the server's view now rather than at the next poll. */
    public void refresh() {
        policy.refresh();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            // Stopping is best effort; what follows still closes.
        }
        tunnels.closeAll();
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> owned) {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // Keep closing the rest.
            }
        }
        owned.clear();
    }
}
