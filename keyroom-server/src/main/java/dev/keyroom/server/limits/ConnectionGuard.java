package dev.keyroom.server.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Connection hygiene Jetty does not provide by itself (DOS-4): a cap on open connections per client
 * address, and a deadline by which a new connection must have delivered the headers of its first
 * request (TLS handshake included). Slow-loris connections that trickle bytes to dodge the idle
 * timeout are closed at the deadline; one address cannot hold more than its share of sockets.
 *
 * <p>Counts the connection that owns each socket, so TLS and plaintext count alike.
 */
public final class ConnectionGuard implements Connection.Listener {
    private final int maxPerAddress;
    private final Duration headerTimeout;
    private final Scheduler scheduler;
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under: a closed socket no longer says. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    public ConnectionGuard(int maxPerAddress, Duration headerTimeout, Scheduler scheduler) {
        this.maxPerAddress = maxPerAddress;
        this.headerTimeout = headerTimeout;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        if (!isNetworkLevel(connection)) {
            return;
        }
        EndPoint network = connection.getEndPoint();
        InetAddress address = address(network.getRemoteSocketAddress());
        if (address == null) {
            return;
        }
        counted.put(connection, address);
        int open = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        if (open > maxPerAddress) {
            refused.incrementAndGet();
            network.close();
            return;
        }
        scheduler.schedule(
                () -> {
                    if (network.isOpen() && http(connection).getMessagesIn() == 0) {
                        timedOut.incrementAndGet();
                        network.close();
                    }
                },
                headerTimeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
        if (!isNetworkLevel(connection)) {
            return;
        }
        InetAddress address = counted.remove(connection);
        if (address == null) {
            return;
        }
        perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /**
     * The connection that owns the socket: the TLS connection under TLS, the HTTP connection in
     * plaintext. It is opened and closed exactly once per TCP connection, so counts always balance.
     */
    private static boolean isNetworkLevel(Connection c) {
        return !(c.getEndPoint() instanceof EndPoint.Wrapper);
    }

    /** The HTTP connection carried by a network-level connection. */
    private static Connection http(Connection c) {
        if (c instanceof SslConnection ssl && ssl.getSslEndPoint().getConnection() != null) {
            return ssl.getSslEndPoint().getConnection();
        }
        return c;
    }

    private static InetAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i.getAddress() : null;
    }

    /** Connections open now from {@code address}. */
    public int openFrom(InetAddress address) {
        AtomicInteger n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    public long refusedConnections() {
        return refused.get();
    }

    public long headerTimeouts() {
        return timedOut.get();
    }
}
