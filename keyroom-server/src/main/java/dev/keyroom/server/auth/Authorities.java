package dev.keyroom.server.auth;

import dev.keyroom.protocol.signature.Authority;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The authorities ({@code host[:port]}) a signed request or a data-plane login may name: this
 * server's own, so that a request signed for another deployment that knows the same identity,
 * captured there and replayed here, is refused (AUTH-1, AUTH-10).
 *
 * <p>When {@code public_authorities} is configured, exactly those. Otherwise the listen address and
 * the names in the server's TLS certificate, at the port the server listens on: a loopback listen
 * address also answers to {@code localhost}, and a wildcard one to the addresses of this machine's
 * interfaces. Wildcard names in the certificate ({@code *.example.com}) are not taken: a
 * certificate shared by several deployments would make them one another's. The certificate's names
 * are read again when the certificate is reloaded.
 */
public final class Authorities {
    private final Optional<Set<String>> configured;
    private final String scheme;
    private final IntSupplier port;
    private final Set<String> listenNames;
    private volatile Set<String> certificateNames;

    private Authorities(
            Optional<Set<String>> configured,
            String scheme,
            IntSupplier port,
            Set<String> listenNames,
            Set<String> certificateNames) {
        this.configured = configured;
        this.scheme = scheme;
        this.port = port;
        this.listenNames = listenNames;
        this.certificateNames = certificateNames;
    }

    /** Exactly the configured {@code public_authorities} (lowercase {@code host[:port]}). */
    public static Authorities configured(Collection<String> authorities, String scheme) {
        Set<String> set = new LinkedHashSet<>();
        for (String a : authorities) {
            set.add(Authority.normalize(scheme, a));
        }
        return new Authorities(Optional.of(Collections.unmodifiableSet(set)), scheme, () -> -1, Set.of(), Set.of());
    }

    /**
     * This server's own: {@code listenHost} (and what it stands for), the names of {@code
     * certificate} when there is one, at {@code port} (read when asked, so a port the system picked
     * is known once bound).
     */
    public static Authorities ofListener(
            String scheme, String listenHost, IntSupplier port, Optional<X509Certificate> certificate) {
        return new Authorities(
                Optional.empty(),
                scheme,
                port,
                listenNames(listenHost),
                certificate.map(Authorities::namesOf).orElse(Set.of()));
    }

    /** Whether a request sent over {@code scheme} that names {@code authority} is meant for this server. */
    public boolean accepts(String requestScheme, String authority) {
        String normalized = Authority.normalize(requestScheme, authority);
        if (configured.isPresent()) {
            return configured.get().contains(normalized);
        }
        Optional<HostPort> hp = HostPort.parse(normalized, requestScheme);
        if (hp.isEmpty() || hp.get().port() != port.getAsInt()) {
            return false;
        }
        String host = hp.get().host();
        return listenNames.contains(host) || certificateNames.contains(host);
    }

    /** The certificate in use changed (a reload): its names replace the old ones. */
    public void certificateChanged(X509Certificate certificate) {
        certificateNames = namesOf(certificate);
    }

    /** Every accepted authority, for the start-up output and {@code /healthz}-free logs. */
    public List<String> describe() {
        if (configured.isPresent()) {
            return List.copyOf(configured.get());
        }
        Set<String> all = new LinkedHashSet<>();
        int p = port.getAsInt();
        for (String host : listenNames) {
            all.add(Authority.normalize(scheme, display(host) + ":" + p));
        }
        for (String host : certificateNames) {
            all.add(Authority.normalize(scheme, display(host) + ":" + p));
        }
        return new ArrayList<>(all);
    }

    /** A host as it appears in an authority: IPv6 literals in brackets, loopback in its short form. */
    private static String display(String host) {
        if (host.equals("0:0:0:0:0:0:0:1")) {
            return "[::1]";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /**
     * A host in canonical form, for comparison only: a name lowercase, an IP literal as {@link
     * InetAddress} prints it (so that {@code [::1]} and {@code 0:0:0:0:0:0:0:1} are one).
     */
    static String canonicalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return dev.keyroom.server.config.ServerConfig.literalAddress(h)
                .map(Authorities::address)
                .orElse(h);
    }

    private static String address(InetAddress a) {
        String text = a.getHostAddress();
        int zone = text.indexOf('%');
        return zone >= 0 ? text.substring(0, zone) : text;
    }

    private static Set<String> listenNames(String listenHost) {
        Set<String> names = new LinkedHashSet<>();
        Optional<InetAddress> literal = dev.keyroom.server.config.ServerConfig.literalAddress(listenHost);
        if (literal.isPresent() && literal.get().isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        names.add(address(a));
                    }
                }
            } catch (SocketException e) {
                // no interface list: the certificate's names remain
            }
        } else {
            names.add(canonicalHost(listenHost));
            if (literal.isEmpty()) {
                // A name: also the addresses it stood for when the listener was bound to them.
                try {
                    for (InetAddress a : InetAddress.getAllByName(listenHost)) {
                        names.add(address(a));
                    }
                } catch (java.net.UnknownHostException e) {
                    // the name itself remains
                }
            }
        }
        if (names.stream()
                .map(dev.keyroom.server.config.ServerConfig::literalAddress)
                .flatMap(Optional::stream)
                .anyMatch(InetAddress::isLoopbackAddress)) {
            names.add("localhost");
        }
        return Collections.unmodifiableSet(names);
    }

    private static Set<String> namesOf(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if ((type == 2 || type == 7) && san.get(1) instanceof String name && !name.contains("*")) {
                        names.add(canonicalHost(name));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate without readable names: only the listen address is ours
        }
        return Collections.unmodifiableSet(names);
    }

    /** The host and port of a normalized authority; the scheme's default port when none is given. */
    record HostPort(String host, int port) {
        static Optional<HostPort> parse(String authority, String scheme) {
            if (authority.isEmpty() || authority.contains("@")) {
                return Optional.empty();
            }
            String host;
            String portText = null;
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                if (close < 0) {
                    return Optional.empty();
                }
                host = authority.substring(0, close + 1);
                String rest = authority.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        return Optional.empty();
                    }
                    portText = rest.substring(1);
                }
            } else {
                int colon = authority.indexOf(':');
                if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                    return Optional.empty();
                }
                host = colon < 0 ? authority : authority.substring(0, colon);
                portText = colon < 0 ? null : authority.substring(colon + 1);
            }
            int port;
            if (portText == null) {
                port = "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
            } else {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            return Optional.of(new HostPort(canonicalHost(host), port));
        }
    }
}
