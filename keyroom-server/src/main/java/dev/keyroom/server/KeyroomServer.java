package dev.keyroom.server;

import dev.keyroom.core.port.Clock;
import dev.keyroom.server.audit.AuditTrail;
import dev.keyroom.server.audit.FileAuditLog;
import dev.keyroom.server.bus.DataPlane;
import dev.keyroom.server.config.ConfigException;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.CorsSettings;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.console.Console;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.replication.ReplicationWorker;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.tls.TlsReloader;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
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

    private final HttpStack stack;
    private final Node node;
    private final ServerKey key;
    private final Router router;
    private final URI uri;
    private final Optional<Console> console;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MetricsListener scrape;

    private KeyroomServer(
            HttpStack stack,
            Node node,
            ServerKey key,
            Router router,
            MetricsListener scrape,
            Optional<Console> console) {
        this.scrape = scrape;
        this.stack = stack;
        this.node = node;
        this.key = key;
        this.router = router;
        this.uri = stack.uri(node.config());
        this.console = console;
    }

    /** Starts a node on {@code config}, initialising an empty data directory first. */
    public static KeyroomServer start(ServerConfig config) throws Exception {
        return start(config, Clock.system(), new SecureRandom());
    }

    public static KeyroomServer start(ServerConfig config, Clock clock, SecureRandom random) throws Exception {
        return start(config, clock, random, FileAuditLog.FILES);
    }

    /** As above, with the audit log's files opened by {@code auditFiles} (tests inject failures). */
    public static KeyroomServer start(
            ServerConfig config, Clock clock, SecureRandom random, FileAuditLog.Opener auditFiles) throws Exception {
        return start(
                config,
                clock,
                random,
                (dir, serverKey) ->
                        FileAuditLog.open(dir.audit(), serverKey, clock, FileAuditLog.Settings.DEFAULT, auditFiles));
    }

    /** Makes the node's audit trail, given where the server's signing key comes from. */
    @FunctionalInterface
    public interface AuditFactory {
        AuditTrail open(DataDir dir, FileAuditLog.SignerSource serverKey) throws IOException;
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
        // The server's key signs audit checkpoints and the site's batches; it is read when first
        // needed, off the start path, once, and closed after everything that borrows it.
        ServerKey key = new ServerKey(dir, random);
        AuditTrail audit;
        try {
            audit = auditFactory.open(dir, key::get);
        } catch (Exception | Error e) {
            key.close();
            throw e;
        }
        // Prometheus's registry: the signed admin call reads it as JSON, the metrics listener as text.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Backends backends;
        try {
            backends = Backends.open(config, dir, metrics, clock);
        } catch (Exception | Error e) {
            audit.close();
            key.close();
            throw e;
        }
        try {
            SiteRole site = SiteWiring.role(config, backends, key);
            Services services = Services.build(config, dir, backends, clock, random, metrics);
            Node node = new Node(
                    config, dir, clock, random, backends, audit, metrics, services, site, new RequestIds(random));
            SiteWiring.mirrorAudit(node, key);
            HttpStack stack = HttpStack.bind(config, dir, backends, metrics, random);
            backends.store().siteLog().onChange(new NodeEffects(services, site));
            Optional<ReplicationWorker> worker = SiteWiring.worker(node, key);
            Optional<Console> console = ConsoleWiring.console(node, stack);
            Router router = ControlPlane.routes(node, worker, ConsoleWiring.desk(console));
            Handler app = ControlPlane.handler(node, router, stack.authorities());
            // The data plane: upgraded before the control plane's handler, authenticated in-band.
            WebSocketUpgradeHandler bus = new DataPlane(
                            services.hub(),
                            services.directory(),
                            services.rooms(),
                            services.messages(),
                            services.gate(),
                            audit,
                            site,
                            config.bus(),
                            random)
                    .upgrade(
                            stack.jetty(),
                            new ClientAddresses(config.trustedProxies()),
                            stack.authorities(),
                            node.ids());
            bus.setHandler(app);
            app = SiteWiring.applyListener(node, stack, cors(config.cors(), bus));
            stack.start(app, config.tls(), node.ids());
            MetricsListener scrape = null;
            if (config.metrics().isPresent()) {
                try {
                    scrape = MetricsListener.start(config.metrics().get(), metrics);
                } catch (IOException e) {
                    stack.jetty().stop();
                    throw e;
                }
            }
            for (String warning : config.warnings()) {
                log.atWarn().log(warning);
            }
            log.atInfo()
                    .addKeyValue(
                            "authorities", String.join(", ", stack.authorities().describe()))
                    .log("accepting requests signed for these authorities");
            console.ifPresent(c -> log.atInfo().addKeyValue("url", c.root()).log("the admin console is listening"));
            return new KeyroomServer(stack, node, key, router, scrape, console);
        } catch (Exception | Error e) {
            audit.close();
            backends.close();
            key.close();
            throw e;
        }
    }

    /** Cross-origin requests from the configured origins only, never with credentials. */
    private static Handler cors(CorsSettings cors, Handler app) {
        if (!cors.enabled()) {
            return app;
        }
        CrossOriginHandler handler = new CrossOriginHandler();
        handler.setAllowedOriginPatterns(
                cors.allowedOrigins().stream().map(Pattern::quote).collect(Collectors.toSet()));
        handler.setAllowedMethods(Set.copyOf(cors.allowedMethods()));
        handler.setAllowedHeaders(Set.copyOf(cors.allowedHeaders()));
        handler.setAllowCredentials(false);
        handler.setHandler(app);
        return handler;
    }

    /** The URL clients reach this node at (from this machine, for a wildcard listen address). */
    public URI uri() {
        return uri;
    }

    /** The admin console's address ({@code https://.../console/}), when it is on. */
    public Optional<URI> console() {
        return console.map(Console::root);
    }

    /** The SPKI pin of the TLS certificate in use, when TLS is on. */
    public Optional<String> pin() {
        return stack.reloader().map(TlsReloader::pin);
    }

    /** The authorities ({@code host[:port]}) signed requests may name (AUTH-1). */
    public List<String> authorities() {
        return stack.authorities().describe();
    }

    /** The REST API's routes as this node registered them (its data plane's upgrade is not one). */
    List<Router.Route> routes() {
        return router.routes();
    }

    /** The in-flight budget, for operators' tools and tests. */
    public InflightBudget budget() {
        return node.services().budget();
    }

    /** The Prometheus listener's URL, when the {@code metrics:} section turns it on. */
    public Optional<URI> metricsUri() {
        return Optional.ofNullable(scrape).map(MetricsListener::uri);
    }

    public MeterRegistry metrics() {
        return node.metrics();
    }

    public void join() throws InterruptedException {
        stack.jetty().join();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (scrape != null) {
            scrape.close();
        }
        try {
            stack.jetty().stop();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed", e);
        } finally {
            node.audit().close();
            node.backends().close();
            key.close();
        }
    }

    /** Reads a config file (if present) for {@code dir}; used by the CLI and tests. */
    public static ServerConfig configFor(Path dir, ConfigFile overrides) throws ConfigException {
        DataDir d = new DataDir(dir);
        ConfigFile file = Files.exists(d.configFile()) ? ServerConfig.readFile(d.configFile()) : ConfigFile.EMPTY;
        return ServerConfig.from(dir, file.overriddenBy(overrides));
    }
}
