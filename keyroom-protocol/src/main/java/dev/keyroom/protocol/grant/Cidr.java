package dev.keyroom.protocol.grant;

import dev.keyroom.core.error.KeyroomException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** A network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); parsing never resolves a name. */
public record Cidr(byte[] network, int prefix) {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw bad();
        }
        InetAddress address = literal(text.substring(0, slash)).orElseThrow(Cidr::bad);
        String bits = text.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}")) {
            throw bad();
        }
        int prefix = Integer.parseInt(bits);
        byte[] net = address.getAddress();
        if (prefix > net.length * 8) {
            throw bad();
        }
        return new Cidr(net, prefix);
    }

    /** Whether {@code text} is a strict IPv4 dotted quad or a lower-case IPv6 literal. */
    public static boolean isIpLiteral(String text) {
        return literal(text).isPresent();
    }

    /** The address of an IP literal, without any name lookup; empty for anything else. */
    public static java.util.Optional<InetAddress> literal(String text) {
        if (text == null
                || !(IPV4.matcher(text).matches()
                        || text.indexOf(':') >= 0 && IPV6.matcher(text).matches())) {
            return java.util.Optional.empty();
        }
        try {
            // Only literals reach here, which getByName parses without a lookup.
            return java.util.Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    private static KeyroomException bad() {
        return KeyroomException.badRequest("grant: allow_addresses holds networks such as 10.1.2.0/24 or fd00::/8");
    }
}
