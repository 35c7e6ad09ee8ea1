package dev.keyroom.server;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.port.Bus;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.port.Store;
import dev.keyroom.core.rooms.BlobService;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomRules;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.protocol.signature.Authority;
import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.bus.BusHub;
import dev.keyroom.server.bus.BusSession;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.http.BlobRoutes;
import dev.keyroom.server.http.ClientAddresses;
import dev.keyroom.server.http.ErrorResponses;
import dev.keyroom.server.http.HealthRoutes;
import dev.keyroom.server.http.JsonErrorHandler;
import dev.keyroom.server.http.KeyroomHandler;
import dev.keyroom.server.http.MessageRoutes;
import dev.keyroom.server.http.MetricsRoutes;
import dev.keyroom.server.http.RequestIds;
import dev.keyroom.server.http.RoomRoutes;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.http.SecurityHeaders;
import dev.keyroom.server.http.UserRoutes;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.ConnectionGuard;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.server.tls.TlsReloader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a node: builds every part by hand, in one place, and owns their
 * lifecycle. {@link #start} returns once the node accepts connections; {@link #close} stops
 * accepting, lets requests in flight finish (up to a bound), then closes the store.
 */
public final class KeyroomServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeyroomServer.class);
    public static final String VERSION = Optional.ofNullable(
                    KeyroomServer.class.getPackage().getImplementationVersion())
            .orElse("0.1.0-dev");

    private final Server jetty;
    private final Backends backends;
    private final dev.keyroom.server.audit.AuditTrail audit;
    private final URI uri;
    private final Optional<TlsReloader> tls;
    private final InflightBudget budget;
    private final MeterRegistry metrics;
    private final Authorities authorities;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private KeyroomServer(
            Server jetty,
            Backends backends,
            dev.keyroom.server.audit.AuditTrail audit,
            URI uri,
            Optional<TlsReloader> tls,
            InflightBudget budget,
            MeterRegistry metrics,
            Authorities authorities) {
        this.jetty = jetty;
        this.backends = backends;
        this.audit = audit;
        this.uri = uri;
        this.tls = tls;
        this.budget = budget;
        this.metrics = metrics;
        this.authorities = authorities;
    }

    /** Starts a node on {@code config}, initialising an empty data directory first. */
    public static KeyroomServer start(ServerConfig config) throws Exception {
        return start(config, Clock.system(), new SecureRandom());
    }

    public static KeyroomServer start(ServerConfig config, Clock clock, SecureRandom random) throws Exception {
        return start(config, clock, random, dev.keyroom.server.audit.FileAuditLog.FILES);
    }

    /** As above, with the audit log's files opened by {@code auditFiles} (tests inject failures). */
    public static KeyroomServer start(
            ServerConfig config,
            Clock clock,
            SecureRandom random,
            dev.keyroom.server.audit.FileAuditLog.Opener auditFiles)
            throws Exception {
        return start(
                config,
                clock,
                random,
                (dir, serverKey) -> dev.keyroom.server.audit.FileAuditLog.open(
                        dir.audit(),
                        serverKey,
                        clock,
                        dev.keyroom.server.audit.FileAuditLog.Settings.DEFAULT,
                        auditFiles));
    }

    /** Makes the node's audit trail, given where the server's signing key comes from. */
    @FunctionalInterface
    public interface AuditFactory {
        dev.keyroom.server.audit.AuditTrail open(
                DataDir dir, dev.keyroom.server.audit.FileAuditLog.SignerSource serverKey) throws IOException;
    }

    /**
     * As above, with the audit trail made by {@code audit}. Only benchmarks pass anything but the
     * file log (to measure what auditing costs); no configuration or flag reaches this.
     */
    public static KeyroomServer start(ServerConfig config, Clock clock, SecureRandom random, AuditFactory auditFactory)
            throws Exception {
        DataDir dir = new DataDir(config.dataDir());
        if (!dir.isInitialised()) {
            DataDir.Init init = dir.init(Optional.empty(), clock, random);
            init.adminIdentityWritten()
                    .ifPresent(p -> log.atInfo()
                            .addKeyValue("admin", init.adminEndpoint())
                            .log("initialised a new data directory with a first admin identity"));
        }
        Optional<TlsMaterial> tls = config.tls() ? Optional.of(TlsMaterial.read(dir.tls())) : Optional.empty();
        Path spool = dir.spool();

        // The server's key signs audit checkpoints; it is read when first needed, off the start path.
        dev.keyroom.server.audit.AuditTrail audit =
                auditFactory.open(dir, () -> dir.loadOrCreateServerIdentity(random));
        java.util.concurrent.atomic.AtomicReference<dev.keyroom.core.vault.Keyring> keyring;
        MeterRegistry metrics = new SimpleMeterRegistry();
        Backends backends;
        try {
            keyring = new java.util.concurrent.atomic.AtomicReference<>(
                    dev.keyroom.core.vault.Keyring.loadOrCreate(dir.keyring(), random));
            backends = Backends.open(config, dir, metrics, clock);
        } catch (Exception | Error e) {
            audit.close();
            throw e;
        }
        Store store = backends.store();
        try {
            dev.keyroom.server.replication.SiteRole site;
            try (dev.keyroom.core.identity.Identity key = dir.loadOrCreateServerIdentity(random)) {
                site = dev.keyroom.server.replication.SiteRole.open(config.replication(), store, key.signPub());
            }
            if (backends.nats().isPresent()) {
                String node;
                try (dev.keyroom.core.identity.Identity key = dir.loadOrCreateServerIdentity(random)) {
                    node = key.endpoint().value();
                }
                backends.mirrorAudit(audit, config, node)
                        .ifPresent(m -> Gauge.builder(
                                        "keyroom.audit.mirror.lag", m, dev.keyroom.server.audit.StreamAuditMirror::lag)
                                .description(
                                        "audit entries written on this node and not yet in the cluster's audit stream")
                                .register(metrics));
            }
            ServerConfig.Limits limits = config.limits();
            UserDirectory directory = new UserDirectory(store);
            BusHub hub = new BusHub(config.maxBusSessionsPerIdentity());
            Gauge.builder("keyroom.bus.sessions", hub, BusHub::sessionCount)
                    .description("authenticated data-plane sessions")
                    .register(metrics);
            UserService users = new UserService(store, clock, (endpoint, status) -> {
                directory.invalidate(endpoint);
                hub.statusChanged(endpoint, status);
            });
            RoomService rooms = new RoomService(
                    store,
                    clock,
                    random,
                    new RoomRules(config.cleartextRoomsAllowed()),
                    (room, removed, epoch) -> {
                        hub.membersRemoved(room, removed);
                        log.atInfo()
                                .addKeyValue("room", room.value())
                                .addKeyValue("removed", removed.size())
                                .addKeyValue("epoch", epoch)
                                .log("members removed");
                    },
                    keyring::get);
            QueuedThreadPool pool = new QueuedThreadPool(256, 4);
            pool.setName("keyroom-http");
            pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
            Server jetty = new Server(pool);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setRequestHeaderSize(16 * 1024);
            http.setIdleTimeout(limits.idleTimeout().toMillis());
            ServerConnector connector;
            Optional<SslContextFactory.Server> ssl = Optional.empty();
            char[] password = randomPassword(random);
            if (tls.isPresent()) {
                http.addCustomizer(new SecureRequestCustomizer(false));
                ssl = Optional.of(sslContext(config.tlsSettings(), tls.get(), password));
                connector = new ServerConnector(
                        jetty,
                        new SslConnectionFactory(ssl.get(), HttpVersion.HTTP_1_1.asString()),
                        new HttpConnectionFactory(http));
            } else {
                connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            }
            connector.setHost(config.listenHost());
            connector.setPort(config.listenPort());
            connector.setIdleTimeout(limits.idleTimeout().toMillis());
            ConnectionGuard guard = new ConnectionGuard(
                    limits.maxConnectionsPerAddress(), limits.headerTimeout(), jetty.getScheduler());
            connector.addBean(guard);
            FunctionCounter.builder("keyroom.connections.refused", guard, ConnectionGuard::refusedConnections)
                    .register(metrics);
            FunctionCounter.builder("keyroom.connections.header_timeouts", guard, ConnectionGuard::headerTimeouts)
                    .register(metrics);
            jetty.addConnector(connector);
            jetty.addBean(new ConnectionLimit(limits.maxConnections(), jetty));
            // Bound now, so that the authorities know the port before the first request (AUTH-1);
            // closed with the backends too, should the start fail before Jetty owns it.
            connector.open();
            backends.own(connector::close);
            String scheme = config.tls() ? "https" : "http";
            Authorities authorities = config.publicAuthorities().isEmpty()
                    ? Authorities.ofListener(
                            scheme, config.listenHost(), connector::getLocalPort, tls.map(TlsMaterial::certificate))
                    : Authorities.configured(config.publicAuthorities(), scheme);
            Optional<TlsReloader> reloader = Optional.empty();
            if (ssl.isPresent()) {
                reloader = Optional.of(new TlsReloader(
                        dir.tls(),
                        ssl.get(),
                        password,
                        jetty.getScheduler(),
                        config.tlsSettings().reloadInterval().toMillis(),
                        tls.get().spkiPin(),
                        authorities::certificateChanged));
            }
            RequestAuthenticator authenticator = new RequestAuthenticator(
                    directory,
                    backends.nonces(),
                    clock,
                    config.skew(),
                    authorities,
                    replayFence(backends.savedNonces(), site, config.skew()));
            InflightBudget budget = new InflightBudget(limits.inflightBudgetBytes(), limits.inflightPerClientBytes());
            Gauge.builder("keyroom.inflight.bytes", budget, InflightBudget::used)
                    .description("bytes of request bodies reserved by requests in flight")
                    .register(metrics);
            Gauge.builder("keyroom.inflight.capacity.bytes", budget, InflightBudget::capacity)
                    .register(metrics);
            BanList bans = new BanList(store, clock, limits.banAfterRefusals(), limits.banDuration());
            // Changes applied from the cluster's stream, or from a primary's batch on a backup, reach this node's
            // caches, sessions and bans (AUTH-8, AZ-7, DOS-7, REPL-7).
            ((dev.keyroom.store.sqlite.SiteFeed) store).onChange(new dev.keyroom.store.sqlite.ChangeEffects() {
                @Override
                public void userCreated(dev.keyroom.core.identity.EndpointId endpoint) {
                    directory.invalidate(endpoint);
                }

                @Override
                public void userStatusChanged(
                        dev.keyroom.core.identity.EndpointId endpoint, dev.keyroom.core.identity.UserStatus status) {
                    directory.invalidate(endpoint);
                    hub.statusChanged(endpoint, status);
                }

                @Override
                public void membersRemoved(
                        dev.keyroom.core.rooms.RoomId room, Set<dev.keyroom.core.identity.EndpointId> removed) {
                    hub.membersRemoved(room, removed);
                }

                @Override
                public void banned(dev.keyroom.core.limits.Ban ban) {
                    bans.adopt(ban);
                }

                @Override
                public void siteChanged(dev.keyroom.store.sqlite.SqliteStore.Site changed) {
                    site.adopt(changed);
                }

                @Override
                public void messageAppended(dev.keyroom.core.rooms.RoomId room, long seq, byte[] envelope) {
                    // A backup's live subscriptions get what the primary's batch brought.
                    backends.bus().publish(MessageService.subject(room), MessageService.event(seq, envelope));
                }
            });
            Gauge.builder("keyroom.bans.active", bans, BanList::size).register(metrics);
            RequestGate gate = new RequestGate(limits, clock, budget, bans, metrics);

            Router router = new Router();
            new HealthRoutes(
                            VERSION,
                            () -> new HealthDtos.Posture(
                                    config.authMode().wireName(),
                                    config.tls(),
                                    backends.cluster().isPresent(),
                                    backends.storeName(),
                                    !config.cleartextRoomsAllowed(),
                                    site.kind().wireName()))
                    .register(router);
            new UserRoutes(users, rooms).register(router);
            new dev.keyroom.server.http.AuditRoutes(audit).register(router);
            new dev.keyroom.server.http.KeyringRoutes(new dev.keyroom.core.vault.KeyringService(
                            store, dir.keyring(), keyring, random, Thread.ofVirtual()::start))
                    .register(router);
            new dev.keyroom.server.http.SecretRoutes(new dev.keyroom.core.vault.VaultService(
                            store,
                            rooms,
                            clock,
                            random,
                            keyring::get,
                            new dev.keyroom.core.vault.AgentLimits(
                                    store, users, clock, config.vault().agentLimits()),
                            config.vault().secretVersions()))
                    .register(router);
            new RoomRoutes(rooms).register(router);
            new MetricsRoutes(metrics).register(router);
            Optional<dev.keyroom.server.replication.ReplicationWorker> worker =
                    replicationWorker(config, backends, site, random, clock, audit);
            worker.ifPresent(w -> {
                Gauge.builder(
                                "keyroom.replication.pending",
                                w,
                                dev.keyroom.server.replication.ReplicationWorker::pending)
                        .description("changes recorded and not yet acknowledged by the backup")
                        .register(metrics);
                Gauge.builder(
                                "keyroom.replication.lag.seconds",
                                w,
                                x -> java.time.Duration.between(x.oldestPending(), clock.now())
                                                .toMillis()
                                        / 1000.0)
                        .description("how long the oldest unacknowledged change has waited")
                        .register(metrics);
                FunctionCounter.builder("keyroom.replication.alerts", w, x -> x.alerts())
                        .description("times the backup refused or missed changes through the whole retry table")
                        .register(metrics);
            });
            new dev.keyroom.server.http.ReplicationRoutes(
                            config.replication(),
                            site,
                            worker,
                            config.replication().apply().isPresent()
                                    ? Optional.of((dev.keyroom.store.sqlite.SiteFeed) store)
                                    : Optional.empty(),
                            clock)
                    .register(router);
            Bus bus = backends.bus();
            MessageService messages = new MessageService(
                    store, bus, clock, rooms, config.retention(), config.vault().secretVersions());
            new MessageRoutes(messages).register(router);
            // A primary that feeds a backup records every blob stored for it (REPL-2).
            dev.keyroom.core.port.BlobStore blobs = worker.map(
                            dev.keyroom.server.replication.ReplicationWorker::feeding)
                    .orElse(backends.blobs());
            new BlobRoutes(new BlobService(blobs, rooms, limits.maxBlobBodyBytes())).register(router);
            RequestIds ids = new RequestIds(random);

            Handler app = new KeyroomHandler(
                    router,
                    authenticator,
                    config.authMode(),
                    ids,
                    new ClientAddresses(config.trustedProxies()),
                    gate,
                    spool,
                    audit,
                    site);
            SizeLimitHandler ceiling =
                    new SizeLimitHandler(Math.max(limits.maxJsonBodyBytes(), limits.maxBlobBodyBytes()), -1);
            ceiling.setHandler(app);
            app = ceiling;
            if (limits.minRequestBytesPerSecond() > 0) {
                app = new MinimumDataRateHandler(app, limits.minRequestBytesPerSecond(), 0);
            }
            // The data plane: upgraded before the control plane's handler, authenticated in-band.
            ClientAddresses addresses = new ClientAddresses(config.trustedProxies());
            WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(jetty, container -> {
                container.setMaxBinaryMessageSize(Envelope.MAX_PAYLOAD + 4096);
                container.setMaxTextMessageSize(1024);
                container.setMaxFrameSize(Envelope.MAX_PAYLOAD + 4096);
                // Jetty's own timeout is a backstop; BusSession closes silent peers after bus.idle_timeout_seconds.
                container.setIdleTimeout(
                        config.bus().idleTimeout().plus(config.bus().pingInterval()));
                container.setMaxOutgoingFrames(config.bus().maxQueuedFrames() + 16);
                container.addMapping("/v1/bus", (rq, rs, cb) -> {
                    java.net.InetAddress from = addresses.resolve(rq);
                    String id = ids.next();
                    try {
                        gate.admitAddress(from, rs.getHeaders());
                        // The login signs the authority it was meant for: only this server's (AUTH-10).
                        if (!authorities.accepts(
                                rq.getHttpURI().getScheme(), rq.getHttpURI().getAuthority())) {
                            audit.record(new dev.keyroom.core.audit.AuditEvent(
                                    "-",
                                    "AUTH",
                                    "/v1/bus",
                                    "401 unauthorized",
                                    id,
                                    from == null ? "-" : from.getHostAddress()));
                            throw KeyroomException.unauthorized("authority is not one of this server's");
                        }
                    } catch (KeyroomException e) {
                        ErrorResponses.refuse(rs, cb, e, id);
                        return null;
                    }
                    String authority = Authority.normalize(
                            rq.getHttpURI().getScheme(), rq.getHttpURI().getAuthority());
                    return new BusSession(
                            hub,
                            e -> gate.admitIdentity(e, org.eclipse.jetty.http.HttpFields.build()),
                            directory,
                            rooms,
                            messages,
                            store,
                            bus,
                            jetty.getScheduler(),
                            config.bus(),
                            authority,
                            audit,
                            site,
                            random);
                });
            });
            ws.setHandler(app);
            app = ws;
            if (config.cors().enabled()) {
                CrossOriginHandler cors = new CrossOriginHandler();
                cors.setAllowedOriginPatterns(config.cors().allowedOrigins().stream()
                        .map(java.util.regex.Pattern::quote)
                        .collect(java.util.stream.Collectors.toSet()));
                cors.setAllowedMethods(Set.copyOf(config.cors().allowedMethods()));
                cors.setAllowedHeaders(Set.copyOf(config.cors().allowedHeaders()));
                cors.setAllowCredentials(false);
                cors.setHandler(app);
                app = cors;
            }
            app = replication(config, jetty, http, tls, random, backends, site, audit, bans, clock, app, ids);
            jetty.setHandler(new SecurityHeaders(config.tls(), app));
            jetty.setErrorHandler(new JsonErrorHandler(ids, config.tls()));
            jetty.setStopTimeout(5_000);
            jetty.start();
            reloader.ifPresent(TlsReloader::start);

            // A wildcard address is where the node listens, not one to connect to: locally, loopback is.
            String listenHost = ServerConfig.literalAddress(config.listenHost())
                    .filter(java.net.InetAddress::isAnyLocalAddress)
                    .map(a -> a instanceof java.net.Inet6Address ? "::1" : "127.0.0.1")
                    .orElse(config.listenHost());
            String host = listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
            URI uri = URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + connector.getLocalPort());
            for (String warning : config.warnings()) {
                log.atWarn().log(warning);
            }
            log.atInfo()
                    .addKeyValue("authorities", String.join(", ", authorities.describe()))
                    .log("accepting requests signed for these authorities");
            return new KeyroomServer(jetty, backends, audit, uri, reloader, budget, metrics, authorities);
        } catch (Exception | Error e) {
            backends.close();
            audit.close();
            throw e;
        }
    }

    /**
     * When this node's record of accepted nonces begins (AUTH-3): after a start that found no saved
     * nonces, its start plus the skew; after a promotion, the promotion plus the skew, since the old
     * primary accepted requests this site never saw. The later of the two; none once both lie
     * further back than the window.
     */
    private static java.util.function.Supplier<Optional<java.time.Instant>> replayFence(
            Optional<dev.keyroom.server.auth.SavedNonces> saved,
            dev.keyroom.server.replication.SiteRole site,
            java.time.Duration skew) {
        Optional<java.time.Instant> started = saved.flatMap(dev.keyroom.server.auth.SavedNonces::fence);
        return () -> {
            Optional<java.time.Instant> promoted = site.promotedAt().map(p -> p.plus(skew));
            if (started.isEmpty()) {
                return promoted;
            }
            if (promoted.isEmpty()) {
                return started;
            }
            return Optional.of(started.get().isAfter(promoted.get()) ? started.get() : promoted.get());
        };
    }

    /** A primary that feeds a backup: its worker, started (REPL-2). */
    private static Optional<dev.keyroom.server.replication.ReplicationWorker> replicationWorker(
            ServerConfig config,
            Backends backends,
            dev.keyroom.server.replication.SiteRole site,
            SecureRandom random,
            Clock clock,
            dev.keyroom.core.port.AuditLog audit)
            throws Exception {
        if (config.replication().push().isEmpty()) {
            return Optional.empty();
        }
        var feed = (dev.keyroom.store.sqlite.SiteFeed) backends.store();
        dev.keyroom.core.identity.Identity siteKey = new DataDir(config.dataDir()).loadOrCreateServerIdentity(random);
        java.util.function.BooleanSupplier sender;
        try {
            sender = backends.sender(config, siteKey.endpoint().value());
        } catch (Exception | Error e) {
            siteKey.close();
            throw e;
        }
        var worker = new dev.keyroom.server.replication.ReplicationWorker(
                feed,
                sender,
                backends.blobs(),
                audit instanceof dev.keyroom.server.audit.FileAuditLog file ? Optional.of(file) : Optional.empty(),
                config.replication().push().get(),
                siteKey,
                site,
                clock,
                audit,
                random);
        backends.own(worker);
        worker.start();
        return Optional.of(worker);
    }

    /**
     * The apply listener (issue 7): mutual TLS with the replication CA, its own handler, nothing
     * else served there. On a promoted site it stays, refusing every batch with the site's epoch, so
     * a former primary that comes back learns it is fenced. Returns the handler that routes requests
     * by the listener they came in on.
     */
    private static Handler replication(
            ServerConfig config,
            Server jetty,
            HttpConfiguration http,
            Optional<TlsMaterial> tls,
            SecureRandom random,
            Backends backends,
            dev.keyroom.server.replication.SiteRole site,
            dev.keyroom.server.audit.AuditTrail audit,
            BanList bans,
            Clock clock,
            Handler app,
            RequestIds ids)
            throws IOException {
        ServerConfig.ReplicationSettings r = config.replication();
        if (r.apply().isEmpty()) {
            return app;
        }
        var sqlite = (dev.keyroom.store.sqlite.SiteFeed) backends.store();
        ServerConfig.ApplySettings a = r.apply().get();
        char[] password = randomPassword(random);
        SslContextFactory.Server ssl = sslContext(config.tlsSettings(), tls.orElseThrow(), password);
        ssl.setIncludeProtocols("TLSv1.3");
        ssl.setTrustStore(dev.keyroom.core.crypto.PemCertificates.trustStore(a.clientCa()));
        ssl.setNeedClientAuth(true);
        dev.keyroom.server.replication.ApplyGate gate =
                new dev.keyroom.server.replication.ApplyGate(a.primaryKeys(), clock, audit, bans);
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString());
        // A refused handshake (no certificate from the replication CA) is audited too (REPL-5).
        tlsFactory.addBean(new org.eclipse.jetty.io.ssl.SslHandshakeListener() {
            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                String peer = event.getSSLEngine().getPeerHost();
                gate.handshakeRefused(peer == null ? "-" : peer, String.valueOf(failure.getMessage()));
            }
        });
        ServerConnector listener = new ServerConnector(jetty, tlsFactory, new HttpConnectionFactory(http));
        listener.setHost(a.host());
        listener.setPort(a.port());
        jetty.addConnector(listener);
        var applyHandler = new dev.keyroom.server.replication.ApplyHandler(
                gate,
                sqlite,
                backends.blobs(),
                config.limits().maxBlobBodyBytes(),
                new DataDir(config.dataDir()).audit().resolve("sites"),
                site,
                ids);
        Handler apply = dev.keyroom.server.replication.ApplyStream.upgrade(jetty, applyHandler, gate, ids);
        apply.setServer(jetty);
        Handler.Wrapper byListener = new Handler.Wrapper(app) {
            @Override
            public boolean handle(
                    org.eclipse.jetty.server.Request request,
                    org.eclipse.jetty.server.Response response,
                    org.eclipse.jetty.util.Callback callback)
                    throws Exception {
                if (request.getConnectionMetaData().getConnector() == listener) {
                    return apply.handle(request, response, callback);
                }
                return super.handle(request, response, callback);
            }
        };
        byListener.addBean(apply);
        return byListener;
    }

    private static SslContextFactory.Server sslContext(
            ServerConfig.TlsSettings settings, TlsMaterial material, char[] password) throws IOException {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(material.keyStore(password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setSniRequired(false);
        if (settings.minVersion().equals("1.2")) {
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            // TLS 1.2 only with forward secrecy and AEAD; TLS 1.3 suites are all of that already.
            ssl.setIncludeCipherSuites(
                    "TLS_AES_.*",
                    "TLS_CHACHA20_.*",
                    "TLS_ECDHE_.*_WITH_AES_.*_GCM_.*",
                    "TLS_ECDHE_.*_WITH_CHACHA20_POLY1305_.*");
        } else {
            ssl.setIncludeProtocols("TLSv1.3");
        }
        if (settings.clientCa().isPresent()) {
            ssl.setTrustStore(dev.keyroom.core.crypto.PemCertificates.trustStore(
                    settings.clientCa().get()));
            ssl.setNeedClientAuth(true);
        }
        return ssl;
    }

    private static char[] randomPassword(SecureRandom random) {
        char[] p = new char[24];
        for (int i = 0; i < p.length; i++) {
            p[i] = (char) ('a' + random.nextInt(26));
        }
        return p;
    }

    /** The URL clients reach this node at (from this machine, for a wildcard listen address). */
    public URI uri() {
        return uri;
    }

    /** The SPKI pin of the TLS certificate in use, when TLS is on. */
    public Optional<String> pin() {
        return tls.map(TlsReloader::pin);
    }

    /** The authorities ({@code host[:port]}) signed requests may name (AUTH-1). */
    public java.util.List<String> authorities() {
        return authorities.describe();
    }

    /** The in-flight budget, for operators' tools and tests. */
    public InflightBudget budget() {
        return budget;
    }

    public MeterRegistry metrics() {
        return metrics;
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed", e);
        } finally {
            audit.close();
            backends.close();
        }
    }

    /** Reads a config file (if present) for {@code dir}; used by the CLI and tests. */
    public static ServerConfig configFor(java.nio.file.Path dir, dev.keyroom.server.config.ConfigFile overrides)
            throws dev.keyroom.server.config.ConfigException {
        DataDir d = new DataDir(dir);
        dev.keyroom.server.config.ConfigFile file = java.nio.file.Files.exists(d.configFile())
                ? ServerConfig.readFile(d.configFile())
                : dev.keyroom.server.config.ConfigFile.EMPTY;
        return ServerConfig.from(dir, file.overriddenBy(overrides));
    }
}
