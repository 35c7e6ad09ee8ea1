package dev.keyroom.server;

import dev.keyroom.core.crypto.PemCertificates;
import dev.keyroom.server.audit.FileAuditLog;
import dev.keyroom.server.audit.StreamAuditMirror;
import dev.keyroom.server.config.ReplicationSettings;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.replication.ApplyGate;
import dev.keyroom.server.replication.ApplyHandler;
import dev.keyroom.server.replication.ApplyStream;
import dev.keyroom.server.replication.ReplicationWorker;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.tls.SslContexts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * How a node takes part in its site (issue 7): its role, read from the store; on a primary that
 * feeds a backup, the worker that sends the site's changes, blobs and audit (REPL-2); on a backup,
 * the apply listener that takes them (REPL-5); in a cluster, the copy of its audit log in the
 * cluster's audit stream.
 */
final class SiteWiring {
    private SiteWiring() {}

    /** The site's role; refuses a backup store that was promoted or fenced (REPL-7). */
    static SiteRole role(ServerConfig config, Backends backends, ServerKey key) {
        return SiteRole.open(
                config.replication(), backends.store().siteLog(), key.get().signPub());
    }

    /** In cluster mode, mirrors the audit log into the cluster's audit stream under this node's name. */
    static void mirrorAudit(Node node, ServerKey key) throws Exception {
        if (node.backends().nats().isEmpty()) {
            return;
        }
        node.backends()
                .mirrorAudit(node.audit(), node.config(), key.get().endpoint().value())
                .ifPresent(m -> Gauge.builder("keyroom.audit.mirror.lag", m, StreamAuditMirror::lag)
                        .description("audit entries written on this node and not yet in the cluster's audit stream")
                        .register(node.metrics()));
    }

    /** A primary that feeds a backup: its worker, started, and its gauges (REPL-2). */
    static Optional<ReplicationWorker> worker(Node node, ServerKey key) throws Exception {
        ServerConfig config = node.config();
        if (config.replication().push().isEmpty()) {
            return Optional.empty();
        }
        Backends backends = node.backends();
        BooleanSupplier sender = backends.sender(config, key.get().endpoint().value());
        ReplicationWorker worker = new ReplicationWorker(
                backends.store().siteLog(),
                sender,
                backends.blobs(),
                node.audit() instanceof FileAuditLog file ? Optional.of(file) : Optional.empty(),
                config.replication().push().get(),
                key.get(),
                node.site(),
                node.clock(),
                node.audit(),
                node.random());
        backends.own(worker);
        worker.start();
        MeterRegistry metrics = node.metrics();
        Gauge.builder("keyroom.replication.pending", worker, ReplicationWorker::pending)
                .description("changes recorded and not yet acknowledged by the backup")
                .register(metrics);
        Gauge.builder(
                        "keyroom.replication.lag.seconds",
                        worker,
                        w -> Duration.between(w.oldestPending(), node.clock().now())
                                        .toMillis()
                                / 1000.0)
                .description("how long the oldest unacknowledged change has waited")
                .register(metrics);
        FunctionCounter.builder("keyroom.replication.alerts", worker, ReplicationWorker::alerts)
                .description("times the backup refused or missed changes through the whole retry table")
                .register(metrics);
        return Optional.of(worker);
    }

    /**
     * On a backup, the apply listener: mutual TLS with the replication CA, its own handler, nothing
     * else served there. On a promoted site it stays, refusing every batch with the site's epoch, so
     * a former primary that comes back learns it is fenced. Returns the handler that routes requests
     * by the listener they came in on.
     */
    static Handler applyListener(Node node, HttpStack stack, Handler app) throws IOException {
        ReplicationSettings r = node.config().replication();
        if (r.apply().isEmpty()) {
            return app;
        }
        ReplicationSettings.ApplySettings a = r.apply().get();
        SslContextFactory.Server ssl = SslContexts.server(
                node.config().tlsSettings(), stack.tls().orElseThrow(), SslContexts.randomPassword(node.random()));
        ssl.setIncludeProtocols("TLSv1.3");
        ssl.setTrustStore(PemCertificates.trustStore(a.clientCa()));
        ssl.setNeedClientAuth(true);
        ApplyGate gate = new ApplyGate(
                a.primaryKeys(), node.clock(), node.audit(), node.services().bans());
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString());
        // A refused handshake (no certificate from the replication CA) is audited too (REPL-5).
        tlsFactory.addBean(new SslHandshakeListener() {
            @Override
            public void handshakeFailed(Event event, Throwable failure) {
                String peer = event.getSSLEngine().getPeerHost();
                gate.handshakeRefused(peer == null ? "-" : peer, String.valueOf(failure.getMessage()));
            }
        });
        ServerConnector listener =
                new ServerConnector(stack.jetty(), tlsFactory, new HttpConnectionFactory(stack.http()));
        listener.setHost(a.host());
        listener.setPort(a.port());
        stack.jetty().addConnector(listener);
        ApplyHandler applyHandler = new ApplyHandler(
                gate,
                node.backends().store().siteLog(),
                node.backends().blobs(),
                node.config().limits().maxBlobBodyBytes(),
                node.dir().audit().resolve("sites"),
                node.site(),
                node.ids());
        Handler apply = ApplyStream.upgrade(stack.jetty(), applyHandler, gate, node.ids());
        apply.setServer(stack.jetty());
        Handler.Wrapper byListener = new Handler.Wrapper(app) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (request.getConnectionMetaData().getConnector() == listener) {
                    return apply.handle(request, response, callback);
                }
                return super.handle(request, response, callback);
            }
        };
        byListener.addBean(apply);
        return byListener;
    }
}
