package dev.keyroom.server;

import dev.keyroom.core.rooms.BlobService;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.auth.RequestAuthenticator;
import dev.keyroom.server.auth.SavedNonces;
import dev.keyroom.server.config.Limits;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.http.AuditRoutes;
import dev.keyroom.server.http.BlobRoutes;
import dev.keyroom.server.http.ConsoleTicketRoutes;
import dev.keyroom.server.http.GrantRoutes;
import dev.keyroom.server.http.HealthRoutes;
import dev.keyroom.server.http.KeyringRoutes;
import dev.keyroom.server.http.KeyroomHandler;
import dev.keyroom.server.http.MessageRoutes;
import dev.keyroom.server.http.MetricsRoutes;
import dev.keyroom.server.http.OpenApiRoutes;
import dev.keyroom.server.http.ReplicationRoutes;
import dev.keyroom.server.http.RoomRoutes;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.http.SecretRoutes;
import dev.keyroom.server.http.UserRoutes;
import dev.keyroom.server.replication.ReplicationWorker;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.RequestOutcomes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;

/**
 * The REST API of a node: its routes, and the handlers a request passes before them. Bodies are
 * bounded by the largest a route takes, and may be required to arrive at a minimum rate (DOS-1);
 * {@link KeyroomHandler} authenticates, admits and audits each request.
 */
final class ControlPlane {
    private ControlPlane() {}

    /** The handlers of the REST API, serving {@code router} (from {@link #routes}). */
    static Handler handler(Node node, Router router, Authorities authorities) throws IOException {
        ServerConfig config = node.config();
        Limits limits = config.limits();
        Services s = node.services();
        RequestAuthenticator authenticator = new RequestAuthenticator(
                s.directory(),
                node.backends().nonces(),
                node.clock(),
                config.skew(),
                authorities,
                replayFence(node.backends().savedNonces(), node.site(), config.skew()));
        Handler app = new KeyroomHandler(
                router,
                authenticator,
                config.authMode(),
                node.ids(),
                new ClientAddresses(config.trustedProxies()),
                s.gate(),
                node.dir().spool(),
                node.audit(),
                node.site());
        SizeLimitHandler ceiling =
                new SizeLimitHandler(Math.max(limits.maxJsonBodyBytes(), limits.maxBlobBodyBytes()), -1);
        ceiling.setHandler(app);
        app = ceiling;
        if (limits.minRequestBytesPerSecond() > 0) {
            app = new MinimumDataRateHandler(app, limits.minRequestBytesPerSecond(), 0);
        }
        return new RequestOutcomes(node.metrics(), app);
    }

    /** Every route of the REST API, registered by its resource's {@code *Routes}. */
    static Router routes(Node node, Optional<ReplicationWorker> worker, Optional<ConsoleTicketRoutes.Desk> console) {
        ServerConfig config = node.config();
        Services s = node.services();
        Backends backends = node.backends();
        SiteRole site = node.site();
        Router router = new Router();
        new HealthRoutes(KeyroomServer.VERSION, posture(node)).register(router);
        OpenApiRoutes.load().register(router);
        new UserRoutes(s.users(), s.rooms()).register(router);
        new AuditRoutes(node.audit()).register(router);
        new KeyringRoutes(s.keyrings()).register(router);
        new SecretRoutes(s.vault()).register(router);
        new RoomRoutes(s.rooms()).register(router);
        new GrantRoutes(s.grants(), s.gatewayView()).register(router);
        new MetricsRoutes(node.metrics()).register(router);
        new ReplicationRoutes(
                        config.replication(),
                        site,
                        worker,
                        config.replication().apply().isPresent()
                                ? Optional.of(backends.store().siteLog())
                                : Optional.empty(),
                        node.clock())
                .register(router);
        new MessageRoutes(s.messages()).register(router);
        new ConsoleTicketRoutes(console).register(router);
        // A primary that feeds a backup records every blob stored for it (REPL-2).
        var blobs = worker.map(ReplicationWorker::feeding).orElse(backends.blobs());
        new BlobRoutes(new BlobService(blobs, s.rooms(), config.limits().maxBlobBodyBytes())).register(router);
        return router;
    }

    /** The node's posture, read on each call: a promotion or a fence changes the role. */
    static Supplier<HealthDtos.Posture> posture(Node node) {
        ServerConfig config = node.config();
        return () -> new HealthDtos.Posture(
                config.authMode().wireName(),
                config.tls(),
                node.backends().cluster().isPresent(),
                node.backends().storeName(),
                !config.cleartextRoomsAllowed(),
                node.site().kind().wireName());
    }

    /**
     * When this node's record of accepted nonces begins (AUTH-3): after a start that found no saved
     * nonces, its start plus the skew; after a promotion, the promotion plus the skew, since the old
     * primary accepted requests this site never saw. The later of the two; none once both lie
     * further back than the window.
     */
    private static Supplier<Optional<Instant>> replayFence(Optional<SavedNonces> saved, SiteRole site, Duration skew) {
        Optional<Instant> started = saved.flatMap(SavedNonces::fence);
        return () -> {
            Optional<Instant> promoted = site.promotedAt().map(p -> p.plus(skew));
            if (started.isEmpty()) {
                return promoted;
            }
            if (promoted.isEmpty()) {
                return started;
            }
            return Optional.of(started.get().isAfter(promoted.get()) ? started.get() : promoted.get());
        };
    }
}
