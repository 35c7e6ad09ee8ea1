package dev.keyroom.gateway;

import dev.keyroom.protocol.grant.Cidr;
import java.io.IOException;
import java.io.Serial;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves an upstream's name and decides whether the gateway may connect to what it resolved to
 * (GW-6). An agent must not use the gateway, and the credential it injects, to reach the gateway's
 * own host, its network or a cloud metadata service: so every resolved address must be a public
 * one, or lie in a network the grant names in {@code allow_addresses}. One forbidden address among
 * several refuses the name, since the connector may try any of them.
 *
 * <p>An upstream given as an IP literal names its own address and is allowed as it is, except
 * addresses no connection can sensibly go to (unspecified, multicast, broadcast): {@code 0.0.0.0}
 * reaches the local host on Linux.
 *
 * <p>IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible
 * {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that address,
 * since that is where the packets end up. Documentation and test networks are not refused: they
 * route nowhere, and tests use them.
 */
public final class UpstreamAddresses {
    /** How a name becomes addresses; the system resolver unless a test gives another. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A refused upstream address; the message names the host, the address and its kind. */
    public static final class RefusedAddress extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;

        public RefusedAddress(String message) {
            super(message);
        }
    }

    private record Range(Cidr network, String kind) {}

    private static final List<Range> FORBIDDEN = List.of(
            range("169.254.169.254/32", "cloud metadata"),
            range("fd00:ec2::254/128", "cloud metadata"),
            range("100.100.100.200/32", "cloud metadata"),
            range("0.0.0.0/8", "unspecified"),
            range("::/128", "unspecified"),
            range("127.0.0.0/8", "loopback"),
            range("::1/128", "loopback"),
            range("10.0.0.0/8", "private"),
            range("172.16.0.0/12", "private"),
            range("192.168.0.0/16", "private"),
            range("fc00::/7", "private"),
            range("fec0::/10", "private (site-local)"),
            range("64:ff9b:1::/48", "private (local-use NAT64)"),
            range("169.254.0.0/16", "link-local"),
            range("fe80::/10", "link-local"),
            range("100.64.0.0/10", "carrier-grade NAT"),
            range("224.0.0.0/4", "multicast"),
            range("ff00::/8", "multicast"),
            range("255.255.255.255/32", "broadcast"),
            range("240.0.0.0/4", "reserved"),
            range("198.18.0.0/15", "benchmarking"));

    /** Kinds no connection goes to, even when the grant names the address itself. */
    private static final List<String> NOT_UNICAST = List.of("unspecified", "multicast", "broadcast");

    private final Resolver resolver;

    /** With the system resolver. */
    public UpstreamAddresses() {
        this(InetAddress::getAllByName);
    }

    public UpstreamAddresses(Resolver resolver) {
        this.resolver = resolver;
    }

    /**
     * The addresses to connect to for {@code host}: itself when it is an IP literal (brackets
     * allowed), else every address the resolver gives, each of them public or inside one of
     * {@code allowed}. The caller must connect to exactly these, never look the name up again.
     *
     * @throws RefusedAddress when an address is forbidden and not allowed
     * @throws UnknownHostException when the name does not resolve
     */
    public List<InetAddress> resolve(String host, List<Cidr> allowed) throws IOException {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        Optional<InetAddress> literal = Cidr.literal(h);
        if (literal.isPresent()) {
            Optional<String> kind = forbiddenKind(literal.get());
            if (kind.isPresent() && NOT_UNICAST.contains(kind.get())) {
                throw new RefusedAddress(
                        "upstream " + h + " is " + article(kind.get()) + " address: nothing to connect to");
            }
            return List.of(literal.get());
        }
        InetAddress[] found = resolver.resolve(h);
        if (found == null || found.length == 0) {
            throw new UnknownHostException("upstream " + h + " resolves to no address");
        }
        for (InetAddress a : found) {
            Optional<String> kind = forbiddenKind(a);
            if (kind.isPresent() && !isAllowed(a, allowed)) {
                throw new RefusedAddress("upstream "
                        + h
                        + " resolves to "
                        + a.getHostAddress()
                        + ", "
                        + article(kind.get())
                        + " address; the gateway connects there only if the grant names it in allow_addresses");
            }
        }
        return List.of(found);
    }

    /**
     * What kind of forbidden address {@code a} is ("loopback", "private", "cloud metadata", ...), or
     * empty for a public one. An IPv4 address carried inside IPv6 is judged by itself.
     */
    public static Optional<String> forbiddenKind(InetAddress a) {
        Optional<InetAddress> embedded = embeddedIpv4(a);
        if (embedded.isPresent()) {
            Optional<String> inner = forbiddenKind(embedded.get());
            if (inner.isPresent()) {
                return Optional.of(inner.get() + " (inside an IPv6 address)");
            }
        }
        for (Range r : FORBIDDEN) {
            if (r.network().contains(a)) {
                return Optional.of(r.kind());
            }
        }
        return Optional.empty();
    }

    private static boolean isAllowed(InetAddress a, List<Cidr> allowed) {
        Optional<InetAddress> embedded = embeddedIpv4(a);
        for (Cidr c : allowed) {
            if (c.contains(a) || embedded.isPresent() && c.contains(embedded.get())) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 address an IPv6 address carries, for the forms that route to it. */
    static Optional<InetAddress> embeddedIpv4(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = a.getAddress();
        int from;
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            from = 12; // IPv4-mapped ::ffff:a.b.c.d
        } else if (allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
            from = 12; // IPv4-compatible ::a.b.c.d (deprecated); not :: or ::1
        } else if (b[0] == 0x00
                && b[1] == 0x64
                && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12)) {
            from = 12; // NAT64 64:ff9b::a.b.c.d
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            from = 2; // 6to4 2002:aabb:ccdd::
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String article(String kind) {
        return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }

    private static Range range(String cidr, String kind) {
        return new Range(Cidr.parse(cidr), kind);
    }
}
