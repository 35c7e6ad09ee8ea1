package dev.keyroom.server;

import dev.keyroom.core.auth.InMemoryNonceStore;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.port.Store;
import dev.keyroom.core.rooms.RoomRules;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.protocol.dto.Dto;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.http.HealthRoutes;
import dev.keyroom.server.http.JsonErrorHandler;
import dev.keyroom.server.http.KeyroomHandler;
import dev.keyroom.server.http.RequestIds;
import dev.keyroom.server.http.RoomRoutes;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.http.UserRoutes;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.store.sqlite.SqliteStore;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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
    private final Store store;
    private final URI uri;
    private final Optional<String> pin;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private KeyroomServer(Server jetty, Store store, URI uri, Optional<String> pin) {
        this.jetty = jetty;
        this.store = store;
        this.uri = uri;
        this.pin = pin;
    }

    /** Starts a node on {@code config}, initialising an empty data directory first. */
    public static KeyroomServer start(ServerConfig config) throws Exception {
        return start(config, Clock.system(), new SecureRandom());
    }

    public static KeyroomServer start(ServerConfig config, Clock clock, SecureRandom random) throws Exception {
        DataDir dir = new DataDir(config.dataDir());
        if (!dir.isInitialised()) {
            DataDir.Init init = dir.init(Optional.empty(), clock, random);
            init.adminIdentityWritten()
                    .ifPresent(p -> log.atInfo()
                            .addKeyValue("admin", init.adminEndpoint())
                            .log("initialised a new data directory with a first admin identity"));
        }
        Optional<TlsMaterial> tls = config.tls() ? Optional.of(TlsMaterial.read(dir.tls())) : Optional.empty();

        Store store = SqliteStore.open(dir.database());
        try {
            UserDirectory directory = new UserDirectory(store);
            UserService users = new UserService(store, clock, (endpoint, status) -> directory.invalidate(endpoint));
            RoomService rooms = new RoomService(
                    store,
                    clock,
                    random,
                    new RoomRules(config.cleartextRoomsAllowed()),
                    (room, removed, epoch) -> log.atInfo()
                            .addKeyValue("room", room.value())
                            .addKeyValue("removed", removed.size())
                            .addKeyValue("epoch", epoch)
                            .log("members removed"));
            RequestAuthenticator authenticator = new RequestAuthenticator(
                    directory,
                    new InMemoryNonceStore(config.nonceCapacity()),
                    clock,
                    config.skew(),
                    new HashSet<>(config.publicAuthorities()));
            Router router = new Router();
            new HealthRoutes(
                            VERSION,
                            new Dto.Posture(
                                    config.authMode().wireName(),
                                    config.tls(),
                                    false,
                                    "sqlite",
                                    !config.cleartextRoomsAllowed(),
                                    "primary"))
                    .register(router);
            new UserRoutes(users, rooms).register(router);
            new RoomRoutes(rooms).register(router);
            RequestIds ids = new RequestIds(random);

            QueuedThreadPool pool = new QueuedThreadPool(256, 4);
            pool.setName("keyroom-http");
            pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
            Server jetty = new Server(pool);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setRequestHeaderSize(16 * 1024);
            ServerConnector connector;
            if (tls.isPresent()) {
                http.addCustomizer(new SecureRequestCustomizer(false));
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                char[] password = randomPassword(random);
                ssl.setKeyStore(tls.get().keyStore(password));
                ssl.setKeyStorePassword(new String(password));
                ssl.setIncludeProtocols("TLSv1.3");
                ssl.setSniRequired(false);
                connector = new ServerConnector(
                        jetty,
                        new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                        new HttpConnectionFactory(http));
            } else {
                connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            }
            connector.setHost(config.listenHost());
            connector.setPort(config.listenPort());
            connector.setIdleTimeout(30_000);
            jetty.addConnector(connector);
            jetty.setHandler(new KeyroomHandler(
                    router, authenticator, config.authMode(), ids, config.tls(), config.maxJsonBodyBytes()));
            jetty.setErrorHandler(new JsonErrorHandler(ids, config.tls()));
            jetty.setStopTimeout(5_000);
            jetty.start();

            String host = config.listenHost().contains(":") ? "[" + config.listenHost() + "]" : config.listenHost();
            URI uri = URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + connector.getLocalPort());
            return new KeyroomServer(jetty, store, uri, tls.map(TlsMaterial::spkiPin));
        } catch (Exception | Error e) {
            store.close();
            throw e;
        }
    }

    private static char[] randomPassword(SecureRandom random) {
        char[] p = new char[24];
        for (int i = 0; i < p.length; i++) {
            p[i] = (char) ('a' + random.nextInt(26));
        }
        return p;
    }

    /** The URL clients reach this node at. */
    public URI uri() {
        return uri;
    }

    /** The SPKI pin of the TLS certificate, when TLS is on. */
    public Optional<String> pin() {
        return pin;
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
            store.close();
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
