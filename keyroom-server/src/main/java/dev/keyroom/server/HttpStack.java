package dev.keyroom.server;

import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.config.Limits;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.http.JsonErrorHandler;
import dev.keyroom.server.http.SecurityHeaders;
import dev.keyroom.server.limits.ConnectionGuard;
import dev.keyroom.server.tls.SslContexts;
import dev.keyroom.server.tls.TlsMaterial;
import dev.keyroom.server.tls.TlsReloader;
import dev.keyroom.server.web.RequestIds;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;
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
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A node's HTTP server: Jetty on virtual threads, and the client listener (TLS when configured,
 * with its certificate reloaded from disk), bound before anything is served so that the authorities
 * requests must sign know its port (AUTH-1). Connections are bounded in all and per address, and
 * one that sends no headers in time is closed (DOS-1).
 */
record HttpStack(
        Server jetty,
        HttpConfiguration http,
        ServerConnector connector,
        Authorities authorities,
        Optional<TlsMaterial> tls,
        Optional<TlsReloader> reloader) {

    /** Binds the client listener; it is closed with {@code backends}, should the start fail. */
    static HttpStack bind(
            ServerConfig config, DataDir dir, Backends backends, MeterRegistry metrics, SecureRandom random)
            throws IOException {
        Optional<TlsMaterial> tls = config.tls() ? Optional.of(TlsMaterial.read(dir.tls())) : Optional.empty();
        Limits limits = config.limits();
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
        char[] password = SslContexts.randomPassword(random);
        if (tls.isPresent()) {
            http.addCustomizer(new SecureRequestCustomizer(false));
            ssl = Optional.of(SslContexts.server(config.tlsSettings(), tls.get(), password));
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
        ConnectionGuard guard =
                new ConnectionGuard(limits.maxConnectionsPerAddress(), limits.headerTimeout(), jetty.getScheduler());
        connector.addBean(guard);
        FunctionCounter.builder("keyroom.connections.refused", guard, ConnectionGuard::refusedConnections)
                .register(metrics);
        FunctionCounter.builder("keyroom.connections.header_timeouts", guard, ConnectionGuard::headerTimeouts)
                .register(metrics);
        jetty.addConnector(connector);
        jetty.addBean(new ConnectionLimit(limits.maxConnections(), jetty));
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
        return new HttpStack(jetty, http, connector, authorities, tls, reloader);
    }

    /** Serves {@code app} behind the security headers, with JSON error pages; returns once listening. */
    void start(Handler app, boolean tlsOn, RequestIds ids) throws Exception {
        jetty.setHandler(new SecurityHeaders(tlsOn, app));
        jetty.setErrorHandler(new JsonErrorHandler(ids, tlsOn));
        jetty.setStopTimeout(5_000);
        jetty.start();
        reloader.ifPresent(TlsReloader::start);
    }

    /** Where clients on this machine reach the listener: loopback for a wildcard listen address. */
    URI uri(ServerConfig config) {
        String listenHost = ServerConfig.literalAddress(config.listenHost())
                .filter(InetAddress::isAnyLocalAddress)
                .map(a -> a instanceof Inet6Address ? "::1" : "127.0.0.1")
                .orElse(config.listenHost());
        String host = listenHost.contains(":") ? "[" + listenHost + "]" : listenHost;
        return URI.create((config.tls() ? "https" : "http") + "://" + host + ":" + connector.getLocalPort());
    }
}
