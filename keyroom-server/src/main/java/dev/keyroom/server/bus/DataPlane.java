package dev.keyroom.server.bus;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.protocol.signature.Authority;
import dev.keyroom.server.auth.Authorities;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.config.BusSettings;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.ErrorResponses;
import dev.keyroom.server.web.RequestIds;
import java.net.InetAddress;
import java.security.SecureRandom;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A node's data plane: what its sessions share, and the {@code /v1/bus} upgrade that opens one. The
 * upgrade passes the same address limits as any request (DOS-1) and must name one of this server's
 * authorities, which the login then signs (AUTH-10); everything else is in-band, in {@link
 * BusSession}.
 */
public record DataPlane(
        BusHub hub,
        UserDirectory users,
        RoomService rooms,
        MessageService messages,
        RequestGate gate,
        AuditLog audit,
        SiteRole site,
        BusSettings settings,
        SecureRandom random) {
    /** The data plane's one path, upgraded to a WebSocket. */
    public static final String PATH = "/v1/bus";

    /** The handler that upgrades {@code /v1/bus} and hands anything else to the handler it wraps. */
    public WebSocketUpgradeHandler upgrade(
            Server jetty, ClientAddresses addresses, Authorities authorities, RequestIds ids) {
        return WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxBinaryMessageSize(Envelope.MAX_PAYLOAD + 4096);
            container.setMaxTextMessageSize(1024);
            container.setMaxFrameSize(Envelope.MAX_PAYLOAD + 4096);
            // Jetty's own timeout is a backstop; BusSession closes silent peers after bus.idle_timeout_seconds.
            container.setIdleTimeout(settings.idleTimeout().plus(settings.pingInterval()));
            container.setMaxOutgoingFrames(settings.maxQueuedFrames() + 16);
            container.addMapping(PATH, (rq, rs, cb) -> {
                InetAddress from = addresses.resolve(rq);
                String id = ids.next();
                try {
                    gate.admitAddress(from, rs.getHeaders());
                    // The login signs the authority it was meant for: only this server's (AUTH-10).
                    if (!authorities.accepts(
                            rq.getHttpURI().getScheme(), rq.getHttpURI().getAuthority())) {
                        audit.record(AuditEvent.of(null, "AUTH", PATH, "401 unauthorized", id, from));
                        throw KeyroomException.unauthorized("authority is not one of this server's");
                    }
                } catch (KeyroomException e) {
                    ErrorResponses.refuse(rs, cb, e, id);
                    return null;
                }
                String authority = Authority.normalize(
                        rq.getHttpURI().getScheme(), rq.getHttpURI().getAuthority());
                return new BusSession(this, jetty.getScheduler(), authority, from);
            });
        });
    }
}
