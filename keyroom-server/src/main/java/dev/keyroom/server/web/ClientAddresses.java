package dev.keyroom.server.web;

import dev.keyroom.server.config.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.server.Request;

/**
 * The client address a request is accounted to (TLS-6). {@code X-Forwarded-For} is read only when
 * the direct peer is a configured trusted proxy; then the address is the right-most entry that is
 * not itself a trusted proxy. From anybody else the header is ignored, so a client cannot pick the
 * address its requests are rate-limited or banned under.
 */
public final class ClientAddresses {
    private final Set<InetAddress> trusted;

    public ClientAddresses(List<InetAddress> trustedProxies) {
        this.trusted = Set.copyOf(trustedProxies);
    }

    public InetAddress resolve(Request request) {
        InetAddress peer = peer(request.getConnectionMetaData().getRemoteSocketAddress());
        if (peer == null || !trusted.contains(peer)) {
            return peer;
        }
        List<String> values = request.getHeaders().getValuesList("X-Forwarded-For");
        if (values.isEmpty()) {
            return peer;
        }
        String[] hops = String.join(",", values).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            Optional<InetAddress> hop = ServerConfig.literalAddress(hops[i].strip());
            if (hop.isEmpty()) {
                return peer;
            }
            if (!trusted.contains(hop.get())) {
                return hop.get();
            }
        }
        return peer;
    }

    private static InetAddress peer(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }
}
